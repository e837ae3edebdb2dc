/**
 * The OpenAPI 3.1 document, generated from the route table and the very zod schemas the handlers
 * validate with (docs/route-contracts.ts). `npm run docs` writes it to docs/openapi.json; a test fails
 * when the committed copy drifts, and the local stack serves it at /openapi.json.
 */
import { z } from 'zod';
import * as zm from 'zod/mini';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import packageJson from '../package.json' with { type: 'json' };
import { routesWithContracts } from './route-contracts.js';
import type { RouteContract } from '../lambdas/api/contract.js';
import { ERROR_CODES, ERROR_NAMES, type ErrorCode, errorBody, statusOf } from '../lambdas/api/errors.js';
import { ROUTE_PERMISSIONS, type Route } from '../lambdas/api/routes.js';
import { IDEMPOTENCY_ERRORS, requestHeadersOf } from '../lambdas/http/idempotency.js';
import { GENERAL_SCOPES } from '../lambdas/api/scopes.js';

/** What the authorizer (API Gateway's gateway responses) can answer on any route. */
const AUTHORIZER_ERRORS: readonly ErrorCode[] = [
  'invalid_api_key',
  'key_revoked',
  'key_expired',
  'ip_not_allowed',
  'insufficient_scope',
  'authorizer_unavailable',
];
/**
 * Besides those: API Gateway's default 4XX and its throttle, a store that does not answer in time,
 * and the generic failure.
 */
const EVERY_ROUTE_ERRORS: readonly ErrorCode[] = [
  ...AUTHORIZER_ERRORS,
  'bad_request',
  'rate_limited',
  'upstream_unavailable',
  'internal_error',
];

const errorSchema = z
  .object({
    statusCode: z.int().nullable().meta({
      description:
        "The response's HTTP status, as Resend's and SendGrid's clients read it; null only in API Gateway's default 4XX and 5XX responses, whose status their template cannot know.",
    }),
    name: z.enum(ERROR_NAMES).meta({
      description:
        "Resend's name for the error (e.g. `restricted_api_key` for every refused permission), so a Resend or SendGrid client reads it unchanged. Stable.",
    }),
    message: z.string().meta({ description: 'A sentence for people; may change between versions.' }),
    error_code: z.enum(ERROR_CODES).meta({ description: 'Stable: branch on this.' }),
    required_scope: z
      .enum(Object.keys(GENERAL_SCOPES) as [string, ...string[]])
      .optional()
      .meta({ description: 'With `insufficient_scope`: the scope the route needs.' }),
    required_permission: z.enum(ROUTE_PERMISSIONS).optional().meta({
      description: 'With `insufficient_scope` on a route that needs a key permission instead of a scope.',
    }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'With `validation_error`: one entry per problem, by field path.' }),
    data: z
      .array(z.object({ id: z.string() }))
      .optional()
      .meta({
        description: 'From a batch that stopped part-way: the emails sent before it stopped, in order.',
      }),
    request_id: z
      .string()
      .optional()
      .meta({ description: 'On errors the services answer: the same id as the X-Request-Id header.' }),
  })
  .meta({ id: 'Error', description: 'Every error answers this shape.' });

const EXAMPLE_DETAILS: Partial<Record<ErrorCode, Parameters<typeof errorBody>[1]>> = {
  insufficient_scope: { requiredScope: 'templates:write' },
  validation_error: {
    message: 'to must be an email address or a list of them.',
    errors: [{ path: 'to', message: 'to must be an email address or a list of them.' }],
  },
};

