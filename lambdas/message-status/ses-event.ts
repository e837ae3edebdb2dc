/**
 * Reading the JSON SES publishes for a configuration set's events (`eventType`, `mail`, and one
 * object named after the event) into what scopegate records: the project event type, the status it
 * implies, when it happened and a small `details` object. Pure: no AWS imports, no clock.
 *
 * SES adds fields over time, so every object is read loosely: only the fields used here must exist.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { EmailStatus } from './email-status.js';
import { EMAIL_EVENT_TYPES, type EmailEventType } from '../shared/event-types.js';

export { EMAIL_EVENT_TYPES, type EmailEventType };

/** SES's `eventType` → the project event and the status it implies (none: the status stays). */
export const SES_EVENT_MAPPING = {
  Send: { type: 'email.sent', status: 'sent' },
  Delivery: { type: 'email.delivered', status: 'delivered' },
  DeliveryDelay: { type: 'email.delivery_delayed', status: 'delivery_delayed' },
  Bounce: { type: 'email.bounced', status: 'bounced' },
  Complaint: { type: 'email.complained', status: 'complained' },
  Reject: { type: 'email.failed', status: 'failed' },
  'Rendering Failure': { type: 'email.failed', status: 'failed' },
  Open: { type: 'email.opened', status: undefined },
  Click: { type: 'email.clicked', status: undefined },
} as const satisfies Record<string, { type: EmailEventType; status: EmailStatus | undefined }>;

export type SesEventType = keyof typeof SES_EVENT_MAPPING;

export interface EmailEventFact {
  readonly sesMessageId: string;
  readonly type: EmailEventType;
  readonly status: EmailStatus | undefined;
  /** ISO 8601: when SES says it happened (the event's own timestamp, else the send's). */
  readonly occurredAt: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** The same for every copy of one SES event: what makes recording it idempotent. */
  readonly fingerprint: string;
}

export type ReadSesEvent =
  | { readonly kind: 'event'; readonly event: EmailEventFact }
  /** A well-formed event scopegate does not record (Subscription, or a type SES adds later). */
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const recipients = z.optional(z.array(z.looseObject({ emailAddress: z.string() })));
const text = z.optional(z.string());

const sesEventSchema = z.looseObject({
  eventType: z.string(),
  mail: z.looseObject({ messageId: z.string().check(z.minLength(1)), timestamp: z.string() }),
  bounce: z.optional(
    z.looseObject({ bounceType: text, bounceSubType: text, bouncedRecipients: recipients, timestamp: text }),
  ),
  complaint: z.optional(
    z.looseObject({ complainedRecipients: recipients, complaintFeedbackType: text, timestamp: text }),
  ),
  delivery: z.optional(
    z.looseObject({ recipients: z.optional(z.array(z.string())), smtpResponse: text, timestamp: text }),
  ),
  deliveryDelay: z.optional(
    z.looseObject({ delayType: text, delayedRecipients: recipients, expirationTime: text, timestamp: text }),
  ),
  reject: z.optional(z.looseObject({ reason: text })),
  open: z.optional(z.looseObject({ ipAddress: text, userAgent: text, timestamp: text })),
  click: z.optional(z.looseObject({ link: text, ipAddress: text, userAgent: text, timestamp: text })),
  failure: z.optional(z.looseObject({ errorMessage: text, templateName: text })),
});

type SesEvent = z.infer<typeof sesEventSchema>;

export function readSesEvent(json: unknown): ReadSesEvent {
  const parsed = sesEventSchema.safeParse(json);
  if (!parsed.success) return { kind: 'invalid', reason: 'not an SES event (eventType and mail.messageId)' };
  const event = parsed.data;
  if (!Object.hasOwn(SES_EVENT_MAPPING, event.eventType)) {
    return { kind: 'ignored', reason: `event type ${event.eventType} is not recorded` };
  }
  const mapping = SES_EVENT_MAPPING[event.eventType as SesEventType];
  const occurredAt = isoOrUndefined(ownTimestamp(event)) ?? isoOrUndefined(event.mail.timestamp);
  if (!occurredAt) return { kind: 'invalid', reason: 'the event has no readable timestamp' };
  return {
    kind: 'event',
    event: {
      sesMessageId: event.mail.messageId,
      type: mapping.type,
      status: mapping.status,
      occurredAt,
      details: detailsOf(event),
      fingerprint: fingerprintOf(json),
    },
  };
}

/**
 * The SES event in one queue message: EventBridge's envelope (`source: aws.ses`, the event in
 * `detail`) as the stack delivers it, or the bare event (the local stack, tests).
 */
export function sesEventOfMessage(body: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (isRecord(json) && json.source === 'aws.ses' && 'detail' in json) return json.detail;
  return json;
}

function ownTimestamp(event: SesEvent): string | undefined {
  return (
    event.bounce?.timestamp ??
    event.complaint?.timestamp ??
    event.delivery?.timestamp ??
    event.deliveryDelay?.timestamp ??
    event.open?.timestamp ??
    event.click?.timestamp
  );
}

/** The few fields a user needs to act on an event; never the message's headers. */
function detailsOf(event: SesEvent): Record<string, unknown> {
  const addresses = (list: { emailAddress: string }[] | undefined) =>
    (list ?? []).map((recipient) => recipient.emailAddress);
  const defined = (fields: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  switch (event.eventType as SesEventType) {
    case 'Bounce':
      return defined({
        bounce_type: event.bounce?.bounceType,
        bounce_sub_type: event.bounce?.bounceSubType,
        recipients: addresses(event.bounce?.bouncedRecipients),
      });
    case 'Complaint':
      return defined({
        recipients: addresses(event.complaint?.complainedRecipients),
        feedback_type: event.complaint?.complaintFeedbackType,
      });
    case 'Delivery':
      return defined({
        recipients: event.delivery?.recipients ?? [],
        smtp_response: event.delivery?.smtpResponse,
      });
    case 'DeliveryDelay':
      return defined({
        delay_type: event.deliveryDelay?.delayType,
        recipients: addresses(event.deliveryDelay?.delayedRecipients),
        expiration_time: event.deliveryDelay?.expirationTime,
      });
    case 'Reject':
      return defined({ reason: event.reject?.reason });
    case 'Rendering Failure':
      return defined({ reason: event.failure?.errorMessage, template_name: event.failure?.templateName });
    case 'Open':
      return defined({ ip_address: event.open?.ipAddress, user_agent: event.open?.userAgent });
    case 'Click':
      return defined({
        link: event.click?.link,
        ip_address: event.click?.ipAddress,
        user_agent: event.click?.userAgent,
      });
    case 'Send':
      return {};
  }
}

function isoOrUndefined(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** SES's copies of one event are the same JSON; canonical key order makes the hash independent of it. */
function fingerprintOf(json: unknown): string {
  return createHash('sha256').update(canonicalJson(json)).digest('hex').slice(0, 32);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
