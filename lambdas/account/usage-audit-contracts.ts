/** Contracts of a key's usage and of the audit log (account service; see lambdas/core/contract.ts). */
import { z } from 'zod';
import { defineContract } from '../core/contract.js';
import { listQuerySchema, listResponseSchema } from '../core/list.js';

export const MAX_USAGE_DAYS = 90;
export const DEFAULT_USAGE_DAYS = 30;

const counts = z.record(z.string(), z.number().int());

export const usageDaySchema = z
  .object({
    date: z.string().meta({ format: 'date', example: '2026-11-24', description: 'A UTC day.' }),
    allowed: z.number().int().meta({ description: 'Requests the authorizer let through to the service.' }),
    denied: z.number().int().meta({
      description: 'Requests API Gateway refused for this key (revoked, expired, IP, scope, rate).',
    }),
    by_route: counts.meta({
      description: 'Requests per route, `METHOD /path` as in the route table.',
      example: { 'POST /v1/emails': 41, 'GET /v1/emails/{id}': 3 },
    }),
    by_error: counts.meta({
      description:
        'Answers of 400 or more per error code: the authorizer’s or API Gateway’s code, or `http_<status>` for a service’s answer.',
      example: { ip_not_allowed: 2, http_404: 1 },
    }),
  })
  .meta({ id: 'ApiKeyUsageDay' });

export const apiKeyUsageSchema = z
  .object({
    data: z
      .array(usageDaySchema)
      .meta({ description: 'One entry per day, oldest first; days without traffic are zeros.' }),
    last_used_at: z
      .string()
      .nullable()
      .meta({ format: 'date-time', description: 'The latest request made with the key, allowed or denied.' }),
  })
  .meta({ id: 'ApiKeyUsage' });

export type ApiKeyUsageJson = z.input<typeof apiKeyUsageSchema>;

export const auditEntrySchema = z
  .object({
    id: z.string().meta({ example: 'aud_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    created_at: z.string().meta({ format: 'date-time' }),
    key_id: z.string().meta({ description: 'The key that made the call.', example: '4fQ2mZ8pL1xR' }),
    action: z.string().meta({ example: 'domain.delete', description: '`<resource>.<verb>`, one per route.' }),
    resource_id: z
      .string()
      .nullable()
      .meta({ description: 'The resource acted on (for a create, the one created); null when none.' }),
    source_ip: z.string(),
    status: z.number().int().meta({ description: 'The HTTP status answered.', example: 201 }),
    request_id: z.string().meta({ description: 'The call’s `X-Request-Id`, as in the access log.' }),
  })
  .meta({ id: 'AuditEntry' });

export type AuditEntryJson = z.input<typeof auditEntrySchema>;

export const USAGE_AUDIT_CONTRACTS = {
  getApiKeyUsage: defineContract({
    params: z.object({ id: z.string().min(1).max(64).meta({ description: 'The key id.' }) }).strict(),
    query: z
      .object({
        days: z.coerce
          .number({ error: `must be a whole number from 1 to ${MAX_USAGE_DAYS}` })
          .int(`must be a whole number from 1 to ${MAX_USAGE_DAYS}`)
          .min(1, `must be a whole number from 1 to ${MAX_USAGE_DAYS}`)
          .max(MAX_USAGE_DAYS, `must be a whole number from 1 to ${MAX_USAGE_DAYS}`)
          .default(DEFAULT_USAGE_DAYS)
          .meta({ description: 'How many UTC days, ending today.' }),
      })
      .strict(),
    response: {
      status: 200,
      description:
        'The key’s usage per UTC day, oldest first, fed from the access log within about a minute.',
      schema: apiKeyUsageSchema,
    },
    errors: ['not_found'],
  }),
  listAuditLog: defineContract({
    query: listQuerySchema,
    response: {
      status: 200,
      description: 'A page of the project’s audit log, newest first.',
      schema: listResponseSchema(auditEntrySchema),
    },
  }),
} as const;
