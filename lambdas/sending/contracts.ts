/** The sending service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import { EMAIL_STATUSES } from '../message-status/email-status.js';
import { EMAIL_EVENT_TYPES } from '../message-status/ses-event.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { resendListQuerySchema } from '../http/resend-paging.js';
import type { ServiceContracts } from '../http/frame.js';
import { withMeta } from '../api/schema-meta.js';
import {
  idempotencyHeadersSchema,
  MAX_BATCH_SIZE,
  sendEmailBatchSchema,
  sendEmailSchema,
} from './email-schema.js';
import { sendSmsSchema, sendWhatsappSchema } from '../messaging/message-schemas.js';
import { SENDGRID_UNSUPPORTED_FIELDS, sendgridMailSchema } from './sendgrid-schema.js';

const timestamp = withMeta(z.string(), { format: 'date-time', example: '2026-11-24T14:30:00.000Z' });

export const emailSchema = withMeta(
  z.object({
    object: z.literal('email'),
    id: withMeta(z.string(), { example: 'em_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    reply_to: z.array(z.string()),
    subject: z.string(),
    tags: z.array(z.object({ name: z.string(), value: z.string() })),
    status: withMeta(z.enum(EMAIL_STATUSES), {
      description:
        'Moves forward only, driven by SES events: queued → sent → delivery_delayed → delivered → complained → bounced → failed (a later event never moves it back). A scheduled email is `scheduled`, then `sending` while one sender holds it, then as above; or `canceled`.',
    }),
    ses_message_id: z.nullable(z.string()),
    failure_reason: z.nullable(z.string()),
    scheduled_at: withMeta(z.nullable(timestamp), {
      description: 'When a scheduled email is (or was) due; null for an email sent at once.',
    }),
    headers: withMeta(z.record(z.string(), z.string()), {
      description:
        'The headers it was sent with besides its envelope (a broadcast email: List-Unsubscribe, List-Unsubscribe-Post).',
    }),
    broadcast_id: withMeta(z.nullable(z.string()), {
      description: 'The broadcast it belongs to, `bc_…`; null for a single send.',
    }),
    last_event: withMeta(z.nullable(z.enum(EMAIL_EVENT_TYPES)), {
      description: 'The type of the latest event SES reported for this email (by when it happened).',
    }),
    suppressed: withMeta(z.array(z.string()), {
      description:
        'Recipients not sent to because the project suppresses them (lower-cased); an `email.suppressed` event reports them.',
    }),
    created_at: timestamp,
    updated_at: timestamp,
  }),
  { id: 'Email', description: 'A sent email: its envelope and status (bodies are not stored).' },
);

export type EmailJson = z.input<typeof emailSchema>;

export const emailEventSchema = withMeta(
  z.object({
    type: z.enum(EMAIL_EVENT_TYPES),
    created_at: withMeta(timestamp, { description: 'When SES says it happened.' }),
    details: withMeta(z.record(z.string(), z.unknown()), {
      description: 'What SES reported: recipients, bounce type, link clicked…',
      example: { recipients: ['someone@example.org'] },
    }),
  }),
  { id: 'EmailEvent', description: 'One SES event of an email.' },
);

export type EmailEventJson = z.input<typeof emailEventSchema>;

/** `PATCH /v1/emails/{id}` and Resend's emails.update: the new time. */
const rescheduleBody = z.strictObject({
  scheduled_at: withMeta(sendEmailSchema.def.shape.scheduled_at.def.innerType, {
    description: 'ISO 8601 with an offset, or `in N minutes|hours|days`; 1 minute to 30 days ahead.',
    example: 'in 2 hours',
  }),
});

const emailIdParams = z.object({ id: withMeta(z.string(), { description: 'The email id, `em_…`.' }) });

/** What a send can answer besides the errors every route can: the same for one email and a batch. */
const SEND_ERRORS = [
  'domain_not_allowed',
  'not_found',
  'missing_variable',
  'domain_not_verified',
  'recipient_suppressed',
  'idempotency_conflict',
  'idempotency_in_progress',
  'email_rejected',
  'rate_limited',
  'quota_exceeded',
  'upstream_unavailable',
] as const;

/** What an SMS or WhatsApp send can answer besides the errors every route can. */
const MESSAGE_SEND_ERRORS = [
  'message_rejected',
  'rate_limited',
  'upstream_unavailable',
  'channel_not_configured',
  'quota_exceeded',
] as const;

/** What Resend's send refuses by name, in a batch each email's. */
const RESEND_UNSUPPORTED_SEND_FIELDS = [
  'topic_id',
  'attachments[].path',
  'attachments[].content_id',
] as const;

/**
 * Resend's `POST /emails`: the body of `POST /v1/emails` (Resend's field names, `to` a string or a
 * list), answered `{id}`. What Resend offers and scopegate does not — topics, attachments fetched from
 * a URL or inlined by content id — is refused by name (422 `invalid_parameter`).
 */
