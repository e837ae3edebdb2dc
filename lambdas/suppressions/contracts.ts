/** The suppressions service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { resendListQueryFields, resendListResponseSchema } from '../http/resend-paging.js';
import { withMeta } from '../api/schema-meta.js';
import { MAX_MAILBOX_LENGTH } from '../shared/mailbox.js';
import { SUPPRESSION_REASONS } from './address.js';

const timestamp = withMeta(z.string(), { format: 'date-time', example: '2026-11-24T14:30:00.000Z' });

/** An address as given: trimmed, at most 320 characters, an email address (compared in lower case). */
const emailAddress = z.pipe(
  z
    .string()
    .check(z.trim(), z.maxLength(MAX_MAILBOX_LENGTH, `must be at most ${MAX_MAILBOX_LENGTH} characters`)),
  z.email({ error: 'must be an email address' }),
);

export const suppressionSchema = withMeta(
  z.object({
    email: withMeta(z.string(), {
      description: 'The address, lower-cased: addresses are compared without regard to case.',
      example: 'ada@example.com',
    }),
    reason: withMeta(z.enum(SUPPRESSION_REASONS), {
      description:
        '`bounce` (a permanent bounce) and `complaint` are added from SES events, `unsubscribe` by the ' +
        "recipient's one-click unsubscribe, `manual` over the API.",
    }),
    source_email_id: withMeta(z.optional(z.string()), {
      description: 'The email whose bounce or complaint added the address.',
      example: 'em_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw',
    }),
    created_at: timestamp,
  }),
  {
    id: 'Suppression',
    description: 'An address the project never sends to: sends drop it (see the email’s `suppressed`).',
  },
);

export type SuppressionJson = z.input<typeof suppressionSchema>;

const suppressionsQuery = z.extend(listQuerySchema, {
  email: withMeta(z.optional(emailAddress), {
    description: 'Only this address (any case): a list of zero or one.',
  }),
});

export const createSuppressionSchema = z.strictObject({
  email: withMeta(emailAddress, { example: 'ada@example.com' }),
  reason: withMeta(
    z._default(
      z.enum(SUPPRESSION_REASONS, { error: `must be one of ${SUPPRESSION_REASONS.join(', ')}` }),
      'manual',
    ),
    { description: 'Why the address is suppressed.' },
  ),
});

export type CreateSuppressionInput = z.output<typeof createSuppressionSchema>;

// Not checked as an address: what is not one is not suppressed, a 404 like any missing resource.
const emailParams = z.object({
  email: withMeta(z.string().check(z.maxLength(MAX_MAILBOX_LENGTH)), {
    description: 'The suppressed address (any case), URL-encoded.',
  }),
});

/** Resend's `origin` of a suppression: scopegate's reason, with `unsubscribe` read as `manual`. */
export const RESEND_ORIGINS = ['bounce', 'complaint', 'manual'] as const;

const resendSuppressionFields = {
  object: z.literal('suppression'),
  id: withMeta(z.string(), {
    description: 'The address as an id (`sup_` + its base64url): the get and remove routes take either.',
    example: 'sup_YWRhQGV4YW1wbGUuY29t',
  }),
  email: z.string(),
  origin: withMeta(z.enum(RESEND_ORIGINS), {
    description: 'How the address came to be suppressed; a one-click unsubscribe reads as `manual`.',
  }),
  source_id: withMeta(z.nullable(z.string()), {
    description: 'The email whose bounce or complaint added it.',
  }),
  created_at: timestamp,
};
const resendSuppressionSchema = withMeta(z.object(resendSuppressionFields), {
  id: 'ResendSuppression',
  description: "A suppressed address in Resend's shape.",
});
const { object: _object, ...resendListEntryFields } = resendSuppressionFields;
export type ResendSuppressionJson = z.input<typeof resendSuppressionSchema>;

const idOrEmailParams = z.object({
  id: withMeta(z.string().check(z.maxLength(1024)), {
    description: 'The suppression id (`sup_…`) or the address, URL-encoded.',
  }),
});
const resendReference = z.object({ object: z.literal('suppression'), id: z.string() });
/** One call adds or removes at most this many addresses. */
const MAX_BATCH = 100;
const emailBatch = z.array(emailAddress).check(z.minLength(1), z.maxLength(MAX_BATCH));

/**
 * Resend's suppressions (lambdas/suppressions/resend-adapter.ts maps them onto the routes above): the
 * same store and rules, Resend's shapes. Resend keys a suppression by an id; scopegate by its address,
 * so the id is the address, encoded.
 */
export const RESEND_SUPPRESSIONS_CONTRACTS = {
  resendCreateSuppression: defineContract({
    idempotent: true,
    body: z.strictObject({ email: withMeta(emailAddress, { example: 'ada@example.com' }) }),
    response: { status: 200, description: 'The suppression (added `manual`).', schema: resendReference },
  }),
  resendListSuppressions: defineContract({
    query: z.strictObject({ ...resendListQueryFields, origin: z.optional(z.enum(RESEND_ORIGINS)) }),
    response: {
      status: 200,
      description: 'A page of suppressed addresses.',
      schema: resendListResponseSchema(z.object(resendListEntryFields)),
    },
  }),
  resendGetSuppression: defineContract({
    params: idOrEmailParams,
    response: { status: 200, description: 'The suppression.', schema: resendSuppressionSchema },
    errors: ['not_found'],
  }),
  resendDeleteSuppression: defineContract({
    params: idOrEmailParams,
    response: {
      status: 200,
      description: 'No longer suppressed.',
      schema: z.extend(resendReference, { deleted: z.literal(true) }),
    },
    errors: ['not_found'],
  }),
  resendBatchAddSuppressions: defineContract({
    idempotent: true,
    body: z.strictObject({ emails: emailBatch }),
    response: {
      status: 200,
      description: 'Every address, suppressed (an address already suppressed stays as it was).',
      schema: z.object({ data: z.array(resendReference) }),
    },
  }),
  resendBatchRemoveSuppressions: defineContract({
    body: z.union(
      [
        z.strictObject({
          emails: z
            .array(z.string().check(z.maxLength(MAX_MAILBOX_LENGTH)))
            .check(z.minLength(1), z.maxLength(MAX_BATCH)),
        }),
        z.strictObject({
          ids: z.array(z.string().check(z.maxLength(1024))).check(z.minLength(1), z.maxLength(MAX_BATCH)),
        }),
      ],
      { error: 'must be {"emails"} or {"ids"}' },
    ),
    response: {
      status: 200,
      description: 'Each one, `deleted: false` when it was not suppressed.',
      schema: z.object({ data: z.array(z.extend(resendReference, { deleted: z.boolean() })) }),
    },
  }),
};

export const SUPPRESSIONS_CONTRACTS = {
  ...RESEND_SUPPRESSIONS_CONTRACTS,
  listSuppressions: defineContract({
    query: suppressionsQuery,
    response: {
      status: 200,
      description: 'A page of suppressed addresses in address order (or the one with `email`).',
      schema: listResponseSchema(suppressionSchema),
    },
  }),
  createSuppression: defineContract({
    idempotent: true,
    body: createSuppressionSchema,
    response: {
      status: 201,
      description:
        'The suppression. An address already suppressed stays as it was (its first reason and date).',
      schema: suppressionSchema,
    },
  }),
  deleteSuppression: defineContract({
    params: emailParams,
    response: {
      status: 200,
      description: 'No longer suppressed: sends reach the address again.',
      schema: z.object({ email: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found'],
  }),
} satisfies ServiceContracts<'suppressions'>;
