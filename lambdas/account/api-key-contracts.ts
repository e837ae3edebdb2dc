/**
 * `/v1/api-keys*`: what each route accepts and answers. The field rules are key-input.ts's own
 * parsers, called from refinements, so the API and the CLI can never disagree on what a valid key
 * is; the expiry (which needs the clock) is checked by the key service with the same parser.
 */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import { PERMISSIONS } from '../api/scopes.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { resendListQuerySchema, resendListResponseSchema } from '../http/resend-paging.js';
import { withMeta } from '../api/schema-meta.js';
import {
  type FieldResult,
  parseAllowedIps,
  parseApiAllowedDomains,
  parseName,
  parseScopes,
  RATE_LIMIT_MAX,
} from './key-input.js';
import { DEFAULT_GRACE_PERIOD_SECONDS, MAX_GRACE_PERIOD_SECONDS } from './keys.js';
import { ACCESS_LEVELS, expandPermissions, RESOURCES } from './permission-levels.js';

const timestamp = withMeta(z.string(), { format: 'date-time', example: '2026-11-24T14:30:00.000Z' });

export const apiKeySchema = withMeta(
  z.object({
    id: withMeta(z.string(), { example: '0VbnqK3m8a2J', description: 'The 12-character key id.' }),
    prefix: withMeta(z.string(), { example: 'sk_live_0VbnqK3m8a2J', description: 'Safe to show and log.' }),
    name: z.string(),
    type: z.enum(['general', 'billing']),
    permission: z.enum(PERMISSIONS),
    scopes: withMeta(z.readonly(z.array(z.string())), {
      description: 'What the key may do (a preset resolved to scopes).',
    }),
    project_id: z.string(),
    team_id: z.string(),
    allowed_ips: withMeta(z.readonly(z.array(z.string())), { description: 'Empty: any IP.' }),
    allowed_domains: withMeta(z.nullable(z.readonly(z.array(z.string()))), {
      description: "Null: any of the project's.",
    }),
    expires_at: z.nullable(timestamp),
    created_at: z.nullable(timestamp),
    updated_at: z.nullable(timestamp),
    last_used_at: z.nullable(timestamp),
    revoked_at: z.nullable(timestamp),
    rate_limit_per_second: z.nullable(z.number().check(z.int())),
    created_by: withMeta(z.nullable(z.string()), { description: 'The key id that created it, or `cli`.' }),
    previous_key_expires_at: withMeta(z.nullable(timestamp), {
      description: 'After a rotation: until when the replaced secret still works.',
    }),
    status: z.enum(['active', 'expired', 'revoked', 'invalid']),
    warnings: withMeta(z.readonly(z.array(z.string())), {
      description: 'Hand-edit problems the authorizer tolerates.',
    }),
    malformed: withMeta(z.readonly(z.array(z.string())), {
      description:
        'Hand edits the authorizer cannot read: the names of unreadable restrictions (allowed_ips, allowed_domains, expires_at, rate_limit_per_second), each enforced as narrowly as possible and kept as stored by an edit that does not name it; or why the item authorises nothing.',
    }),
  }),
  { id: 'ApiKey', description: 'An API key, never its secret or hash.' },
);

const apiKeyWithSecretSchema = withMeta(
  z.extend(apiKeySchema, {
    key: withMeta(z.string(), {
      description: 'The whole secret key. Shown only here: store it now.',
      example: 'sk_live_0VbnqK3m8a2J…',
    }),
  }),
  { id: 'ApiKeyWithSecret', description: 'A key and its secret, shown once.' },
);

/** A refinement that runs one of key-input.ts's parsers on a field and reports its error there. */
function checkWith<T>(parse: (value: T) => FieldResult<unknown>) {
  return z.superRefine((value: T, context) => {
    const parsed = parse(value);
    if ('error' in parsed) context.addIssue({ code: 'custom', message: parsed.error });
  });
}

const listOrText = z.union([z.string(), z.array(z.string())], { error: 'must be a list of strings' });

