/**
 * Reading the delivery events AWS End User Messaging publishes to the account's default EventBridge
 * bus into what scopegate records: SMS (`source: aws.sms-voice`, "Text Message Delivery Status
 * Updated") and WhatsApp (`source: aws.social-messaging`, "WhatsApp Message …"). Pure: no AWS
 * imports, no clock. Fields are read loosely: only the ones used here must exist.
 */
import * as z from 'zod/mini';
import type { EventType } from '../shared/event-types.js';
import { fingerprintOf } from './fingerprint.js';
import type { MessageStatus } from './message-status.js';

export const SMS_EVENT_SOURCE = 'aws.sms-voice';
export const SMS_EVENT_DETAIL_TYPE = 'Text Message Delivery Status Updated';
export const WHATSAPP_EVENT_SOURCE = 'aws.social-messaging';
/** The status events of sent messages (received messages and handovers are not ours to record). */
export const WHATSAPP_EVENT_DETAIL_TYPES = [
  'WhatsApp Message Sent',
  'WhatsApp Message Delivered',
  'WhatsApp Message Read',
  'WhatsApp Message Failed',
  'WhatsApp Message Undeliverable',
] as const;

export type MessagingChannel = 'sms' | 'whatsapp';

export interface MessageEventFact {
  readonly channel: MessagingChannel;
  readonly providerMessageId: string;
  readonly type: EventType;
  readonly status: MessageStatus;
  /** ISO 8601: when the provider says it happened. */
  readonly occurredAt: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** The same for every copy of one provider event: what makes recording it idempotent. */
  readonly fingerprint: string;
}

export type ReadMessageEvent =
  | { readonly kind: 'event'; readonly event: MessageEventFact }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * SMS event types → the project event. Queued and pending are steps on the way, not outcomes; the
 * message is already `sent` (and `sms.sent` emitted) when the provider accepted it. TEXT_UNKNOWN is
 * what the service reports when no carrier answered within 72 hours: the message was never
 * confirmed, which a sender must treat as failed.
 */
export const SMS_EVENT_MAPPING: Readonly<Record<string, { type: EventType; status: MessageStatus } | null>> =
  {
    TEXT_DELIVERED: { type: 'sms.delivered', status: 'delivered' },
    TEXT_SUCCESSFUL: { type: 'sms.delivered', status: 'delivered' },
    TEXT_QUEUED: null,
    TEXT_PENDING: null,
    TEXT_BLOCKED: { type: 'sms.failed', status: 'failed' },
    TEXT_TTL_EXPIRED: { type: 'sms.failed', status: 'failed' },
    TEXT_CARRIER_UNREACHABLE: { type: 'sms.failed', status: 'failed' },
    TEXT_INVALID: { type: 'sms.failed', status: 'failed' },
    TEXT_INVALID_MESSAGE: { type: 'sms.failed', status: 'failed' },
    TEXT_CARRIER_BLOCKED: { type: 'sms.failed', status: 'failed' },
    TEXT_UNREACHABLE: { type: 'sms.failed', status: 'failed' },
    TEXT_SPAM: { type: 'sms.failed', status: 'failed' },
    TEXT_PROTECT_BLOCKED: { type: 'sms.failed', status: 'failed' },
    TEXT_UNKNOWN: { type: 'sms.failed', status: 'failed' },
  };

/** WhatsApp statuses (Meta's) → the project event; `sent` was emitted when the provider accepted it. */
export const WHATSAPP_STATUS_MAPPING: Readonly<
  Record<string, { type: EventType; status: MessageStatus } | null>
> = {
  sent: null,
  delivered: { type: 'whatsapp.delivered', status: 'delivered' },
  read: { type: 'whatsapp.read', status: 'read' },
  failed: { type: 'whatsapp.failed', status: 'failed' },
  undeliverable: { type: 'whatsapp.failed', status: 'failed' },
};

const text = z.optional(z.string());

const smsDetailSchema = z.looseObject({
  eventType: z.string(),
  messageId: z.string().check(z.minLength(1)),
  eventTimestamp: z.number(),
  messageStatus: text,
  messageStatusDescription: text,
  isoCountryCode: text,
  totalMessageParts: z.optional(z.number()),
});

