/**
 * The SES account's maximum send rate: the stack setting `maxSendRate` when given, else SES's own
 * `GetAccount` `SendQuota.MaxSendRate`, read once per container. A rate SES cannot tell (the call
 * fails, or a sandbox answers nothing) falls back to 1 email/s, the sandbox's: slow, never over.
 */
import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';

export const FALLBACK_SEND_RATE = 1;

export async function maxSendRate(setting: string | undefined, ses: SESv2Client): Promise<number> {
  const configured = Number(setting);
  if (setting !== undefined && setting !== '' && Number.isFinite(configured) && configured > 0)
    return configured;
  try {
    const account = await ses.send(new GetAccountCommand({}));
    const rate = account.SendQuota?.MaxSendRate;
    return typeof rate === 'number' && rate > 0 ? rate : FALLBACK_SEND_RATE;
  } catch {
    return FALLBACK_SEND_RATE;
  }
}
