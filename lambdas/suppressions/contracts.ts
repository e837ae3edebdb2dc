/** The suppressions service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
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

export const SUPPRESSIONS_CONTRACTS = {
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
