/**
 * A local stand-in for API Gateway's REST API: the same route table, the same REQUEST authorizer
 * event, the same proxy event with `requestContext.authorizer`, the same policy semantics and the same
 * gateway responses. The source IP is the TCP peer; no client header is ever trusted for it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import {
  type GatewayResponseType,
  gatewayResponse,
  gatewayResponseTemplate,
} from '../lambdas/core/gateway-responses.js';
import { matchRoute, ROUTES, type RouteMatch, type Service } from '../lambdas/core/routes.js';
import { lastValues, multiValueHeaders, readBody, send } from './node-http.js';
import { policyAllows } from './policy-evaluator.js';
import { requestContext } from './request-context.js';

/** API Gateway's maximum payload size. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const STAGE = 'local';
const ARN_BASE = `arn:aws:execute-api:local:000000000000:scopegate/${STAGE}`;

export type AuthorizerFunction = (
  event: APIGatewayRequestAuthorizerEvent,
) => Promise<APIGatewayAuthorizerResult>;
export type ProxyFunction = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface GatewayOptions {
  readonly authorizer: AuthorizerFunction;
  readonly services: Readonly<Record<Service, ProxyFunction>>;
  readonly onError?: (message: string, error: unknown) => void;
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
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      options.onError?.('gateway failure', error);
      send(response, gatewayResult('DEFAULT_5XX', 500));
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
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request, MAX_PAYLOAD_BYTES);
  if (body === 'too-large') return send(response, gatewayResult('REQUEST_TOO_LARGE'));
  // Only origin-form targets (`/path?query`) route: `//host/path` is not read as a host and a path.
  const target = request.url ?? '/';
  if (!target.startsWith('/') || target.startsWith('//')) {
    return send(response, gatewayResult('MISSING_AUTHENTICATION_TOKEN'));
  }
  const url = new URL(target, 'http://gateway');
  const method = (request.method ?? 'GET').toUpperCase();
  const match = matchRoute(ROUTES, method, url.pathname);
  if (!match) return send(response, gatewayResult('MISSING_AUTHENTICATION_TOKEN'));

  const common = requestShape(request, url, match, request.socket.remoteAddress ?? '', randomUUID());
  // API Gateway checks the identity source (the Authorization header) before calling the authorizer.
  if (!common.headers.authorization) return send(response, gatewayResult('UNAUTHORIZED'));

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
    if (error instanceof Error && error.message === 'Unauthorized')
      return send(response, gatewayResult('UNAUTHORIZED'));
    options.onError?.('authorizer failed', error);
    return send(response, gatewayResult('AUTHORIZER_FAILURE'));
  }
  // An authorizer answer without a policy is a broken authorizer: AUTHORIZER_FAILURE, like API Gateway.
  if (!Array.isArray(decision?.policyDocument?.Statement) || typeof decision.principalId !== 'string') {
    options.onError?.('authorizer returned no policy', new Error('invalid authorizer result'));
    return send(response, gatewayResult('AUTHORIZER_FAILURE'));
  }
  if (!policyAllows(decision.policyDocument, methodArn)) {
    return send(response, accessDenied(decision.context?.errorBody));
  }

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
    const result = await options.services[match.route.service](proxyEvent);
    send(response, result);
  } catch (error) {
    // A Lambda proxy integration that throws is a 502 from API Gateway.
    options.onError?.(`${match.route.service} handler failed`, error);
    send(response, gatewayResult('DEFAULT_5XX', 502));
  }
}

function requestShape(
  request: IncomingMessage,
  url: URL,
  match: RouteMatch,
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

function gatewayResult(type: GatewayResponseType, statusOverride?: number): APIGatewayProxyResult {
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
