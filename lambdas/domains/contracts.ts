/** The domains service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { withMeta } from '../api/schema-meta.js';
import { FAILURE_REASONS } from './domain-claims.js';

const timestamp = withMeta(z.string(), { format: 'date-time', example: '2026-11-24T14:30:00.000Z' });
const status = z.enum(['pending', 'verified', 'failed', 'temporary_failure']);

const dnsRecordSchema = withMeta(
  z.object({
    purpose: z.enum(['dkim', 'mail_from_mx', 'mail_from_spf', 'dmarc']),
    type: z.enum(['CNAME', 'MX', 'TXT']),
    name: withMeta(z.string(), { example: 'abcdef123456._domainkey.example.com' }),
    value: withMeta(z.string(), { example: 'abcdef123456.dkim.amazonses.com' }),
    priority: z.optional(z.number().check(z.int())),
    status: z.enum([...status.options, 'not_checked']),
  }),
  {
    id: 'DnsRecord',
    description: 'A DNS record to publish, as SES checks it (`not_checked`: a suggestion).',
  },
);

export const domainSchema = withMeta(
  z.object({
    object: z.literal('domain'),
    id: withMeta(z.string(), { example: 'dom_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    name: withMeta(z.string(), { example: 'example.com' }),
    status,
    records: z.array(dnsRecordSchema),
    created_at: timestamp,
    updated_at: timestamp,
    verified_at: z.nullable(timestamp),
    open_tracking: withMeta(z.boolean(), {
      description: 'SES open tracking (a tracking pixel) for email from this domain.',
    }),
    click_tracking: withMeta(z.boolean(), {
      description: 'SES click tracking (links rewritten through SES) for email from this domain.',
    }),
    failure_reason: withMeta(z.optional(z.enum(FAILURE_REASONS)), {
      description:
        'Why a `failed` domain lost its name: `verification_expired` (not verified within 72 hours of ' +
        'its create) or `released` (freed by the operator). Its SES identity is gone; delete it and ' +
        'add the name again to start over.',
    }),
  }),
  {
    id: 'Domain',
    description: 'A sending domain: an SES identity with Easy DKIM and a custom MAIL FROM (`send.<name>`).',
  },
);

const domainIdParams = z.object({ id: withMeta(z.string(), { description: 'The domain id, `dom_…`.' }) });

const DOMAIN_NAME_RULE = 'must be a domain name such as example.com';

const trackingFields = {
  open_tracking: withMeta(z.optional(z.boolean({ error: 'must be true or false' })), {
    description: 'Track opens with a pixel SES adds to the HTML. Default false.',
  }),
  click_tracking: withMeta(z.optional(z.boolean({ error: 'must be true or false' })), {
    description: 'Track clicks by rewriting links through SES. Default false.',
  }),
};

export const DOMAINS_CONTRACTS = {
  listDomains: defineContract({
    query: listQuerySchema,
    response: {
      status: 200,
      description: "A page of the project's domains, newest first.",
      schema: listResponseSchema(domainSchema),
    },
  }),
  createDomain: defineContract({
    idempotent: true,
    body: z.strictObject({
      name: withMeta(z.string({ error: DOMAIN_NAME_RULE }).check(z.maxLength(1024, DOMAIN_NAME_RULE)), {
        example: 'example.com',
        description:
          'Lower-cased and IDNA-normalised (punycode). A name equal to, above or below a name another ' +
          'project holds is refused with 409 `already_exists`. The domain must be verified within 72 ' +
          'hours, or it lapses: `failed` with `failure_reason: "verification_expired"`, its name freed ' +
          'and its SES identity deleted.',
      }),
      ...trackingFields,
    }),
    response: {
      status: 201,
      description: 'The domain, with the DNS records to publish.',
      schema: domainSchema,
    },
    errors: ['already_exists', 'rate_limited', 'upstream_unavailable'],
  }),
  getDomain: defineContract({
    params: domainIdParams,
    response: { status: 200, description: 'The domain.', schema: domainSchema },
    errors: ['not_found'],
  }),
  updateDomain: defineContract({
    params: domainIdParams,
    body: z.optional(z.strictObject(trackingFields)),
    response: {
      status: 200,
      description: 'The domain with its tracking settings changed; the next send follows them.',
      schema: domainSchema,
    },
    errors: ['not_found'],
  }),
  deleteDomain: defineContract({
    params: domainIdParams,
    response: {
      status: 200,
      description: 'The domain is deleted, its SES identity removed and its name free again.',
      schema: z.object({ id: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found', 'rate_limited', 'upstream_unavailable'],
  }),
  verifyDomain: defineContract({
    params: domainIdParams,
    response: {
      status: 200,
      description: 'The domain, with its status as SES reports it now.',
      schema: domainSchema,
    },
    errors: ['not_found', 'rate_limited', 'upstream_unavailable'],
  }),
} satisfies ServiceContracts<'domains'>;
