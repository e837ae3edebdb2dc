/**
 * Which messaging channels this deployment has, from the stack's settings: SMS needs an origination
 * identity (CDK context `smsOriginationIdentity` → SMS_ORIGINATION_IDENTITY), WhatsApp a phone
 * number id of End User Messaging Social (`whatsappPhoneNumberId` → WHATSAPP_PHONE_NUMBER_ID). A
 * channel without its setting answers 503 `channel_not_configured` naming the setting, never a 500.
 */
import { ApiError } from '../api/errors.js';
import type { SmsSendFunction } from './sms-sender.js';
import type { WhatsappSendFunction } from './whatsapp-sender.js';

export interface SmsChannel {
  /** The first is the default; `from` may name any of them and nothing else. */
  readonly originationIdentities: readonly string[];
  readonly send: SmsSendFunction;
}

export interface WhatsappChannel {
  readonly phoneNumberId: string;
  readonly send: WhatsappSendFunction;
}

export const SMS_SETTING = { context: 'smsOriginationIdentity', env: 'SMS_ORIGINATION_IDENTITY' } as const;
export const WHATSAPP_SETTING = {
  context: 'whatsappPhoneNumberId',
  env: 'WHATSAPP_PHONE_NUMBER_ID',
} as const;

/** A comma-separated setting, trimmed, empty entries dropped. */
export function settingList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

export function requireSmsChannel(channel: SmsChannel | undefined): SmsChannel {
  if (!channel || channel.originationIdentities.length === 0) throw notConfigured('SMS', SMS_SETTING);
  return channel;
}

export function requireWhatsappChannel(channel: WhatsappChannel | undefined): WhatsappChannel {
  if (!channel || channel.phoneNumberId === '') throw notConfigured('WhatsApp', WHATSAPP_SETTING);
  return channel;
}

/**
 * The origination identity of a send: `from` when it is one of the configured ones, else the first.
 * Origination identities are the account's, not a project's, so a caller may not pick one the
 * operator did not configure for this deployment.
 */
export function originationFor(channel: SmsChannel, from: string | undefined): string {
  const [first] = channel.originationIdentities;
  if (from === undefined && first !== undefined) return first;
  if (from !== undefined && channel.originationIdentities.includes(from)) return from;
  throw new ApiError('validation_error', {
    message: "from must be one of this deployment's origination identities.",
    errors: [{ path: 'from', message: "from must be one of this deployment's origination identities." }],
  });
}

function notConfigured(channel: string, setting: { context: string; env: string }): ApiError {
  return new ApiError('channel_not_configured', {
    message: `${channel} is not configured on this deployment: set the CDK context value ${setting.context} (the Lambda's ${setting.env}) and deploy again.`,
  });
}
