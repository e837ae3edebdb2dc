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
import {
  ERROR_CODES,
  ERROR_NAMES,
  type ErrorCode,
  errorBody,
  statusOf,
  statusOn,
} from '../lambdas/api/errors.js';
import { ROUTE_PERMISSIONS, type Route, type Surface, v1RouteOf } from '../lambdas/api/routes.js';
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
  .meta({ id: 'Error', description: 'Every error answers this shape (on /v1 and the Resend surface).' });

const sendGridErrorSchema = z
  .object({
    errors: z
      .array(
        z.object({
          message: z.string(),
          field: z.string().nullable().meta({ description: 'The body field at fault, when there is one.' }),
          help: z.null(),
        }),
      )
      .meta({ description: "One entry per problem, as SendGrid's clients read them." }),
    error_code: z.enum(ERROR_CODES).meta({ description: "scopegate's code: stable, branch on this." }),
    request_id: z.string().optional(),
  })
  .meta({ id: 'SendGridError', description: 'Every error of the SendGrid surface answers this shape.' });

/** Where each surface's operations are listed: /v1 by service, the others under their own tag. */
const SURFACE_TAGS: Readonly<Record<Exclude<Surface, 'v1'>, { name: string; description: string }>> = {
  resend: {
    name: 'resend',
    description:
      "Resend's REST API (`new Resend(key, { baseUrl: ApiUrl + 'resend' })`): each operation stands for a /v1 one and needs its scope.",
  },
  sendgrid: {
    name: 'sendgrid',
    description:
      "SendGrid's v3 mail send (`sgMail.client.setDefaultRequest('baseUrl', ApiUrl + 'sendgrid')`), standing for POST /v1/emails.",
  },
};

const EXAMPLE_DETAILS: Partial<Record<ErrorCode, Parameters<typeof errorBody>[1]>> = {
  insufficient_scope: { requiredScope: 'templates:write' },
  validation_error: {
    message: 'to must be an email address or a list of them.',
    errors: [{ path: 'to', message: 'to must be an email address or a list of them.' }],
  },
};

export function buildOpenApiDocument(): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  const routes = routesWithContracts();
  for (const { route, contract } of routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    paths[route.path] = { ...paths[route.path], [method]: operation(route, contract) };
  }
  // Components that no operation refers to are left out (a surface, or a code, not served yet).
  const exampleCodes = new Set(
    routes.flatMap(({ route, contract }) =>
      route.surface === 'sendgrid'
        ? []
        : errorCodesOf(contract).filter((code) => statusOn(route.surface, code) === statusOf(code)),
    ),
  );
  const sendGridErrors = routes.some(({ route }) => route.surface === 'sendgrid');
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
      ...Object.values(SURFACE_TAGS),
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
      schemas: { Error: errorSchema, ...(sendGridErrors ? { SendGridError: sendGridErrorSchema } : {}) },
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
        ERROR_CODES.filter((code) => exampleCodes.has(code)).map((code) => [
          code,
          { summary: `${statusOf(code)} ${code}`, value: errorBody(code, EXAMPLE_DETAILS[code]) },
        ]),
      ),
    },
  });
}

/** Every error code a route can answer. */
function errorCodesOf(contract: RouteContract): ErrorCode[] {
  const headers = requestHeadersOf(contract);
  const hasInput = Boolean(contract.params ?? contract.query ?? headers ?? contract.body);
  return [
    ...new Set<ErrorCode>([
      ...EVERY_ROUTE_ERRORS,
      ...(hasInput ? (['validation_error'] as const) : []),
      ...(contract.body ? (['payload_too_large'] as const) : []),
      ...(contract.idempotent ? IDEMPOTENCY_ERRORS : []),
      ...(contract.errors ?? []),
      ...(contract.unsupportedFields ? (['invalid_parameter'] as const) : []),
    ]),
  ];
}

function operation(route: Route, contract: RouteContract): ZodOpenApiOperationObject {
  const headers = requestHeadersOf(contract);
  const codes = errorCodesOf(contract);
  return {
    operationId: route.id,
    summary: route.summary,
    description: [
      route.scope
        ? `Requires the \`${route.scope}\` scope.`
        : `Requires a general key whose permission is \`${route.permission}\` (no scope grants it).`,
      ...(route.standsFor === undefined ? [] : [standsForText(route)]),
      ...(contract.unsupportedFields
        ? [
            `Refused with 422 \`invalid_parameter\` (nothing is sent): ${contract.unsupportedFields
              .map((field) => `\`${field}\``)
              .join(', ')}.`,
          ]
        : []),
    ].join(' '),
    tags: [route.surface === 'v1' ? route.service : SURFACE_TAGS[route.surface].name],
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
      ...errorResponses(route.surface, [...codes]),
    },
  };
}

function standsForText(route: Route): string {
  const v1 = v1RouteOf(route);
  return `Stands for \`${v1.method} ${v1.path}\` (\`${v1.id}\`): the same checks, served by the same Lambda.`;
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
  const answerHeaders = {
    ...headers,
    ...Object.fromEntries(
      Object.keys(contract.response.headers?.def.shape ?? {}).map((name) => [
        name,
        { description: 'Set by this route.', schema: { type: 'string' as const } },
      ]),
    ),
  };
  const responses: ZodOpenApiOperationObject['responses'] = {
    [`${status}`]: {
      description,
      headers: answerHeaders,
      ...(schema ? { content: { 'application/json': { schema } } } : {}),
    },
  };
  const other = contract.response.otherStatus;
  if (other) {
    responses[`${other.status}`] = {
      description: other.description,
      headers: answerHeaders,
      ...(schema ? { content: { 'application/json': { schema } } } : {}),
    };
  }
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

/**
 * One response per status, listing the error codes it can carry, each with its example body (the
 * SendGrid surface: its own shape, without examples).
 */
function errorResponses(
  surface: Surface,
  codes: readonly ErrorCode[],
): ZodOpenApiOperationObject['responses'] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = statusOn(surface, code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: ZodOpenApiOperationObject['responses'] = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[`${status}` as `${4 | 5}${string}`] = {
      description: statusCodes.map((code) => `\`${code}\``).join(', '),
      headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } },
      content: {
        'application/json':
          surface === 'sendgrid'
            ? { schema: { $ref: '#/components/schemas/SendGridError' } }
            : {
                schema: { $ref: '#/components/schemas/Error' },
                // A code whose status the surface changes (Resend's 422 for validation) has no example.
                examples: Object.fromEntries(
                  statusCodes
                    .filter((code) => statusOf(code) === status)
                    .map((code) => [code, { $ref: `#/components/examples/${code}` }]),
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
