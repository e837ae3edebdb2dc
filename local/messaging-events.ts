/**
 * The local stand-in's delivery outcomes and the events AWS End User Messaging would publish for
 * them, as the EventBridge events the deployed stack's queue carries: a destination number ending in
 * `0000` fails, every other is delivered (and, on WhatsApp, read). Pure, apart from the random event ids.
 */
import { randomUUID } from 'node:crypto';
import {
  SMS_EVENT_DETAIL_TYPE,
  SMS_EVENT_SOURCE,
  WHATSAPP_EVENT_SOURCE,
} from '../lambdas/message-status/messaging-event.js';

export const FAILING_NUMBER_SUFFIX = '0000';

export function failsLocally(destination: string): boolean {
  return destination.endsWith(FAILING_NUMBER_SUFFIX);
}

export interface LocalMessage {
  readonly providerMessageId: string;
  readonly to: string;
}

export function localSmsEvents(
  message: LocalMessage & { readonly from: string },
  now: Date,
): Record<string, unknown>[] {
  const fails = failsLocally(message.to);
  const detail = {
    eventType: fails ? 'TEXT_UNREACHABLE' : 'TEXT_DELIVERED',
    eventVersion: '1.0',
    eventTimestamp: now.getTime(),
    isFinal: true,
    originationPhoneNumber: message.from,
    destinationPhoneNumber: message.to,
    messageId: message.providerMessageId,
    messageRequestTimestamp: now.getTime(),
    messageEncoding: 'GSM',
    messageType: 'TRANSACTIONAL',
    messageStatus: fails ? 'UNREACHABLE' : 'DELIVERED',
    messageStatusDescription: fails
      ? 'The local stand-in fails every number ending in 0000'
      : 'Message has been delivered to the local stand-in',
    totalMessageParts: 1,
  };
  return [envelope(SMS_EVENT_SOURCE, SMS_EVENT_DETAIL_TYPE, detail, now)];
}

export function localWhatsappEvents(
  message: LocalMessage & { readonly phoneNumberId: string },
  now: Date,
): Record<string, unknown>[] {
  const seconds = Math.floor(now.getTime() / 1000);
  const detail = (status: string, at: number, extra: Record<string, unknown> = {}) => ({
    wabaId: 'local-waba',
    originationPhoneNumberId: message.phoneNumberId,
    messageId: message.providerMessageId,
    status,
    eventTimestamp: String(at),
    ...extra,
  });
  if (failsLocally(message.to)) {
    const errors = [{ code: 131026, title: 'Message undeliverable' }];
    return [
      envelope(WHATSAPP_EVENT_SOURCE, 'WhatsApp Message Failed', detail('failed', seconds, { errors }), now),
    ];
  }
  return [
    envelope(WHATSAPP_EVENT_SOURCE, 'WhatsApp Message Delivered', detail('delivered', seconds), now),
    envelope(WHATSAPP_EVENT_SOURCE, 'WhatsApp Message Read', detail('read', seconds + 1), now),
  ];
}

function envelope(source: string, detailType: string, detail: unknown, now: Date): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail,
  };
}