const whatsappDetailSchema = z.looseObject({
  messageId: z.string().check(z.minLength(1)),
  status: z.string(),
  // Unix seconds, as a string in AWS's examples; a number is read too.
  eventTimestamp: z.union([z.string(), z.number()]),
  errors: z.optional(
    z.array(z.looseObject({ code: z.optional(z.union([z.number(), z.string()])), title: text })),
  ),
});

/** An EventBridge event (`source`, `detail-type`, `detail`) of either service. */
export function readMessagingEvent(envelope: unknown): ReadMessageEvent {
  if (!isRecord(envelope)) return { kind: 'invalid', reason: 'not an EventBridge event' };
  if (envelope.source === SMS_EVENT_SOURCE) return readSmsEvent(envelope.detail);
  if (envelope.source === WHATSAPP_EVENT_SOURCE) return readWhatsappEvent(envelope.detail);
  return { kind: 'invalid', reason: 'not an End User Messaging event' };
}

export function readSmsEvent(detail: unknown): ReadMessageEvent {
  const parsed = smsDetailSchema.safeParse(detail);
  if (!parsed.success)
    return { kind: 'invalid', reason: 'not an SMS event (eventType, messageId, eventTimestamp)' };
  const event = parsed.data;
  const mapping = Object.hasOwn(SMS_EVENT_MAPPING, event.eventType)
    ? SMS_EVENT_MAPPING[event.eventType]
    : null;
  if (!mapping) return { kind: 'ignored', reason: `SMS event ${event.eventType} is not recorded` };
  const occurredAt = isoFromMillis(event.eventTimestamp);
  if (!occurredAt) return { kind: 'invalid', reason: 'the event has no readable timestamp' };
  return {
    kind: 'event',
    event: {
      channel: 'sms',
      providerMessageId: event.messageId,
      type: mapping.type,
      status: mapping.status,
      occurredAt,
      details: defined({
        provider_event: event.eventType,
        provider_status: event.messageStatus,
        description: event.messageStatusDescription,
        country: event.isoCountryCode,
        parts: event.totalMessageParts,
      }),
      fingerprint: fingerprintOf(detail),
    },
  };
}

export function readWhatsappEvent(detail: unknown): ReadMessageEvent {
  const parsed = whatsappDetailSchema.safeParse(detail);
  if (!parsed.success) return { kind: 'invalid', reason: 'not a WhatsApp status event (messageId, status)' };
  const event = parsed.data;
  const status = event.status.toLowerCase();
  const mapping = Object.hasOwn(WHATSAPP_STATUS_MAPPING, status) ? WHATSAPP_STATUS_MAPPING[status] : null;
  if (!mapping) return { kind: 'ignored', reason: `WhatsApp status ${event.status} is not recorded` };
  const occurredAt = isoFromMillis(Number(event.eventTimestamp) * 1000);
  if (!occurredAt) return { kind: 'invalid', reason: 'the event has no readable timestamp' };
  const [error] = event.errors ?? [];
  return {
    kind: 'event',
    event: {
      channel: 'whatsapp',
      providerMessageId: event.messageId,
      type: mapping.type,
      status: mapping.status,
      occurredAt,
      details: defined({
        provider_status: status,
        error_code: error?.code === undefined ? undefined : String(error.code),
        error_title: error?.title,
      }),
      fingerprint: fingerprintOf(detail),
    },
  };
}

/**
 * How long after a provider event its message may still be missing from the index: the send writes
 * the index right after the provider accepts the message, so only an event that beats that
 * bookkeeping by seconds finds nothing. The account's default bus also carries the events of
 * messages other applications sent; one of those is dropped once it is older than this, instead of
 * being retried into the dead-letter queue.
 */
export const INDEX_GRACE_MS = 5 * 60 * 1000;

export function mayStillBeIndexed(occurredAt: string, now: Date): boolean {
  return now.getTime() - Date.parse(occurredAt) <= INDEX_GRACE_MS;
}

function isoFromMillis(millis: number): string | undefined {
  if (!Number.isFinite(millis) || millis <= 0) return undefined;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
