/** The broadcasts service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
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

export const BROADCASTS_CONTRACTS = {
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
