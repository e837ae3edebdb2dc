/** The billing routes of the account service (billing keys only): usage and monthly caps. */
import { z } from 'zod';
import { defineContract } from '../core/contract.js';

const countSchema = z.number().int().nonnegative();

const channelCountsSchema = z
  .object({ email: countSchema, sms: countSchema, whatsapp: countSchema })
  .meta({ id: 'ChannelCounts', description: 'Messages sent, per channel.' });

export const billingUsageSchema = z
  .object({
    month: z.string().meta({ example: '2026-11', description: 'The calendar month (UTC).' }),
    data: z
      .array(channelCountsSchema.extend({ project_id: z.string() }))
      .meta({ description: 'Each project of the team that sent anything this month, by project id.' }),
    total: channelCountsSchema,
  })
  .meta({ id: 'BillingUsage' });

const capSchema = z
  .number({ error: 'must be a whole number of messages, or null for no cap' })
  .int('must be a whole number of messages, or null for no cap')
  .nonnegative('must be 0 or more')
  .max(1_000_000_000_000, 'must be at most 1000000000000')
  .nullable();

/** What PUT takes: a channel left out or null has no cap. */
export const billingLimitsInputSchema = z
  .object({ email: capSchema.optional(), sms: capSchema.optional(), whatsapp: capSchema.optional() })
  .strict();

export const billingLimitsSchema = z
  .object({
    email: z.number().int().nonnegative().nullable(),
    sms: z.number().int().nonnegative().nullable(),
    whatsapp: z.number().int().nonnegative().nullable(),
  })
  .meta({
    id: 'BillingLimits',
    description:
      "The team's monthly cap per channel; null: no cap. A send past its cap is 429 quota_exceeded.",
  });

const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM')
  .optional()
  .meta({ description: 'The month to report (YYYY-MM); the current month (UTC) when absent.' });

export const BILLING_CONTRACTS = {
  getBillingUsage: defineContract({
    query: z.object({ month: monthSchema }).strict(),
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
