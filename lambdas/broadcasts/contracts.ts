/** The broadcasts service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import {
  resendListQueryFields,
  resendListQuerySchema,
  resendListResponseSchema,
} from '../http/resend-paging.js';
import { withMeta } from '../api/schema-meta.js';
import { mailbox, replyToList } from '../shared/mailbox.js';
import { templateReferenceSchema } from '../sending/template-reference.js';
import { BROADCAST_STATUSES, RECIPIENT_STATUSES } from './state.js';

const timestamp = withMeta(z.string(), { format: 'date-time', example: '2026-11-24T14:30:00.000Z' });
const tagPart = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1 to 256 letters, digits, _ or -'));
/** Each body, in characters: a broadcast item holds its draft and, once sent, its rendered sources, within 400 KB. */
const MAX_BODY = 100 * 1024;

const audienceSchema = withMeta(
  z.union(
    [
      z.strictObject({
        list_id: withMeta(z.string().check(z.minLength(1), z.maxLength(100)), {
          example: 'lst_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw',
        }),
      }),
      z.strictObject({
        segment_id: withMeta(z.string().check(z.minLength(1), z.maxLength(100)), {
          example: 'seg_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw',
        }),
      }),
    ],
    { error: 'must be {"list_id"} or {"segment_id"}' },
  ),
  {
    description:
      'Who receives it: the members of a list, or the contacts a segment matches when sending starts.',
  },
);

const subject = z.string().check(
  z.minLength(1),
  z.maxLength(998),
  z.refine((value) => !/[\r\n]/.test(value), 'must not contain line breaks'),
);
const body = z.string().check(z.minLength(1), z.maxLength(MAX_BODY));

const contentFields = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  from: mailbox,
  reply_to: z.optional(replyToList),
  subject: withMeta(z.optional(subject), {
    description: 'Mustache: `{{contact.first_name}}`, `{{contact.properties.plan}}`, `{{unsubscribe_url}}`…',
  }),
  html: withMeta(z.optional(body), { description: 'Mustache, every value HTML-escaped.' }),
  text: z.optional(body),
  template: z.optional(templateReferenceSchema),
  audience: audienceSchema,
  tags: z.optional(z.array(z.strictObject({ name: tagPart, value: tagPart })).check(z.maxLength(50))),
};

export const createBroadcastSchema = z.strictObject(contentFields).check(
  z.superRefine((input, context) => {
    if (input.template !== undefined) return;
    if (input.subject === undefined)
      context.addIssue({
        code: 'custom',
        path: ['subject'],
        message: 'is required unless template is given',
      });
    if (input.html === undefined && input.text === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['html'],
        message: 'is required unless text or template is given',
      });
    }
  }),
);
export type CreateBroadcastInput = z.output<typeof createBroadcastSchema>;

export const updateBroadcastSchema = withMeta(
  z.optional(
    z.strictObject({
      name: z.optional(contentFields.name),
      from: z.optional(mailbox),
      reply_to: z.optional(z.nullable(replyToList)),
      subject: z.optional(z.nullable(subject)),
      html: z.optional(z.nullable(body)),
      text: z.optional(z.nullable(body)),
      template: z.optional(z.nullable(templateReferenceSchema)),
      audience: z.optional(audienceSchema),
      tags: contentFields.tags,
    }),
  ),
  { description: 'Only the fields given change; null clears an optional one.' },
);
export type UpdateBroadcastInput = NonNullable<z.output<typeof updateBroadcastSchema>>;

export const sendBroadcastSchema = z._default(
  z.strictObject({
    scheduled_at: withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(64))), {
      description:
        'ISO 8601 with an offset, or `in N minutes|hours|days`; 1 minute to 30 days ahead. Absent: now.',
      example: 'in 2 hours',
    }),
  }),
  {},
);

const countsSchema = z.object({
  recipients: z.number(),
  sent: z.number(),
  failed: z.number(),
  suppressed: z.number(),
  unsubscribed: z.number(),
  skipped: withMeta(z.number(), { description: 'Recipients a cancel stopped before their email was sent.' }),
});

