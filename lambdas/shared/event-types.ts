/**
 * Every event type a project's webhooks can subscribe to: the one list the webhook contracts, the
 * fan-out and docs/api.md read. A type is here before any producer writes it, so a subscription made
 * today keeps working when the producer arrives.
 */
/** The events an email's SES events become (lambdas/message-status/ses-event.ts maps them). */
export const EMAIL_EVENT_TYPES = [
  'email.sent',
  'email.delivered',
  'email.delivery_delayed',
  'email.bounced',
  'email.complained',
  'email.opened',
  'email.clicked',
  'email.failed',
] as const;

/** What scheduling and suppressions add to an email's life (lambdas/sending). */
export const EMAIL_LIFECYCLE_EVENT_TYPES = ['email.scheduled', 'email.canceled', 'email.suppressed'] as const;

export type EmailEventType = (typeof EMAIL_EVENT_TYPES)[number];

export const EVENT_TYPES = [
  ...EMAIL_EVENT_TYPES,
  ...EMAIL_LIFECYCLE_EVENT_TYPES,
  'domain.verified',
  'domain.failed',
  'api_key.created',
  'api_key.updated',
  'api_key.rotated',
  'api_key.revoked',
  'api_key.expiring',
  'sms.sent',
  'sms.delivered',
  'sms.failed',
  'whatsapp.sent',
  'whatsapp.delivered',
  'whatsapp.read',
  'whatsapp.failed',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.unsubscribed',
  'broadcast.sending',
  'broadcast.sent',
  'broadcast.canceled',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Sent by `POST /v1/webhooks/{id}/test` to that one webhook, whatever it subscribes to. */
export const WEBHOOK_TEST_EVENT: EventType = 'webhook.test';

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