export function buildOpenApiDocument(): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const { route, contract } of routesWithContracts()) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    paths[route.path] = { ...paths[route.path], [method]: operation(route, contract) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'scopegate',
      version: packageJson.version,
      description: [
        'A self-hosted messaging API in which every request is authorised by a scoped API key.',
        '',
        'Send `Authorization: Bearer <key>`. Each operation names the scope it needs (also as',
        '`x-scopegate-scope`); a key holds scopes through its permission: `full_access` (every',
        'scope), `sending_only` (`emails:send`, `sms:send`, `whatsapp:send`) or `custom`.',
        'Every response carries `X-Request-Id`; errors answer the `Error` shape.',
      ].join('\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'The local stack (`npm start`)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: "A deployed stack: its ApiUrl output, without the trailing '/'",
        variables: {
          apiId: { default: 'abc123', description: 'The REST API id' },
          region: { default: 'eu-west-1' },
          stage: { default: 'prod' },
        },
      },
    ],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'sending', description: 'Emails (and, later, SMS and WhatsApp)' },
      { name: 'account', description: 'Projects' },
      { name: 'domains', description: 'Sending domains (SES identities)' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'sk_live_<12 key id><32 secret><6 checksum>',
          description: 'An API key. Only its SHA-256 is stored; it is shown once, when it is made.',
        },
      },
      schemas: { Error: errorSchema },
      headers: {
        'X-Request-Id': {
          description: 'The request id: quote it when asking about a request.',
          schema: { type: 'string' },
        },
        'Idempotent-Replayed': {
          description:
            'Present (`true`) when the answer replays an earlier request with the same `Idempotency-Key` ' +
            'from the same API key: nothing was done again.',
          schema: { type: 'string', enum: ['true'] },
        },
      },
      examples: Object.fromEntries(
        ERROR_CODES.map((code) => [
          code,
          { summary: `${statusOf(code)} ${code}`, value: errorBody(code, EXAMPLE_DETAILS[code]) },
        ]),
      ),
    },
  });
}

function operation(route: Route, contract: RouteContract): ZodOpenApiOperationObject {
  const headers = requestHeadersOf(contract);
  const hasInput = Boolean(contract.params ?? contract.query ?? headers ?? contract.body);
  const codes = new Set<ErrorCode>([
    ...EVERY_ROUTE_ERRORS,
    ...(hasInput ? (['validation_error'] as const) : []),
    ...(contract.body ? (['payload_too_large'] as const) : []),
    ...(contract.idempotent ? IDEMPOTENCY_ERRORS : []),
    ...(contract.errors ?? []),
  ]);
  return {
    operationId: route.id,
    summary: route.summary,
    description: route.scope
      ? `Requires the \`${route.scope}\` scope.`
      : `Requires a general key whose permission is \`${route.permission}\` (no scope grants it).`,
    tags: [route.service],
    ...(route.scope ? { 'x-scopegate-scope': route.scope } : { 'x-scopegate-permission': route.permission }),
    requestParams: {
      ...(contract.params ? { path: contract.params } : {}),
      ...(contract.query ? { query: contract.query } : {}),
      ...(headers ? { header: headers } : {}),
    },
    ...(contract.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: contract.body } } } }
      : {}),
    responses: {
      ...successResponses(contract),
      ...errorResponses([...codes]),
    },
  };
}

/**
 * The route's answer and, for an idempotent route whose replay answers another status (one with
 * secret fields), the replay: the same resource without its secrets.
 */
function successResponses(contract: RouteContract): ZodOpenApiOperationObject['responses'] {
  const headers = {
    'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
    ...(contract.idempotent
      ? { 'Idempotent-Replayed': { $ref: '#/components/headers/Idempotent-Replayed' } }
      : {}),
  };
  const { status, description, schema, secretFields = [] } = contract.response;
  const responses: ZodOpenApiOperationObject['responses'] = {
    [`${status}`]: { description, headers, content: { 'application/json': { schema } } },
  };
  const replayStatus = contract.replayStatus ?? status;
  if (contract.idempotent && replayStatus !== status && schema instanceof zm.ZodMiniObject) {
    const mask = Object.fromEntries(secretFields.map((field) => [field, true] as const));
    responses[`${replayStatus}`] = {
      description:
        'A replay of an earlier request with the same `Idempotency-Key` from the same API key: the ' +
        `resource as it was created, without ${secretFields.map((field) => `\`${field}\``).join(', ')} (shown only once).`,
      headers,
      content: { 'application/json': { schema: zm.omit(schema, mask) } },
    };
  }
  return responses;
}

/** One response per status, listing the error codes it can carry, each with its example body. */
function errorResponses(codes: readonly ErrorCode[]): ZodOpenApiOperationObject['responses'] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  const responses: ZodOpenApiOperationObject['responses'] = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[`${status}` as `${4 | 5}${string}`] = {
      description: statusCodes.map((code) => `\`${code}\``).join(', '),
      headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } },
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/Error' },
          examples: Object.fromEntries(
            statusCodes.map((code) => [code, { $ref: `#/components/examples/${code}` }]),
          ),
        },
      },
    };
  }
  return responses;
}

/** The committed file's exact text: two-space JSON and a final newline. */
export function openApiJson(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
