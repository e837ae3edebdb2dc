/** Contracts of a key's usage and of the audit log (account service; see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { withMeta } from '../api/schema-meta.js';
import { SURFACES } from '../api/routes.js';

export const MAX_USAGE_DAYS = 90;
export const DEFAULT_USAGE_DAYS = 30;

const counts = z.record(z.string(), z.number().check(z.int()));

export const usageDaySchema = withMeta(
  z.object({
    date: withMeta(z.string(), { format: 'date', example: '2026-11-24', description: 'A UTC day.' }),
    allowed: withMeta(z.number().check(z.int()), {
      description: 'Requests the authorizer let through to the service.',
    }),
    denied: withMeta(z.number().check(z.int()), {
      description: 'Requests API Gateway refused for this key (revoked, expired, IP, scope, rate).',
    }),
    by_route: withMeta(counts, {
      description: 'Requests per route, `METHOD /path` as in the route table.',
      example: { 'POST /v1/emails': 41, 'GET /v1/emails/{id}': 3 },
    }),
    by_surface: withMeta(counts, {
      description:
        'Requests per API surface, each named: scopegate’s own (`v1`) and the drop-in `resend` and `sendgrid` routes, summed from `by_route`.',
      example: { v1: 44, resend: 0, sendgrid: 3 },
    }),
    by_error: withMeta(counts, {
      description:
        'Answers of 400 or more per error code: the authorizer’s or API Gateway’s code, or `http_<status>` for a service’s answer.',
      example: { ip_not_allowed: 2, http_404: 1 },
    }),
  }),
  { id: 'ApiKeyUsageDay' },
);

export const apiKeyUsageSchema = withMeta(
  z.object({
    data: withMeta(z.array(usageDaySchema), {
      description: 'One entry per day, oldest first; days without traffic are zeros.',
    }),
    last_used_at: withMeta(z.nullable(z.string()), {
      format: 'date-time',
      description: 'The latest request made with the key, allowed or denied.',
    }),
  }),
  { id: 'ApiKeyUsage' },
);

export type ApiKeyUsageJson = z.input<typeof apiKeyUsageSchema>;

export const auditEntrySchema = withMeta(
  z.object({
    id: withMeta(z.string(), { example: 'aud_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    created_at: withMeta(z.string(), { format: 'date-time' }),
    key_id: withMeta(z.string(), { description: 'The key that made the call.', example: '4fQ2mZ8pL1xR' }),
    action: withMeta(z.string(), {
      example: 'domain.delete',
      description: '`<resource>.<verb>`, one per route.',
    }),
    surface: withMeta(z.enum(SURFACES), {
      description:
        'The API the call came through: `v1`, or the Resend or SendGrid surface (the action is that of the /v1 route it stands for).',
      example: 'v1',
    }),
    resource_id: withMeta(z.nullable(z.string()), {
      description: 'The resource acted on (for a create, the one created); null when none.',
    }),
    source_ip: z.string(),
    status: withMeta(z.number().check(z.int()), { description: 'The HTTP status answered.', example: 201 }),
    request_id: withMeta(z.string(), { description: 'The call’s `X-Request-Id`, as in the access log.' }),
  }),
  { id: 'AuditEntry' },
);

export type AuditEntryJson = z.input<typeof auditEntrySchema>;

const USAGE_DAYS_RULE = `must be a whole number from 1 to ${MAX_USAGE_DAYS}`;

export const USAGE_AUDIT_CONTRACTS = {
  getApiKeyUsage: defineContract({
    params: z.strictObject({
      id: withMeta(z.string().check(z.minLength(1), z.maxLength(64)), { description: 'The key id.' }),
    }),
    query: z.strictObject({
      days: withMeta(
        z._default(
          z.coerce
            .number({ error: USAGE_DAYS_RULE })
            .check(
              z.int(USAGE_DAYS_RULE),
              z.minimum(1, USAGE_DAYS_RULE),
              z.maximum(MAX_USAGE_DAYS, USAGE_DAYS_RULE),
            ),
          DEFAULT_USAGE_DAYS,
        ),
        { description: 'How many UTC days, ending today.' },
      ),
    }),
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
