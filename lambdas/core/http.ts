/**
 * The thin-handler frame shared by every service Lambda: find the route, read the authorizer
 * context, re-check the scope, parse the body, call the domain, map results and errors to HTTP.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import type { AuthContext } from './auth-context.js';
import { ApiError, describeError, toErrorResponse } from './errors.js';
import { readAuthContext, requireScope } from './read-auth-context.js';
import { findRoute, ROUTES, type Route, routeKey, type Service } from './routes.js';

export interface ApiRequest {
  readonly auth: AuthContext;
  readonly route: Route;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body; undefined when there is none. */
  readonly body: unknown;
  readonly requestId: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse>;

export interface Log {
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Builds a service's Lambda handler; every route the table gives the service must have a handler. */
export function createServiceHandler(
  service: Service,
  handlers: Readonly<Record<string, RouteHandler>>,
  log: Log,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  const missing = ROUTES.filter(
    (route) => route.service === service && !handlers[routeKey(route.method, route.path)],
  );
  if (missing.length > 0)
    throw new Error(`No handler for ${missing.map((r) => routeKey(r.method, r.path)).join(', ')}`);

  return async (event) => {
    try {
      const route = findRoute(event.httpMethod, event.resource);
      const handler =
        route && route.service === service ? handlers[routeKey(route.method, route.path)] : undefined;
      if (!route || !handler) throw new ApiError('not_found');
      const auth = readAuthContext(event.requestContext.authorizer);
      requireScope(auth, route.scope);
      const response = await handler({
        auth,
        route,
        pathParameters: event.pathParameters ?? {},
        query: event.queryStringParameters ?? {},
        headers: lowerCaseKeys(event.headers ?? {}),
        // A GET never has a meaningful body: ignore whatever a client sent rather than refuse it.
        body: route.method === 'GET' ? undefined : parseJsonBody(event),
        requestId: event.requestContext.requestId,
      });
      return jsonResult(response.status, response.body);
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      if (status >= 500)
        log.error('request failed', {
          error: describeError(error),
          requestId: event.requestContext.requestId,
        });
      return jsonResult(status, body);
    }
  };
}

export function jsonResult(status: number, body: unknown): APIGatewayProxyResult {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Validates with zod; failures become a 400 listing every problem by path. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError('validation_error', {
    message: 'The request is invalid.',
    errors: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  });
}

function parseJsonBody(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('validation_error', {
      message: 'The request body is not valid JSON.',
      errors: [{ path: '', message: 'Expected a JSON object' }],
    });
  }
}

function lowerCaseKeys(
  headers: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