export const broadcastSchema = withMeta(
  z.object({
    object: z.literal('broadcast'),
    id: withMeta(z.string(), { example: 'bc_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    name: z.string(),
    from: z.string(),
    reply_to: z.array(z.string()),
    subject: z.nullable(z.string()),
    html: z.nullable(z.string()),
    text: z.nullable(z.string()),
    template: z.nullable(
      z.object({
        id: z.string(),
        variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      }),
    ),
    audience: z.union([z.object({ list_id: z.string() }), z.object({ segment_id: z.string() })]),
    tags: z.array(z.object({ name: z.string(), value: z.string() })),
    status: z.enum(BROADCAST_STATUSES),
    failure_reason: z.nullable(z.string()),
    scheduled_at: z.nullable(timestamp),
    started_at: z.nullable(timestamp),
    completed_at: z.nullable(timestamp),
    counts: countsSchema,
    created_at: timestamp,
    updated_at: timestamp,
  }),
  {
    id: 'Broadcast',
    description: 'One email to every contact of a list or segment, each rendered for its contact.',
  },
);
export type BroadcastJson = z.input<typeof broadcastSchema>;

export const recipientSchema = withMeta(
  z.object({
    contact_id: z.string(),
    email: z.string(),
    status: withMeta(z.enum(RECIPIENT_STATUSES), {
      description: "Once sent, follows its email's SES events (delivered, bounced, complained).",
    }),
    email_id: z.optional(z.string()),
    failure_reason: z.optional(z.string()),
  }),
  { id: 'BroadcastRecipient', description: 'One contact of a broadcast and what became of its email.' },
);
export type RecipientJson = z.input<typeof recipientSchema>;

const idParams = z.object({ id: withMeta(z.string(), { description: 'The broadcast id, `bc_…`.' }) });
const deletedSchema = z.object({ id: z.string(), deleted: z.literal(true) });
const CONTENT_ERRORS = ['not_found', 'domain_not_allowed', 'domain_not_verified'] as const;

/** Resend's broadcast statuses, as its SDK types them (lambdas/broadcasts/resend-adapter.ts maps ours). */
export const RESEND_BROADCAST_STATUSES = ['draft', 'queued', 'sent', 'canceled'] as const;
/** The recipient events Resend lists a broadcast's recipients by. */
export const RESEND_RECIPIENT_TYPES = [
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'unsubscribed',
  'suppressed',
] as const;

const segmentId = withMeta(z.string().check(z.minLength(1), z.maxLength(100)), {
  description:
    "A list id (Resend's segments are fixed groups, scopegate's lists), or a scopegate segment `seg_…`.",
  example: 'lst_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw',
});
const resendContentFields = {
  name: z.optional(contentFields.name),
  segment_id: z.optional(segmentId),
  audience_id: withMeta(z.optional(segmentId), { description: "Resend's older name of segment_id." }),
  from: mailbox,
  reply_to: z.optional(replyToList),
  subject: withMeta(subject, {
    description:
      'Resend placeholders `{{{FIRST_NAME}}}`, `{{{LAST_NAME}}}`, `{{{EMAIL}}}`, `{{{RESEND_UNSUBSCRIBE_URL}}}`, `{{{<property>}}}` (with `|fallback`) are read as contact fields.',
  }),
  html: z.optional(body),
  text: z.optional(body),
};
/** Resend fields scopegate has no feature for: refused by name (422 invalid_parameter). */
const RESEND_UNSUPPORTED_BROADCAST_FIELDS = ['topic_id', 'preview_text'];

export const resendCreateBroadcastSchema = z
  .strictObject({
    ...resendContentFields,
    send: z.optional(z.boolean()),
    scheduled_at: withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(64))), {
      description: 'With `send: true`: ISO 8601 with an offset, or `in N minutes|hours|days`.',
    }),
  })
  .check(
    z.superRefine((input, context) => {
      if (input.segment_id === undefined && input.audience_id === undefined)
        context.addIssue({ code: 'custom', path: ['segment_id'], message: 'is required' });
      if (input.html === undefined && input.text === undefined)
        context.addIssue({ code: 'custom', path: ['html'], message: 'is required unless text is given' });
      if (input.scheduled_at !== undefined && input.send !== true)
        context.addIssue({
          code: 'custom',
          path: ['scheduled_at'],
          message: 'is only taken with send: true',
        });
    }),
  );
