/**
 * `/v1/api-keys*`: what each route accepts and answers. The field rules are key-input.ts's own
 * parsers, called from refinements, so the API and the CLI can never disagree on what a valid key
 * is; the expiry (which needs the clock) is checked by the key service with the same parser.
 */
import { z } from 'zod';
import { defineContract } from '../core/contract.js';
import { PERMISSIONS } from '../core/scopes.js';
import { listQuerySchema, listResponseSchema } from '../core/list.js';
import {
  type FieldResult,
  parseAllowedDomains,
  parseAllowedIps,
  parseName,
  parseScopes,
  RATE_LIMIT_MAX,
} from './key-input.js';
import { DEFAULT_GRACE_PERIOD_SECONDS, MAX_GRACE_PERIOD_SECONDS } from './keys.js';
import { ACCESS_LEVELS, expandPermissions, RESOURCES } from './permission-levels.js';

const timestamp = z.string().meta({ format: 'date-time', example: '2026-11-24T14:30:00.000Z' });

export const apiKeySchema = z
  .object({
    id: z.string().meta({ example: '0VbnqK3m8a2J', description: 'The 12-character key id.' }),
    prefix: z.string().meta({ example: 'sk_live_0VbnqK3m8a2J', description: 'Safe to show and log.' }),
    name: z.string(),
    type: z.enum(['general', 'billing']),
    permission: z.enum(PERMISSIONS),
    scopes: z
      .array(z.string())
      .readonly()
      .meta({ description: 'What the key may do (a preset resolved to scopes).' }),
    project_id: z.string(),
    team_id: z.string(),
    allowed_ips: z.array(z.string()).readonly().meta({ description: 'Empty: any IP.' }),
    allowed_domains: z
      .array(z.string())
      .readonly()
      .nullable()
      .meta({ description: "Null: any of the project's." }),
    expires_at: timestamp.nullable(),
    created_at: timestamp.nullable(),
    updated_at: timestamp.nullable(),
    last_used_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
    rate_limit_per_second: z.number().int().nullable(),
    created_by: z.string().nullable().meta({ description: 'The key id that created it, or `cli`.' }),
    previous_key_expires_at: timestamp
      .nullable()
      .meta({ description: 'After a rotation: until when the replaced secret still works.' }),
    status: z.enum(['active', 'expired', 'revoked', 'invalid']),
    warnings: z
      .array(z.string())
      .readonly()
      .meta({ description: 'Hand-edit problems the authorizer tolerates.' }),
    malformed: z
      .array(z.string())
      .readonly()
      .meta({ description: 'Why a hand-edited item authorises nothing.' }),
  })
  .meta({ id: 'ApiKey', description: 'An API key, never its secret or hash.' });

const apiKeyWithSecretSchema = apiKeySchema
  .extend({
    key: z.string().meta({
      description: 'The whole secret key. Shown only here: store it now.',
      example: 'sk_live_0VbnqK3m8a2J…',
    }),
  })
  .meta({ id: 'ApiKeyWithSecret', description: 'A key and its secret, shown once.' });

/** A refinement that runs one of key-input.ts's parsers on a field and reports its error there. */
function checkWith<T>(parse: (value: T) => FieldResult<unknown>) {
  return (value: T, context: z.RefinementCtx) => {
    const parsed = parse(value);
    if ('error' in parsed) context.addIssue({ code: 'custom', message: parsed.error });
  };
}

const listOrText = z.union([z.string(), z.array(z.string())], { error: 'must be a list of strings' });

const keyFields = {
  name: z.string().superRefine(checkWith(parseName)).meta({ example: 'ci deploys' }),
  permission: z.enum(PERMISSIONS, { error: `must be one of ${PERMISSIONS.join(', ')}` }).optional(),
  scopes: z
    .array(z.string())
    .superRefine(checkWith((scopes: string[]) => parseScopes(scopes)))
    .optional()
    .meta({ description: 'For a `custom` key. Not together with `permissions`.' }),
  permissions: z
    .record(z.string(), z.enum(ACCESS_LEVELS, { error: `must be one of ${ACCESS_LEVELS.join(', ')}` }))
    .superRefine((levels, context) => {
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
    })
    .optional()
    .meta({
      description: `Per-resource levels (${RESOURCES.join(', ')}): none, read or full, expanded to scopes.`,
      example: { templates: 'read', emails: 'full' },
    }),
  allowed_ips: listOrText
    .superRefine(checkWith(parseAllowedIps))
    .optional()
    .meta({ description: 'IPv4, IPv6 and CIDR entries; empty: any IP.', example: ['203.0.113.0/24'] }),
  allowed_domains: listOrText
    .nullable()
    .superRefine(checkWith(parseAllowedDomains))
    .optional()
    .meta({ description: 'Sending domains (and their subdomains); null or empty: any of the project’s.' }),
  expires_at: z
    .string()
    .nullable()
    .optional()
    .meta({ description: 'ISO 8601 with a time zone, in the future; null: never.' }),
  rate_limit_per_second: z
    .number({ error: `must be a whole number from 1 to ${RATE_LIMIT_MAX}` })
    .int(`must be a whole number from 1 to ${RATE_LIMIT_MAX}`)
    .min(1, `must be a whole number from 1 to ${RATE_LIMIT_MAX}`)
    .max(RATE_LIMIT_MAX, `must be a whole number from 1 to ${RATE_LIMIT_MAX}`)
    .nullable()
    .optional()
    .meta({ description: 'Requests per second for this key; null: the stage default only.' }),
};

const keyIdParams = z.object({ id: z.string().meta({ description: 'The key id (or its prefix).' }) });

const ESCALATION = 'A key may never create, change or rotate a key into something more powerful than itself.';

export const API_KEY_CONTRACTS = {
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
    body: z
      .object({
        ...keyFields,
        type: z
          .enum(['general'], { error: 'must be general: billing keys are made only with the CLI' })
          .optional(),
      })
      .strict(),
    response: {
      status: 201,
      description: `The key, with its secret (shown only now). ${ESCALATION}`,
      schema: apiKeyWithSecretSchema,
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
    body: z
      .object({
        ...keyFields,
        name: keyFields.name.optional(),
      })
      .strict()
      .optional(),
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
    body: z
      .object({
        grace_period_seconds: z
          .number({ error: `must be a whole number from 0 to ${MAX_GRACE_PERIOD_SECONDS}` })
          .int(`must be a whole number from 0 to ${MAX_GRACE_PERIOD_SECONDS}`)
          .min(0, `must be a whole number from 0 to ${MAX_GRACE_PERIOD_SECONDS}`)
          .max(MAX_GRACE_PERIOD_SECONDS, `must be a whole number from 0 to ${MAX_GRACE_PERIOD_SECONDS}`)
          .optional()
          .meta({
            description: `How long the replaced secret keeps working (default ${DEFAULT_GRACE_PERIOD_SECONDS}).`,
          }),
      })
      .strict()
      .optional(),
    response: {
      status: 200,
      description:
        'The key with its new secret (shown only now). The replaced secret works until ' +
        '`previous_key_expires_at`; rotating again during a grace ends the older secret at once.',
      schema: apiKeyWithSecretSchema,
    },
    errors: ['not_found', 'permission_escalation'],
  }),
} as const;
