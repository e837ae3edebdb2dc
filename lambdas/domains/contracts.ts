/** The domains service's routes: what each one accepts and answers (see lambdas/core/contract.ts). */
import { z } from 'zod';
import { defineContract } from '../core/contract.js';
import type { ServiceContracts } from '../core/http.js';
import { listQuerySchema, listResponseSchema } from '../core/list.js';

const timestamp = z.string().meta({ format: 'date-time', example: '2026-11-24T14:30:00.000Z' });
const status = z.enum(['pending', 'verified', 'failed', 'temporary_failure']);

const dnsRecordSchema = z
  .object({
    purpose: z.enum(['dkim', 'mail_from_mx', 'mail_from_spf', 'dmarc']),
    type: z.enum(['CNAME', 'MX', 'TXT']),
    name: z.string().meta({ example: 'abcdef123456._domainkey.example.com' }),
    value: z.string().meta({ example: 'abcdef123456.dkim.amazonses.com' }),
    priority: z.number().int().optional(),
    status: z.enum([...status.options, 'not_checked']),
  })
  .meta({
    id: 'DnsRecord',
    description: 'A DNS record to publish, as SES checks it (`not_checked`: a suggestion).',
  });

export const domainSchema = z
  .object({
    object: z.literal('domain'),
    id: z.string().meta({ example: 'dom_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    name: z.string().meta({ example: 'example.com' }),
    status,
    records: z.array(dnsRecordSchema),
    created_at: timestamp,
    updated_at: timestamp,
    verified_at: timestamp.nullable(),
  })
  .meta({
    id: 'Domain',
    description: 'A sending domain: an SES identity with Easy DKIM and a custom MAIL FROM (`send.<name>`).',
  });

const domainIdParams = z.object({ id: z.string().meta({ description: 'The domain id, `dom_…`.' }) });

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
    body: z
      .object({
        name: z
          .string({ error: 'must be a domain name such as example.com' })
          .max(1024, 'must be a domain name such as example.com')
          .meta({ example: 'example.com', description: 'Lower-cased and IDNA-normalised (punycode).' }),
      })
      .strict(),
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