export type ResendCreateBroadcastInput = z.output<typeof resendCreateBroadcastSchema>;

export const resendUpdateBroadcastSchema = z._default(
  z.strictObject({
    name: z.optional(contentFields.name),
    segment_id: z.optional(segmentId),
    audience_id: z.optional(segmentId),
    from: z.optional(mailbox),
    reply_to: z.optional(replyToList),
    subject: z.optional(subject),
    html: z.optional(body),
    text: z.optional(body),
  }),
  {},
);
export type ResendUpdateBroadcastInput = z.output<typeof resendUpdateBroadcastSchema>;

const nullableTimestamp = z.nullable(timestamp);
const resendBroadcastFields = {
  id: withMeta(z.string(), { example: 'bc_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
  name: z.string(),
  segment_id: z.nullable(z.string()),
  audience_id: z.nullable(z.string()),
  status: withMeta(z.enum(RESEND_BROADCAST_STATUSES), {
    description: 'scheduled and sending read as `queued`; a broadcast that failed reads as `canceled`.',
  }),
  created_at: timestamp,
  scheduled_at: nullableTimestamp,
  sent_at: withMeta(nullableTimestamp, { description: 'When sending started.' }),
};
export const resendBroadcastSchema = withMeta(
  z.object({
    object: z.literal('broadcast'),
    ...resendBroadcastFields,
    from: z.nullable(z.string()),
    subject: z.nullable(z.string()),
    reply_to: z.nullable(z.array(z.string())),
    preview_text: z.null(),
    topic_id: z.null(),
    html: z.nullable(z.string()),
    text: z.nullable(z.string()),
  }),
  { id: 'ResendBroadcast', description: "A broadcast in Resend's shape." },
);
export type ResendBroadcastJson = z.input<typeof resendBroadcastSchema>;

const resendReference = z.object({ object: z.literal('broadcast'), id: z.string() });
const resendId = z.object({ id: z.string() });

/**
 * Resend's broadcasts (lambdas/broadcasts/resend-adapter.ts maps them onto the routes below): the
 * same drafts, checks, sending and recipients, Resend's shapes.
 */
export const RESEND_BROADCASTS_CONTRACTS = {
  resendCreateBroadcast: defineContract({
    body: resendCreateBroadcastSchema,
    unsupportedFields: RESEND_UNSUPPORTED_BROADCAST_FIELDS,
    response: {
      status: 200,
      description: 'The draft (or, with `send`, the broadcast now sending or scheduled).',
      schema: resendId,
    },
    errors: [...CONTENT_ERRORS, 'invalid_state', 'missing_variable', 'invalid_parameter'],
    idempotent: true,
  }),
  resendListBroadcasts: defineContract({
    query: resendListQuerySchema,
    response: {
      status: 200,
      description: 'A page of broadcasts, newest first.',
      schema: resendListResponseSchema(z.object(resendBroadcastFields)),
    },
  }),
  resendGetBroadcast: defineContract({
    params: idParams,
    response: { status: 200, description: 'The broadcast.', schema: resendBroadcastSchema },
    errors: ['not_found'],
  }),
  resendUpdateBroadcast: defineContract({
    params: idParams,
    body: resendUpdateBroadcastSchema,
    unsupportedFields: RESEND_UNSUPPORTED_BROADCAST_FIELDS,
    response: { status: 200, description: 'The changed draft.', schema: resendId },
    errors: [...CONTENT_ERRORS, 'invalid_state', 'invalid_parameter'],
  }),
  resendDeleteBroadcast: defineContract({
    params: idParams,
    response: {
      status: 200,
      description: 'The draft is gone.',
      schema: z.extend(resendReference, { deleted: z.literal(true) }),
    },
    errors: ['not_found', 'invalid_state'],
  }),
  resendSendBroadcast: defineContract({
    params: idParams,
    body: sendBroadcastSchema,
    response: { status: 200, description: 'The broadcast, now sending or scheduled.', schema: resendId },
    errors: [...CONTENT_ERRORS, 'invalid_state', 'missing_variable', 'upstream_unavailable'],
  }),
  resendCancelBroadcast: defineContract({
    params: idParams,
    response: { status: 200, description: 'The broadcast, canceled.', schema: resendReference },
    errors: ['not_found', 'invalid_state'],
  }),
  resendListBroadcastRecipients: defineContract({
    params: idParams,
    query: z.strictObject({
      ...resendListQueryFields,
      type: withMeta(z.optional(z.enum(RESEND_RECIPIENT_TYPES)), {
        description:
          'Only the recipients with this event (absent: every one); `opened` and `clicked` are refused (invalid_parameter).',
      }),
      email: z.optional(z.string().check(z.maxLength(320))),
      bounce_type: withMeta(z.optional(z.string().check(z.maxLength(32))), {
        description: "Refused (invalid_parameter): scopegate does not keep a recipient's bounce type.",
      }),
    }),
    response: {
      status: 200,
      description: "A page of the broadcast's recipients, in contact order; `id` is the contact id.",
      schema: resendListResponseSchema(
        z.object({ id: z.string(), contact_id: z.nullable(z.string()), email: z.string() }),
      ),
    },
    errors: ['not_found', 'invalid_parameter'],
  }),
  resendDuplicateBroadcast: defineContract({
    params: idParams,
    response: { status: 200, description: 'The new draft.', schema: resendReference },
    errors: [...CONTENT_ERRORS],
  }),
};

export const BROADCASTS_CONTRACTS = {
  ...RESEND_BROADCASTS_CONTRACTS,
  listBroadcasts: defineContract({
    query: listQuerySchema,
    response: {
      status: 200,
      description: 'A page of broadcasts, newest first.',
      schema: listResponseSchema(broadcastSchema),
    },
  }),
  createBroadcast: defineContract({
    body: createBroadcastSchema,
    response: { status: 201, description: 'The draft broadcast.', schema: broadcastSchema },
    errors: CONTENT_ERRORS,
    idempotent: true,
  }),
  getBroadcast: defineContract({
    params: idParams,
    response: { status: 200, description: 'The broadcast, with its counts so far.', schema: broadcastSchema },
    errors: ['not_found'],
  }),
  updateBroadcast: defineContract({
    params: idParams,
    body: updateBroadcastSchema,
    response: { status: 200, description: 'The changed draft.', schema: broadcastSchema },
    errors: [...CONTENT_ERRORS, 'invalid_state'],
  }),
  deleteBroadcast: defineContract({
    params: idParams,
    response: { status: 200, description: 'The draft is gone.', schema: deletedSchema },
    errors: ['not_found', 'invalid_state'],
  }),
  sendBroadcast: defineContract({
    params: idParams,
    body: sendBroadcastSchema,
    response: {
      status: 200,
      description: 'The broadcast, now `sending` or `scheduled`.',
      schema: broadcastSchema,
    },
    errors: [...CONTENT_ERRORS, 'invalid_state', 'missing_variable', 'upstream_unavailable'],
  }),
  cancelBroadcast: defineContract({
    params: idParams,
    response: {
      status: 200,
      description:
        'The broadcast, `canceled`: no email is sent after this answer, give or take the 5 s senders take to notice.',
      schema: broadcastSchema,
    },
    errors: ['not_found', 'invalid_state'],
  }),
  listBroadcastRecipients: defineContract({
    params: idParams,
    query: listQuerySchema,
    response: {
      status: 200,
      description: "A page of the broadcast's recipients.",
      schema: listResponseSchema(recipientSchema),
    },
    errors: ['not_found'],
  }),
} satisfies ServiceContracts<'broadcasts'>;
