/**
 * A local stand-in for API Gateway's REST API: the same route table, the same REQUEST authorizer
 * event, the same proxy event with `requestContext.authorizer`, the same policy semantics and the same
 * gateway responses. The source IP is the TCP peer; no client header is ever trusted for it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import { bearerToken, KEY_ENVIRONMENTS, keyPrefix, parseApiKey } from '../lambdas/keys/api-key.js';
import { redactPath } from '../lambdas/keys/redaction.js';
import {
  type GatewayResponseType,
  gatewayResponse,
  gatewayResponseTemplate,
} from '../lambdas/api/gateway-responses.js';
import { matchRoute, ROUTES, type RouteMatch, type Service } from '../lambdas/api/routes.js';
import { dashboardResponse, isDashboardPath, type StaticSite } from '../lambdas/dashboard/static-site.js';
import { UNSUBSCRIBE_PATH, unsubscribeTokenOfPath } from '../lambdas/unsubscribe/paths.js';
import { lastValues, multiValueHeaders, readBody, send } from './node-http.js';
import { policyAllows } from './policy-evaluator.js';
import { requestContext } from './request-context.js';

/** API Gateway's maximum payload size. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/**
 * How much of a body over MAX_PAYLOAD_BYTES the gateway reads and throws away before answering 413
 * (local/node-http.ts, readBody): enough for any client that overshoots the limit by a few times,
 * bounded so a client cannot keep the gateway reading forever.
 */
export const MAX_DISCARD_BYTES = 64 * 1024 * 1024;
const STAGE = 'local';
const ARN_BASE = `arn:aws:execute-api:local:000000000000:scopegate/${STAGE}`;

export type AuthorizerFunction = (
  event: APIGatewayRequestAuthorizerEvent,
) => Promise<APIGatewayAuthorizerResult>;
export type ProxyFunction = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** One line of the local access log: what API Gateway's access log records, minus secrets. */
export interface AccessLogEntry {
  readonly requestId: string;
  readonly method: string;
  /** The path without its query, every segment shaped like a key cut to the key's public prefix. */
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  readonly responseLength: number;
  /** The key's public prefix (`sk_test_<keyId>`) when the request carried a well-formed key. */
  readonly keyPrefix: string | undefined;
  /** When the request arrived (ms since the epoch), like `$context.requestTimeEpoch`. */
  readonly startedAt: number;
  /** What API Gateway's access log would also know (lambdas/api/access-log-format.ts). */
  readonly trace: GatewayTrace;
}

/** Filled in while a request is handled: the route, the authorizer's answer, a gateway response. */
export interface GatewayTrace {
  resourcePath?: string;
  /** The authorizer's principal (the key id), on an Allow and a Deny alike. */
  principalId?: string;
  projectId?: string;
  /** A Deny's error code. */
  denyCode?: string;
  /** The gateway response type when the gateway answered itself, like `$context.error.responseType`. */
  errorType?: string;
}

export interface GatewayOptions {
  readonly authorizer: AuthorizerFunction;
  readonly services: Readonly<Record<Service, ProxyFunction>>;
  readonly onError?: (message: string, error: unknown) => void;
  /** Called once per request, after the response is written. */
  readonly onRequest?: (entry: AccessLogEntry) => void;
  /** Served at GET /openapi.json without a key (the document is public, as the API's shape is). */
  readonly openApiJson?: string;
  /** Served under /dashboard/ without a key, as the deployed stack serves it (lambdas/dashboard). */
  readonly dashboard?: StaticSite;
  /** GET and POST /u/{token} without a key, as deployed (lambdas/unsubscribe/pages.ts). */
  readonly unsubscribePages?: ProxyFunction;
  /** @default the clock */
  readonly now?: () => number;
}

