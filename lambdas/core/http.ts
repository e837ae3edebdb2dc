/**
 * The thin-handler frame shared by every service Lambda: find the route, read the authorizer
 * context, re-check the scope, validate the request with the route's contract, call the domain, map
 * results and errors to HTTP.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AuthContext } from './auth-context.js';
import type { ParsedRequest, ResponseOf, RouteContract } from './contract.js';
import { ApiError, describeError, toErrorResponse } from './errors.js';
import { readAuthContext, requireScope } from './read-auth-context.js';
import { findRoute, type RouteIdOf, type Service } from './routes.js';
import { type RequestPart, validate } from './validation.js';

/** A handler: the request its contract parsed in, a body of its contract's response shape out. */
export type RouteHandler<C extends RouteContract> = (
  request: ParsedRequest<C, AuthContext>,
) => Promise<ResponseOf<C>>;

/** One contract per route of the service: the compiler refuses a missing or an extra one. */
export type ServiceContracts<S extends Service> = Readonly<Record<RouteIdOf<S>, RouteContract>>;

export type ServiceHandlers<C extends Readonly<Record<string, RouteContract>>> = {
  readonly [Id in keyof C]: RouteHandler<C[Id]>;
};

/** A service's routes: their contracts and, for each, its handler. */
export interface ServiceRoutes<C extends Readonly<Record<string, RouteContract>>> {
  readonly contracts: C;
  readonly handlers: ServiceHandlers<C>;
}

export interface Log {
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/**
 * Builds a service's Lambda handler: find the route, read the authorizer context, re-check the
 * scope, validate every part of the request with the route's contract, call the handler, and answer
 * with the contract's status — or the one error module's body, with the request id.
 */
export function createServiceHandler<S extends Service, C extends ServiceContracts<S>>(
  service: S,
  { contracts, handlers }: ServiceRoutes<C>,
  log: Log,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  return async (event) => {
    const requestId = event.requestContext.requestId;
    try {
      const route = findRoute(event.httpMethod, event.resource);
      if (!route || route.service !== service) throw new ApiError('not_found');
      const id = route.id as RouteIdOf<S> & keyof C;
      const contract: RouteContract = contracts[id];
      const handler = handlers[id] as RouteHandler<RouteContract>;
      const auth = readAuthContext(event.requestContext.authorizer);
      requireScope(auth, route.scope);
      const body = await handler({
        auth,
        params: parsePart(contract.params, event.pathParameters ?? {}, 'path'),
        query: parsePart(contract.query, event.queryStringParameters ?? {}, 'query'),
        headers: parsePart(contract.headers, lowerCaseKeys(event.headers ?? {}), 'header'),
        // A route without a body schema ignores whatever a client sent rather than refuse it.
        body: contract.body ? validate(contract.body, parseJsonBody(event), 'body') : undefined,
        requestId,
      });
      return jsonResult(contract.response.status, body, requestId);
    } catch (error) {
      const { status, body } = toErrorResponse(error, requestId);
      if (status >= 500) log.error('request failed', { error: describeError(error), requestId });
      return jsonResult(status, body, requestId);
    }
  };
}

function parsePart(
  schema: RouteContract['params'],
  value: unknown,
  part: RequestPart,
): Record<string, unknown> | undefined {
  return schema ? validate(schema, value, part) : undefined;
}

export function jsonResult(status: number, body: unknown, requestId: string): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify(body),
  };
}

function parseJsonBody(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('validation_error', {
      message: 'The request body is not valid JSON.',
      errors: [{ path: '', message: 'The request body must be valid JSON.' }],
    });
  }
}

function lowerCaseKeys(
  headers: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
