/** The domains service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { resendListQuerySchema, resendListResponseSchema } from '../http/resend-paging.js';
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

const domainName = withMeta(
  z.string({ error: DOMAIN_NAME_RULE }).check(z.maxLength(1024, DOMAIN_NAME_RULE)),
  {
    example: 'example.com',
    description:
      'Lower-cased and IDNA-normalised (punycode). A name equal to, above or below a name another ' +
      'project holds is refused with 409 `already_exists`. The domain must be verified within 72 ' +
      'hours, or it lapses: `failed` with `failure_reason: "verification_expired"`, its name freed ' +
      'and its SES identity deleted.',
  },
);

/** Resend's domain statuses (SES's temporary failure is still `pending`: SES keeps checking). */
export const RESEND_DOMAIN_STATUSES = ['pending', 'verified', 'failed'] as const;
/** Resend's record statuses. */
const RESEND_RECORD_STATUSES = ['pending', 'verified', 'failed', 'temporary_failure', 'not_started'] as const;

const resendRecordSchema = withMeta(
  z.object({
    record: withMeta(z.enum(['DKIM', 'SPF']), {
      description: '`SPF`: the custom MAIL FROM (`send.<name>`) MX and TXT records.',
    }),
    name: withMeta(z.string(), { description: 'The whole name to publish (not relative to the zone).' }),
    type: z.enum(['CNAME', 'MX', 'TXT']),
    ttl: z.literal('Auto'),
    status: z.enum(RESEND_RECORD_STATUSES),
    value: z.string(),
    priority: z.optional(z.number().check(z.int())),
  }),
  { id: 'ResendDomainRecord', description: "A DNS record to publish, in Resend's shape." },
);

const capabilities = withMeta(z.object({ sending: z.literal('enabled'), receiving: z.literal('disabled') }), {
  description: 'scopegate sends email; it does not receive it.',
});

const resendDomainFields = {
  id: withMeta(z.string(), { example: 'dom_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
  name: withMeta(z.string(), { example: 'example.com' }),
  status: z.enum(RESEND_DOMAIN_STATUSES),
  created_at: timestamp,
  region: withMeta(z.string(), { description: "The stack's AWS region." }),
  capabilities,
  open_tracking: z.boolean(),
  click_tracking: z.boolean(),
};

const resendDomainSchema = withMeta(
  z.object({ object: z.literal('domain'), ...resendDomainFields, records: z.array(resendRecordSchema) }),
  { id: 'ResendDomain', description: "A sending domain in Resend's shape." },
);

export type ResendDomainJson = z.input<typeof resendDomainSchema>;

const resendDomainRef = z.object({ object: z.literal('domain'), id: z.string() });

const CAPABILITY = z.optional(z.enum(['enabled', 'disabled']));

/**
 * Resend's domain options scopegate can only honour at their defaults (its MAIL FROM is always
 * `send.<name>`, SES's TLS is opportunistic, it sends and does not receive): anything else is 422
 * `invalid_parameter` naming the option (lambdas/domains/resend-adapter.ts decides).
 */
const resendDomainOptions = {
  tls: withMeta(z.optional(z.enum(['enforced', 'opportunistic'])), {
    description: '`opportunistic` only (SES sends over TLS when the receiver offers it).',
  }),
  capabilities: withMeta(z.optional(z.strictObject({ sending: CAPABILITY, receiving: CAPABILITY })), {
    description: '`sending: enabled` and `receiving: disabled` only.',
  }),
};

/** The routes of the Resend surface this service serves (lambdas/domains/resend-adapter.ts maps them). */
export const RESEND_DOMAINS_CONTRACTS = {
  resendListDomains: defineContract({
    query: resendListQuerySchema,
    response: {
      status: 200,
      description: "A page of the project's domains, newest first.",
      schema: resendListResponseSchema(
        withMeta(z.object(resendDomainFields), { id: 'ResendDomainListItem' }),
      ),
    },
  }),
  resendCreateDomain: defineContract({
    idempotent: true,
    body: z.strictObject({
      name: domainName,
      region: withMeta(z.optional(z.string()), {
        description: "The stack's region only; another is 422 `invalid_region`.",
      }),
      custom_return_path: withMeta(z.optional(z.string()), {
        description: '`send` only: the MAIL FROM is always `send.<name>`.',
      }),
      ...trackingFields,
      ...resendDomainOptions,
    }),
    unsupportedFields: ['tracking_subdomain'],
    response: {
      status: 201,
      description: 'The domain, with the DNS records to publish.',
      schema: resendDomainSchema,
    },
    errors: ['already_exists', 'invalid_parameter', 'invalid_region', 'rate_limited', 'upstream_unavailable'],
  }),
  resendGetDomain: defineContract({
    params: domainIdParams,
    response: { status: 200, description: 'The domain.', schema: resendDomainSchema },
    errors: ['not_found'],
  }),
  resendUpdateDomain: defineContract({
    params: domainIdParams,
    body: z.optional(z.strictObject({ ...trackingFields, ...resendDomainOptions })),
    unsupportedFields: ['tracking_subdomain'],
    response: {
      status: 200,
      description: 'The tracking settings are changed; the next send follows them.',
      schema: resendDomainRef,
    },
    errors: ['not_found', 'invalid_parameter'],
  }),
  resendDeleteDomain: defineContract({
    params: domainIdParams,
    response: {
      status: 200,
      description: 'The domain is deleted, its SES identity removed and its name free again.',
      schema: z.object({ object: z.literal('domain'), id: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found', 'rate_limited', 'upstream_unavailable'],
  }),
  resendVerifyDomain: defineContract({
    params: domainIdParams,
    response: {
      status: 200,
      description: 'SES was asked for the status now; `GET` the domain to read it.',
      schema: resendDomainRef,
    },
    errors: ['not_found', 'rate_limited', 'upstream_unavailable'],
  }),
};

export const DOMAINS_CONTRACTS = {
  ...RESEND_DOMAINS_CONTRACTS,
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
      name: domainName,
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