export interface RunningGateway {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startGateway(
  options: GatewayOptions,
  listen: { host: string; port: number },
): Promise<RunningGateway> {
  const now = options.now ?? Date.now;
  const server = createServer((request, response) => {
    const started = now();
    const requestId = randomUUID();
    const trace: GatewayTrace = {};
    const finish = (result: APIGatewayProxyResult) => {
      // Like API Gateway: every answer, the gateway's own errors included, names the request.
      send(response, { ...result, headers: { ...result.headers, 'x-request-id': requestId } });
      options.onRequest?.({
        requestId,
        method: request.method ?? 'GET',
        // A whole key pasted into the path is logged as its public prefix.
        path: redactPath((request.url ?? '/').split('?')[0] ?? '/'),
        status: result.statusCode,
        durationMs: now() - started,
        sourceIp: request.socket.remoteAddress ?? '',
        userAgent: request.headers['user-agent'],
        responseLength: Buffer.byteLength(result.body ?? ''),
        keyPrefix: keyPrefixOf(request.headers.authorization),
        startedAt: started,
        trace,
      });
    };
    handle(options, request, requestId, trace).then(finish, (error: unknown) => {
      options.onError?.('gateway failure', error);
      finish(gatewayResultOf('DEFAULT_5XX', 500, trace));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  return {
    url: `http://${listen.host}:${port}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function handle(
  options: GatewayOptions,
  request: IncomingMessage,
  requestId: string,
  trace: GatewayTrace,
): Promise<APIGatewayProxyResult> {
  const gatewayResult = (type: GatewayResponseType, statusOverride?: number) =>
    gatewayResultOf(type, statusOverride, trace);
  const body = await readBody(request, MAX_PAYLOAD_BYTES, MAX_DISCARD_BYTES);
  if (body === 'too-large') {
    // Answered once the body is read (or the discard bound reached), then the connection is closed.
    const refused = gatewayResult('REQUEST_TOO_LARGE');
    return { ...refused, headers: { ...refused.headers, connection: 'close' } };
  }
  // Only origin-form targets (`/path?query`) route: `//host/path` is not read as a host and a path.
  const target = request.url ?? '/';
  if (!target.startsWith('/') || target.startsWith('//')) {
    return gatewayResult('MISSING_AUTHENTICATION_TOKEN');
  }
  const url = new URL(target, 'http://gateway');
  const method = (request.method ?? 'GET').toUpperCase();
  if (method === 'GET' && url.pathname === '/openapi.json' && options.openApiJson !== undefined) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: options.openApiJson };
  }
  if (options.dashboard && isDashboardPath(url.pathname)) {
    return dashboardResponse(options.dashboard, method, url.pathname);
  }
  const token = options.unsubscribePages ? unsubscribeTokenOfPath(url.pathname) : undefined;
  if (options.unsubscribePages && token !== undefined && (method === 'GET' || method === 'POST')) {
    trace.resourcePath = UNSUBSCRIBE_PATH;
    const page = { route: { method, path: UNSUBSCRIBE_PATH }, pathParameters: { token } };
    const common = requestShape(request, url, page, request.socket.remoteAddress ?? '', requestId);
    const pageBody = body.length === 0 ? null : body.toString('utf8');
    return options.unsubscribePages({ ...common, body: pageBody, isBase64Encoded: false });
  }
  const match = matchRoute(ROUTES, method, url.pathname);
  if (!match) return gatewayResult('MISSING_AUTHENTICATION_TOKEN');
  trace.resourcePath = match.route.path;

  const common = requestShape(request, url, match, request.socket.remoteAddress ?? '', requestId);
  // API Gateway checks the identity source (the Authorization header) before calling the authorizer.
  if (!common.headers.authorization) return gatewayResult('UNAUTHORIZED');

  const methodArn = `${ARN_BASE}/${method}${url.pathname}`;
  let decision: APIGatewayAuthorizerResult;
  try {
    decision = await options.authorizer({
      type: 'REQUEST',
      methodArn,
      ...common,
      requestContext: { ...common.requestContext, authorizer: undefined },
    });
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return gatewayResult('UNAUTHORIZED');
    options.onError?.('authorizer failed', error);
    return gatewayResult('AUTHORIZER_FAILURE');
  }
  // An authorizer answer without a policy is a broken authorizer: AUTHORIZER_FAILURE, like API Gateway.
  if (!Array.isArray(decision?.policyDocument?.Statement) || typeof decision.principalId !== 'string') {
    options.onError?.('authorizer returned no policy', new Error('invalid authorizer result'));
    return gatewayResult('AUTHORIZER_FAILURE');
  }
  trace.principalId = decision.principalId;
  const contextText = (name: string) => {
    const value = decision.context?.[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  if (!policyAllows(decision.policyDocument, methodArn)) {
    trace.errorType = 'ACCESS_DENIED';
    trace.denyCode = contextText('errorCode');
    return accessDenied(decision.context?.errorBody);
  }
  trace.projectId = contextText('projectId');

  const proxyEvent: APIGatewayProxyEvent = {
    ...common,
    body: body.length === 0 ? null : body.toString('utf8'),
    isBase64Encoded: false,
    requestContext: {
      ...common.requestContext,
      authorizer: { ...decision.context, principalId: decision.principalId },
    },
  };
  try {
    return await options.services[match.route.service](proxyEvent);
  } catch (error) {
    // A Lambda proxy integration that throws is a 502 from API Gateway.
    options.onError?.(`${match.route.service} handler failed`, error);
    const result = gatewayResult('DEFAULT_5XX', 502);
    trace.errorType = 'INTEGRATION_FAILURE';
    return result;
  }
}

/** The public prefix of a well-formed key, never the key: safe to log. */
function keyPrefixOf(authorization: string | undefined): string | undefined {
  const presented = bearerToken(authorization);
  for (const environment of KEY_ENVIRONMENTS) {
    const parsed = presented === undefined ? undefined : parseApiKey(presented, environment);
    if (parsed) return keyPrefix(parsed.environment, parsed.keyId);
  }
  return undefined;
}

function requestShape(
  request: IncomingMessage,
  url: URL,
  match: Pick<RouteMatch, 'pathParameters'> & { readonly route: { method: string; path: string } },
  sourceIp: string,
  requestId: string,
) {
  const query = [...url.searchParams.keys()];
  const method = match.route.method;
  const headers = multiValueHeaders(request);
  return {
    resource: match.route.path,
    path: url.pathname,
    httpMethod: method,
    headers: lastValues(headers),
    multiValueHeaders: headers,
    pathParameters: Object.keys(match.pathParameters).length > 0 ? { ...match.pathParameters } : null,
    queryStringParameters: query.length > 0 ? Object.fromEntries(url.searchParams.entries()) : null,
    multiValueQueryStringParameters:
      query.length > 0
        ? Object.fromEntries(query.map((name) => [name, url.searchParams.getAll(name)]))
        : null,
    stageVariables: null,
    requestContext: requestContext({
      method,
      resourcePath: match.route.path,
      path: url.pathname,
      stage: STAGE,
      requestId,
      sourceIp,
      userAgent: request.headers['user-agent'] ?? null,
      accountId: '000000000000',
      apiId: 'scopegate',
      protocol: `HTTP/${request.httpVersion}`,
    }),
  };
}

function gatewayResultOf(
  type: GatewayResponseType,
  statusOverride: number | undefined,
  trace: GatewayTrace,
): APIGatewayProxyResult {
  trace.errorType = type;
  const spec = gatewayResponse(type);
  return {
    statusCode: spec.status ?? statusOverride ?? 500,
    headers: { 'content-type': 'application/json' },
    body: gatewayResponseTemplate(spec),
  };
}

/** ACCESS_DENIED's template is `$context.authorizer.errorBody`: substituted verbatim, empty when absent. */
function accessDenied(errorBody: unknown): APIGatewayProxyResult {
  return {
    statusCode: gatewayResponse('ACCESS_DENIED').status ?? 403,
    headers: { 'content-type': 'application/json' },
    body: typeof errorBody === 'string' ? errorBody : '',
  };
}