const resendSendEmail = defineContract({
  headers: idempotencyHeadersSchema,
  body: sendEmailSchema,
  unsupportedFields: RESEND_UNSUPPORTED_SEND_FIELDS,
  response: {
    status: 200,
    description: 'Accepted by SES; the email id (a scopegate id, `em_…`).',
    schema: z.object({ id: withMeta(z.string(), { example: 'em_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }) }),
  },
  errors: [...SEND_ERRORS, 'invalid_parameter'],
});

/**
 * Resend's `last_event`: the type of the latest SES event without its `email.` prefix, else the
 * status the email is in (a scheduled, canceled or not yet reported email).
 */
export const RESEND_LAST_EVENTS = [
  'bounced',
  'canceled',
  'clicked',
  'complained',
  'delivered',
  'delivery_delayed',
  'failed',
  'opened',
  'queued',
  'scheduled',
  'sent',
  'suppressed',
] as const;

const resendEmailFields = {
  id: withMeta(z.string(), { example: 'em_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
  from: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  reply_to: z.array(z.string()),
  subject: z.string(),
  created_at: timestamp,
  scheduled_at: z.nullable(timestamp),
  last_event: z.enum(RESEND_LAST_EVENTS),
  message_id: withMeta(z.optional(z.string()), {
    description: "SES's message id, once SES has accepted the email.",
  }),
};

export const resendEmailSchema = withMeta(
  z.object({
    object: z.literal('email'),
    ...resendEmailFields,
    html: withMeta(z.null(), { description: 'Always null: scopegate does not store bodies.' }),
    text: withMeta(z.null(), { description: 'Always null: scopegate does not store bodies.' }),
    tags: z.array(z.object({ name: z.string(), value: z.string() })),
  }),
  { id: 'ResendEmail', description: "A sent email as Resend's emails.get answers it." },
);

export type ResendEmailJson = z.input<typeof resendEmailSchema>;

export const resendListedEmailSchema = withMeta(z.object(resendEmailFields), {
  id: 'ResendListedEmail',
  description:
    "An email as Resend's emails.list answers it: emails.get's fields but `object`, bodies and tags.",
});

export type ResendListedEmailJson = z.input<typeof resendListedEmailSchema>;

const resendEmailReference = z.object({
  object: z.literal('email'),
  id: withMeta(z.string(), { example: 'em_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
});

/** Resend's batch validation modes, sent as the `x-batch-validation` header. */
export const BATCH_VALIDATIONS = ['strict', 'permissive'] as const;

/**
 * Resend's `POST /emails/batch`. The body is read email by email by the adapter, with the schema of
 * `POST /v1/emails/batch`'s emails: in `strict` mode (the default) any problem refuses the batch as
 * `/v1` does; in `permissive` mode an email with a problem is listed in `errors` by its position and
 * the others are sent.
 */
const resendSendEmailBatch = defineContract({
  headers: z.extend(idempotencyHeadersSchema, {
    'x-batch-validation': withMeta(z._default(z.enum(BATCH_VALIDATIONS), 'strict'), {
      description:
        '`strict`: any invalid email refuses the whole batch. `permissive`: invalid emails are listed in `errors` and the rest are sent.',
    }),
  }),
  body: withMeta(z.array(z.unknown()).check(z.minLength(1), z.maxLength(MAX_BATCH_SIZE)), {
    description: `1 to ${MAX_BATCH_SIZE} emails, each shaped like the body of POST /resend/emails.`,
  }),
  unsupportedFields: RESEND_UNSUPPORTED_SEND_FIELDS.map((field) => `[].${field}`),
  response: {
    status: 200,
    description:
      'The ids of the emails sent, in the order given; in permissive mode also `errors`, the emails not sent by position.',
    schema: z.object({
      data: z.array(z.object({ id: withMeta(z.string(), { example: 'em_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }) })),
      errors: z.optional(z.array(z.object({ index: z.number(), message: z.string() }))),
    }),
  },
  errors: [...SEND_ERRORS, 'invalid_parameter'],
});

const resendListEmails = defineContract({
  query: resendListQuerySchema,
  response: {
    status: 200,
    description: 'A page of emails, newest first.',
    schema: z.object({
      object: z.literal('list'),
      data: z.array(resendListedEmailSchema),
      has_more: z.boolean(),
    }),
  },
});

const resendGetEmail = defineContract({
  params: emailIdParams,
  response: { status: 200, description: 'The email.', schema: resendEmailSchema },
  errors: ['not_found'],
});

const resendUpdateEmail = defineContract({
  params: emailIdParams,
  body: rescheduleBody,
  response: { status: 200, description: 'The email, moved.', schema: resendEmailReference },
  errors: ['not_found', 'invalid_state'],
});

const resendCancelEmail = defineContract({
  params: emailIdParams,
  response: {
    status: 200,
    description: 'The email, canceled; its count against the monthly cap is given back.',
    schema: resendEmailReference,
  },
  errors: ['not_found', 'invalid_state'],
});

/** The routes of the Resend surface this service serves (lambdas/sending/resend-adapter.ts maps them). */
export const RESEND_SENDING_CONTRACTS = {
  resendSendEmail,
  resendSendEmailBatch,
  resendListEmails,
  resendGetEmail,
  resendUpdateEmail,
  resendCancelEmail,
};

/**
 * SendGrid's `POST /v3/mail/send`: one email per personalization, checked and sent as `POST
 * /v1/emails/batch` (lambdas/sending/sendgrid-adapter.ts maps it), answered as SendGrid does: 202,
 * an empty body and `X-Message-Id`; 200 with sandbox mode, where every check runs and nothing is sent.
 */
const sendgridSendMail = defineContract({
  headers: idempotencyHeadersSchema,
  body: sendgridMailSchema,
  unsupportedFields: SENDGRID_UNSUPPORTED_FIELDS,
  response: {
    status: 202,
    description: 'Every email accepted; `X-Message-Id` is the id of the first (`em_…`).',
    // Absent in sandbox mode: nothing was sent, so no email has an id.
    headers: z.object({ 'x-message-id': z.optional(z.string()) }),
    otherStatus: {
      status: 200,
      description: '`mail_settings.sandbox_mode.enable`: every check passed, nothing was sent.',
    },
  },
  errors: [...SEND_ERRORS, 'invalid_parameter'],
});

/** The routes of the SendGrid surface this service serves (lambdas/sending/sendgrid-adapter.ts maps them). */
export const SENDGRID_SENDING_CONTRACTS = { sendgridSendMail };

export const SENDING_CONTRACTS = {
  ...RESEND_SENDING_CONTRACTS,
  ...SENDGRID_SENDING_CONTRACTS,
  sendEmail: defineContract({
    headers: idempotencyHeadersSchema,
    body: sendEmailSchema,
    response: {
      status: 200,
      description: 'Accepted by SES; the email id.',
      schema: z.object({ id: withMeta(z.string(), { example: 'em_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }) }),
    },
    errors: SEND_ERRORS,
  }),
  sendEmailBatch: defineContract({
    headers: idempotencyHeadersSchema,
    body: sendEmailBatchSchema,
    response: {
      status: 200,
      description:
        'Every email accepted by SES; their ids, in the order given. If the batch stops part-way, the error ' +
        'names the email that stopped it and lists the emails already sent in `data`.',
      schema: z.object({
        data: z.array(z.object({ id: withMeta(z.string(), { example: 'em_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }) })),
      }),
    },
    errors: SEND_ERRORS,
  }),
  listEmails: defineContract({
    query: z.extend(listQuerySchema, {
      broadcast_id: withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(100))), {
        description: "Only this broadcast's emails, in the order of its recipients.",
      }),
    }),
    response: {
      status: 200,
      description: 'A page of emails, newest first.',
      schema: listResponseSchema(emailSchema),
    },
  }),
  getEmail: defineContract({
    params: emailIdParams,
    response: { status: 200, description: 'The email.', schema: emailSchema },
    errors: ['not_found'],
  }),
  listEmailEvents: defineContract({
    params: emailIdParams,
    query: listQuerySchema,
    response: {
      status: 200,
      description: "A page of the email's events, oldest first (a history reads forwards).",
      schema: listResponseSchema(emailEventSchema),
    },
    errors: ['not_found'],
  }),
  rescheduleEmail: defineContract({
    params: emailIdParams,
    body: rescheduleBody,
    response: { status: 200, description: 'The email, moved.', schema: emailSchema },
    errors: ['not_found', 'invalid_state'],
  }),
  cancelEmail: defineContract({
    params: emailIdParams,
    response: {
      status: 200,
      description: 'The email, `canceled`; its count against the monthly cap is given back.',
      schema: emailSchema,
    },
    errors: ['not_found', 'invalid_state'],
  }),
  sendSms: defineContract({
    body: sendSmsSchema,
    response: {
      status: 200,
      description:
        'Accepted by AWS End User Messaging SMS; the message id. Delivery arrives as sms.* events.',
      schema: z.object({ id: withMeta(z.string(), { example: 'sms_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }) }),
    },
    errors: MESSAGE_SEND_ERRORS,
    idempotent: true,
  }),
  sendWhatsapp: defineContract({
    body: sendWhatsappSchema,
    response: {
      status: 200,
      description:
        'Accepted by AWS End User Messaging Social; the message id. Delivery arrives as whatsapp.* events.',
      schema: z.object({ id: withMeta(z.string(), { example: 'wa_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }) }),
    },
    errors: MESSAGE_SEND_ERRORS,
    idempotent: true,
  }),
} satisfies ServiceContracts<'sending'>;
