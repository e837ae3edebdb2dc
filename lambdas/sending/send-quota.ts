/**
 * The hook where a send is checked against its team's monthly cap for the channel (429
 * `quota_exceeded`). No cap exists yet, so no check is wired and every send passes; the step sits
 * between validation and the first write, where a refused send has cost nothing.
 */
import type { AuthContext } from '../core/auth-context.js';

export type SendChannel = 'email' | 'sms' | 'whatsapp';

/** Throws an ApiError when the team may not send one more message on `channel` this month. */
export type SendQuotaCheck = (auth: AuthContext, channel: SendChannel) => Promise<void>;

export async function assertWithinMonthlyQuota(
  check: SendQuotaCheck | undefined,
  auth: AuthContext,
  channel: SendChannel,
): Promise<void> {
  await check?.(auth, channel);
}
