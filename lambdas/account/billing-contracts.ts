/** The billing routes of the account service (billing keys only): usage and monthly caps. */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import { withMeta } from '../api/schema-meta.js';

const countSchema = z.number().check(z.int(), z.nonnegative());

const channelCountsSchema = withMeta(
  z.object({ email: countSchema, sms: countSchema, whatsapp: countSchema }),
  {
    id: 'ChannelCounts',
    description: 'Messages sent, per channel.',
  },
);

export const billingUsageSchema = withMeta(
  z.object({
    month: withMeta(z.string(), { example: '2026-11', description: 'The calendar month (UTC).' }),
    data: withMeta(z.array(z.extend(channelCountsSchema, { project_id: z.string() })), {
      description: 'Each project of the team that sent anything this month, by project id.',
    }),
    total: channelCountsSchema,
  }),
  { id: 'BillingUsage' },
);

const CAP_RULE = 'must be a whole number of messages, or null for no cap';

const capSchema = z.nullable(
  z
    .number({ error: CAP_RULE })
    .check(
      z.int(CAP_RULE),
      z.nonnegative('must be 0 or more'),
      z.maximum(1_000_000_000_000, 'must be at most 1000000000000'),
    ),
);

/** What PUT takes: a channel left out or null has no cap. */
export const billingLimitsInputSchema = z.strictObject({
  email: z.optional(capSchema),
  sms: z.optional(capSchema),
  whatsapp: z.optional(capSchema),
});

export const billingLimitsSchema = withMeta(
  z.object({
    email: z.nullable(z.number().check(z.int(), z.nonnegative())),
    sms: z.nullable(z.number().check(z.int(), z.nonnegative())),
    whatsapp: z.nullable(z.number().check(z.int(), z.nonnegative())),
  }),
  {
    id: 'BillingLimits',
    description:
      "The team's monthly cap per channel; null: no cap. A send past its cap is 429 quota_exceeded.",
  },
);

const monthSchema = withMeta(
  z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM'))),
  { description: 'The month to report (YYYY-MM); the current month (UTC) when absent.' },
);

export const BILLING_CONTRACTS = {
  getBillingUsage: defineContract({
    query: z.strictObject({ month: monthSchema }),
    response: {
      status: 200,
      description: "The team's sends in the month, per project and channel, and their total.",
      schema: billingUsageSchema,
    },
  }),
  getBillingLimits: defineContract({
    response: { status: 200, description: "The team's monthly caps.", schema: billingLimitsSchema },
  }),
  putBillingLimits: defineContract({
    body: billingLimitsInputSchema,
    response: { status: 200, description: 'The caps now in force.', schema: billingLimitsSchema },
  }),
} as const;