const RATE_LIMIT_RULE = `must be a whole number from 1 to ${RATE_LIMIT_MAX}`;

const keyFields = {
  name: withMeta(z.string().check(checkWith(parseName)), { example: 'ci deploys' }),
  permission: z.optional(z.enum(PERMISSIONS, { error: `must be one of ${PERMISSIONS.join(', ')}` })),
  scopes: withMeta(
    z.optional(z.array(z.string()).check(checkWith((scopes: string[]) => parseScopes(scopes)))),
    {
      description: 'For a `custom` key. Not together with `permissions`.',
    },
  ),
  permissions: withMeta(
    z.optional(
      z
        .record(z.string(), z.enum(ACCESS_LEVELS, { error: `must be one of ${ACCESS_LEVELS.join(', ')}` }))
        .check(
          z.superRefine((levels, context) => {
            const expanded = expandPermissions(levels);
            if ('errors' in expanded) {
              for (const error of expanded.errors) {
                context.addIssue({
                  code: 'custom',
                  message: error.message,
                  path: [error.path.split('.')[1] ?? ''],
                });
              }
            }
          }),
        ),
    ),
    {
      description: `Per-resource levels (${RESOURCES.join(', ')}): none, read or full, expanded to scopes.`,
      example: { templates: 'read', emails: 'full' },
    },
  ),
  allowed_ips: withMeta(z.optional(listOrText.check(checkWith(parseAllowedIps))), {
    description: 'IPv4, IPv6 and CIDR entries; empty: any IP.',
    example: ['203.0.113.0/24'],
  }),
  allowed_domains: withMeta(z.optional(z.nullable(listOrText).check(checkWith(parseApiAllowedDomains))), {
    description: 'Sending domains (and their subdomains), at least one; null: any of the project’s.',
  }),
  expires_at: withMeta(z.optional(z.nullable(z.string())), {
    description: 'ISO 8601 with a time zone, in the future; null: never.',
  }),
  rate_limit_per_second: withMeta(
    z.optional(
      z.nullable(
        z
          .number({ error: RATE_LIMIT_RULE })
          .check(
            z.int(RATE_LIMIT_RULE),
            z.minimum(1, RATE_LIMIT_RULE),
            z.maximum(RATE_LIMIT_MAX, RATE_LIMIT_RULE),
          ),
      ),
    ),
    { description: 'Requests per second for this key; null: the stage default only.' },
  ),
};

const keyIdParams = z.object({ id: withMeta(z.string(), { description: 'The key id (or its prefix).' }) });

const GRACE_PERIOD_RULE = `must be a whole number from 0 to ${MAX_GRACE_PERIOD_SECONDS}`;

const ESCALATION = 'A key may never create, change or rotate a key into something more powerful than itself.';

/** Resend's two permissions: `sending_access` is a custom key with `emails:send` only. */
export const RESEND_KEY_PERMISSIONS = ['full_access', 'sending_access'] as const;

const resendKeyParams = z.object({ id: withMeta(z.string(), { description: 'The key id.' }) });

