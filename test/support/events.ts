/** Event factories shaped like what API Gateway (REST, v1 payload) sends. */
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthContext } from '../../lambdas/keys/auth-context.js';
import { allowContext } from '../../lambdas/keys/auth-context.js';
import type { KeyRecord } from '../../lambdas/keys/key-item.js';
import type { SecretUsed } from '../../lambdas/api/route-access.js';
import { effectiveScopes } from '../../lambdas/api/scopes.js';
import { requestContext } from '../../local/request-context.js';

export const TEST_METHOD_ARN_BASE = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod';

export interface AuthorizerEventInput {
  readonly method?: string;
  readonly resource?: string;
  readonly path?: string;
  readonly authorization?: string;
  readonly sourceIp?: string;
  readonly headers?: Record<string, string>;
  /**
   * Headers as sent, repeats included (e.g. two `Authorization` lines). `headers` then holds the last
   * value of each name, as API Gateway does.
   */
  readonly multiValueHeaders?: Record<string, string[]>;
}

export function authorizerEvent(input: AuthorizerEventInput = {}): APIGatewayRequestAuthorizerEvent {
  const method = input.method ?? 'POST';
  const resource = input.resource ?? '/v1/emails';
  const headers: Record<string, string> = { ...input.headers };
  if (input.authorization !== undefined) headers.Authorization = input.authorization;
  for (const [name, values] of Object.entries(input.multiValueHeaders ?? {})) {
    const last = values.at(-1);
    if (last !== undefined) headers[name] = last;
  }
  const multiValueHeaders = {
    ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    ...input.multiValueHeaders,
  };
  return {
    type: 'REQUEST',
    methodArn: `${TEST_METHOD_ARN_BASE}/${method}${input.path ?? resource}`,
    resource,
    path: input.path ?? resource,
    httpMethod: method,
    headers,
    multiValueHeaders,
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: testRequestContext(
      method,
      resource,
      input.path ?? resource,
      input.sourceIp ?? '203.0.113.10',
    ),
  } as APIGatewayRequestAuthorizerEvent;
}

export interface ProxyEventInput {
  readonly method?: string;
  readonly resource?: string;
  readonly path?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly pathParameters?: Record<string, string>;
  /** The authorizer context; build one with `authContextFor`. */
  readonly authorizer?: Record<string, string>;
}

export function proxyEvent(input: ProxyEventInput = {}): APIGatewayProxyEvent {
  const method = input.method ?? 'GET';
  const resource = input.resource ?? '/v1/emails';
  const body = input.rawBody ?? (input.body === undefined ? null : JSON.stringify(input.body));
  return {
    resource,
    path: input.path ?? resource,
    httpMethod: method,
    headers: { 'content-type': 'application/json', ...input.headers },
    multiValueHeaders: {},
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      ...testRequestContext(method, resource, input.path ?? resource, '203.0.113.10'),
      authorizer: input.authorizer ?? null,
    },
  } as APIGatewayProxyEvent;
}

/** The authorizer context an Allow would carry for a key with these properties (its current secret by default). */
export function authContextFor(
  key: Partial<KeyRecord> & Pick<KeyRecord, 'projectId'>,
  secret: SecretUsed = 'current',
): Record<string, string> {
  const record = {
    keyId: 'AAAAAAAAAAAA',
    keyHash: '0'.repeat(64),
    name: 'test',
    type: 'general',
    teamId: 'team_test',
    permission: 'full_access',
    scopes: [],
    allowedIps: { ok: true, ranges: [] },
    allowedDomains: undefined,
    expiresAt: undefined,
    revokedAt: undefined,
    createdAt: undefined,
    updatedAt: undefined,
    lastUsedAt: undefined,
    rateLimitPerSecond: undefined,
    ...key,
  } satisfies KeyRecord;
  return allowContext(record, effectiveScopes(record.type, record.permission, record.scopes), secret);
}

export type { AuthContext };

function testRequestContext(method: string, resourcePath: string, path: string, sourceIp: string) {
  return requestContext({
    method,
    resourcePath,
    path,
    stage: 'prod',
    requestId: 'test-request',
    sourceIp,
    userAgent: 'vitest',
    accountId: '123456789012',
    apiId: 'abcdef1234',
  });
}