/** The routes of the Resend surface this service serves (lambdas/account/resend-adapter.ts maps them). */
export const RESEND_API_KEY_CONTRACTS = {
  resendListApiKeys: defineContract({
    query: resendListQuerySchema,
    response: {
      status: 200,
      description: "A page of the project's keys, newest first (revoked ones included, as on `/v1`).",
      schema: resendListResponseSchema(
        z.object({
          id: z.string(),
          name: z.string(),
          created_at: z.nullable(timestamp),
          last_used_at: z.nullable(timestamp),
        }),
      ),
    },
    errors: ['not_found'],
  }),
  resendCreateApiKey: defineContract({
    idempotent: true,
    replayStatus: 200,
    body: z.strictObject({
      name: keyFields.name,
      permission: withMeta(
        z.optional(
          z.enum(RESEND_KEY_PERMISSIONS, { error: `must be one of ${RESEND_KEY_PERMISSIONS.join(', ')}` }),
        ),
        { description: '`full_access` (default), or `sending_access`: `emails:send` only.' },
      ),
      domain_id: withMeta(z.optional(z.string().check(z.minLength(1))), {
        description: 'For `sending_access`: the key may send from this domain (and its subdomains) only.',
      }),
    }),
    response: {
      status: 201,
      description: `The key id and its secret (shown only now). ${ESCALATION}`,
      schema: z.object({ id: z.string(), token: z.string() }),
      secretFields: ['token'],
    },
    errors: ['permission_escalation'],
  }),
  resendUpdateApiKey: defineContract({
    params: resendKeyParams,
    body: z.strictObject({ name: keyFields.name }),
    response: {
      status: 200,
      description: 'The key is renamed. A revoked key cannot be changed.',
      schema: z.object({ object: z.literal('api_key'), id: z.string() }),
    },
    errors: ['not_found', 'permission_escalation'],
  }),
  resendRevokeApiKey: defineContract({
    params: resendKeyParams,
    response: {
      status: 200,
      description: 'The key is revoked: it stops working on the next request.',
      schema: z.object({ object: z.literal('api_key'), id: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found'],
  }),
};

export const API_KEY_CONTRACTS = {
  ...RESEND_API_KEY_CONTRACTS,
  listApiKeys: defineContract({
    query: listQuerySchema,
    response: {
      status: 200,
      description: "A page of the project's keys (revoked ones included), newest first.",
      schema: listResponseSchema(apiKeySchema),
    },
  }),
  createApiKey: defineContract({
    idempotent: true,
    // A replay answers the key without its secret (the caller who lost the first answer rotates).
    replayStatus: 200,
    body: z.strictObject({
      ...keyFields,
      type: z.optional(
        z.enum(['general'], { error: 'must be general: billing keys are made only with the CLI' }),
      ),
    }),
    response: {
      status: 201,
      description: `The key, with its secret (shown only now). ${ESCALATION}`,
      schema: apiKeyWithSecretSchema,
      secretFields: ['key'],
    },
    errors: ['permission_escalation'],
  }),
  getApiKey: defineContract({
    params: keyIdParams,
    response: { status: 200, description: 'The key.', schema: apiKeySchema },
    errors: ['not_found'],
  }),
  updateApiKey: defineContract({
    params: keyIdParams,
    body: z.optional(z.strictObject({ ...keyFields, name: z.optional(keyFields.name) })),
    response: {
      status: 200,
      description: `The changed key. ${ESCALATION} A revoked key cannot be changed.`,
      schema: apiKeySchema,
    },
    errors: ['not_found', 'permission_escalation'],
  }),
  revokeApiKey: defineContract({
    params: keyIdParams,
    response: {
      status: 200,
      description:
        'The key, revoked: it stops working on the next request. The key stays listed with `revoked_at` ' +
        '(revoking again answers the first revocation).',
      schema: apiKeySchema,
    },
    errors: ['not_found'],
  }),
  rotateApiKey: defineContract({
    params: keyIdParams,
    body: z.optional(
      z.strictObject({
        grace_period_seconds: withMeta(
          z.optional(
            z
              .number({ error: GRACE_PERIOD_RULE })
              .check(
                z.int(GRACE_PERIOD_RULE),
                z.minimum(0, GRACE_PERIOD_RULE),
                z.maximum(MAX_GRACE_PERIOD_SECONDS, GRACE_PERIOD_RULE),
              ),
          ),
          {
            description: `How long the replaced secret keeps working (default ${DEFAULT_GRACE_PERIOD_SECONDS}).`,
          },
        ),
      }),
    ),
    response: {
      status: 200,
      description:
        'The key with its new secret (shown only now). The replaced secret works until ' +
        '`previous_key_expires_at`; rotating again during a grace ends the older secret at once.',
      schema: apiKeyWithSecretSchema,
      secretFields: ['key'],
    },
    errors: ['not_found', 'permission_escalation'],
  }),
} as const;
