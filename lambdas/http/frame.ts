/**
 * The thin-handler frame shared by every service Lambda: find the route, read the authorizer
 * context, re-check the scope, validate the request with the route's contract, call the domain, map
 * results and errors to HTTP.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { auditAction, isAudited } from './audit-action.js';
import { type AuditCall, type AuditStore, auditEntryOf, putAuditEntry, resourceIdOf } from './audit-log.js';
import type { AuthContext } from '../keys/auth-context.js';
import type { ParsedRequest, ResponseOf, RouteContract } from '../api/contract.js';
import { ApiError, toSurfaceErrorResponse } from '../api/errors.js';
import { describeError } from '../keys/redaction.js';
import {
  claimRoute,
  completeRoute,
  type IdempotencyStore,
  releaseRoute,
  REPLAYED_HEADER,
  replayAnswerOf,
  requestHashOf,
  requestHeadersOf,
  type RouteClaim,
} from './idempotency.js';
import { type RateLimitStore, takeRateToken } from './rate-limiter.js';
import { readAuthContext, requireAccess } from '../keys/read-auth-context.js';
import { findRoute, type RouteIdOf, type Service, type Surface } from '../api/routes.js';
import { replyOf } from './reply.js';
import { refuseUnsupportedFields } from './unsupported-fields.js';
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
  /** Where idempotent routes (`idempotent: true`) keep their keys: required when there is one. */
  readonly idempotency?: IdempotencyStore;
}

export interface Log {
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** What the frame itself needs, whatever the service: where per-key rate limits are counted. */
/**
 * What the frame itself writes, required of every service so that none can be wired without it: the
 * rate-limit windows of limited keys, and the audit entry of every call of a route that is not a GET.
 */
export interface FrameDependencies {
  readonly rateLimits: RateLimitStore;
  readonly audit: AuditStore;
}

/** The frame's stores, all in the Data table. */
export function frameDependencies(store: AuditStore & RateLimitStore): FrameDependencies {
  return { rateLimits: store, audit: store };
}

/**
 * Builds a service's Lambda handler: find the route, read the authorizer context, re-check the
 * scope, validate every part of the request with the route's contract, call the handler, and answer
 * with the contract's status — or the one error module's body, with the request id.
 */
export function createServiceHandler<S extends Service, C extends ServiceContracts<S>>(
  service: S,
  { contracts, handlers, idempotency }: ServiceRoutes<C>,
  log: Log,
  frame: FrameDependencies,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  const contractList: RouteContract[] = Object.values(contracts);
  if (!idempotency && contractList.some((contract) => contract.idempotent)) {
    throw new Error(`the ${service} service has idempotent routes but no idempotency store`);
  }
  // A replay stores the body only: a route whose answer has headers keeps its own claims.
  if (contractList.some((contract) => contract.idempotent && contract.response.headers)) {
    throw new Error(`the ${service} service has an idempotent route with response headers`);
  }
  return async (event) => {
    const trace: AuditTrace = {};
    const result = await answer(event, trace);
    if (trace.call) await recordAudit(frame.audit, trace, result.statusCode, log);
    return result;
  };

  async function answer(event: APIGatewayProxyEvent, trace: AuditTrace): Promise<APIGatewayProxyResult> {
    const requestId = event.requestContext.requestId;
    // Errors answer in the shape of the route's surface (a route not found: /v1's).
    let surface: Surface = 'v1';
    try {
      const route = findRoute(event.httpMethod, event.resource);
      if (!route || route.service !== service) throw new ApiError('not_found');
      surface = route.surface;
      const id = route.id as RouteIdOf<S> & keyof C;
      const contract: RouteContract = contracts[id];
      const handler = handlers[id] as unknown as RouteHandler<RouteContract>;
      const auth = readAuthContext(event.requestContext.authorizer);
      // Before anything else that reads or writes: a refused request costs one conditional write.
      await enforceRateLimit(frame.rateLimits, auth);
      // From here on the caller is known: a mutating call is audited whatever it answers.
      if (isAudited(route)) {
        trace.call = {
          projectId: auth.projectId,
          keyId: auth.keyId,
          action: auditAction(route),
          surface: route.surface,
          sourceIp: event.requestContext.identity.sourceIp,
          requestId,
        };
        trace.params = event.pathParameters ?? undefined;
      }
      requireAccess(auth, route);
      const sentBody = contract.body ? parseJsonBody(event) : undefined;
      // Before validation: a field scopegate cannot honour is named as such, not as an unknown one.
      const rawBody = contract.unsupportedFields
        ? refuseUnsupportedFields(contract.unsupportedFields, sentBody)
        : sentBody;
      let replayed = false;
      const request: ParsedRequest<RouteContract, AuthContext> = {
        auth,
        params: parsePart(contract.params, event.pathParameters ?? {}, 'path'),
        query: parsePart(contract.query, event.queryStringParameters ?? {}, 'query'),
        headers: parsePart(requestHeadersOf(contract), lowerCaseKeys(event.headers ?? {}), 'header'),
        // A route without a body schema ignores whatever a client sent rather than refuse it.
        body: contract.body ? validate(contract.body, rawBody, 'body') : undefined,
        requestId,
        markReplayed: () => {
          replayed = true;
        },
      };
      trace.validParams = request.params;
      const status = contract.response.status;
      const idempotencyKey = contract.idempotent ? request.headers?.['idempotency-key'] : undefined;
      if (!idempotency || typeof idempotencyKey !== 'string') {
        const reply = replyOf(contract, await handler(request));
        trace.body = reply.body;
        return httpResult(status, reply, requestId, replayed);
      }
      // Per calling key: another key of the project makes its own call (and its own checks).
      const claim: RouteClaim = {
        projectId: auth.projectId,
        routeId: route.id,
        keyId: auth.keyId,
        idempotencyKey,
        requestHash: requestHashOf({ params: request.params, query: request.query, body: request.body }),
        owner: requestId,
      };
      const claimed = await claimRoute(idempotency, claim);
      if (!claimed.claimed) {
        trace.body = claimed.body;
        return jsonResult(claimed.status, claimed.body, requestId, true);
      }
      const body = await runClaimed(idempotency, claim, () => handler(request), log);
      trace.body = body;
      // What a replay answers: never a secret (shown in this answer only). The resource exists, so it
      // is answered; a failure to store the replay is only logged (a retry after the 60 s lock then
      // runs the handler again).
      const replay = replayAnswerOf(contract, body);
      await completeRoute(idempotency, claim, replay.status, replay.body).catch((error: unknown) => {
        log.error('the answer of an idempotent request was not stored', {
          error: describeError(error),
          requestId,
        });
      });
      return jsonResult(status, body, requestId);
    } catch (error) {
      const { status, body } = toSurfaceErrorResponse(surface, error, requestId);
      if (status >= 500) log.error('request failed', { error: describeError(error), requestId });
      const result = jsonResult(status, body, requestId);
      if (error instanceof ApiError && error.retryAfterSeconds !== undefined) {
        result.headers = { ...result.headers, 'retry-after': String(error.retryAfterSeconds) };
      }
      return result;
    }
  }
}

/** What the audit entry of a call needs, filled in as the frame learns it. */
interface AuditTrace {
  call?: Omit<AuditCall, 'status' | 'resourceId'>;
  /** The path parameters as sent: recorded only as their public prefix when shaped like a key. */
  params?: Readonly<Record<string, string | undefined>> | undefined;
  /** The path parameters the route's contract accepted (absent when they were refused). */
  validParams?: Readonly<Record<string, unknown>> | undefined;
  body?: unknown;
}

/**
 * After the answer is decided and before it is returned (a Lambda may be frozen as soon as it
 * returns). A failed write does not change the answer — the change it records has happened — and is
 * logged with the whole entry, so the record is not lost (docs/decisions/0021-usage-and-audit-log.md).
 */
async function recordAudit(store: AuditStore, trace: AuditTrace, status: number, log: Log): Promise<void> {
  if (!trace.call) return;
  const entry = auditEntryOf({ ...trace.call, status, resourceId: resourceIdOf(trace) }, store.now());
  try {
    await putAuditEntry(store, entry);
  } catch (error) {
    log.error('an audit entry was not written', { error: describeError(error), auditEntry: entry });
  }
}

/**
 * A key with `rateLimitPerSecond` takes a token from its current window (429 `rate_limited` with
 * `Retry-After` when there is none); a key without one costs no read or write. A counter that cannot
 * be written answers 503: a limit is never waved through because DynamoDB did not answer.
 */
async function enforceRateLimit(store: RateLimitStore, auth: AuthContext): Promise<void> {
  if (auth.rateLimitPerSecond === undefined) return;
  let decision;
  try {
    decision = await takeRateToken(store, auth.keyId, auth.rateLimitPerSecond);
  } catch (error) {
    throw new ApiError('upstream_unavailable', {
      message: `The rate limit could not be checked (${describeError(error).name}). Retry shortly.`,
    });
  }
  if (!decision.admitted) {
    throw new ApiError('rate_limited', {
      message: `This API key is limited to ${auth.rateLimitPerSecond} requests per second.`,
      retryAfterSeconds: decision.retryAfterSeconds,
    });
  }
}

/** Runs the handler under a claim; if it throws, the key is given back and the error answered. */
async function runClaimed<T>(
  store: IdempotencyStore,
  claim: RouteClaim,
  run: () => Promise<T>,
  log: Log,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    await releaseRoute(store, claim).catch((releaseError: unknown) => {
      log.error('an idempotency key was not released', {
        error: describeError(releaseError),
        requestId: claim.owner,
      });
    });
    throw error;
  }
}

function parsePart(
  schema: RouteContract['params'],
  value: unknown,
  part: RequestPart,
): Record<string, unknown> | undefined {
  return schema ? validate(schema, value, part) : undefined;
}

export function jsonResult(
  status: number,
  body: unknown,
  requestId: string,
  replayed = false,
): APIGatewayProxyResult {
  return httpResult(status, { body, headers: {} }, requestId, replayed);
}

/** A JSON answer, or an empty one (no body, no content type) when the reply has none. */
function httpResult(
  status: number,
  reply: ReturnType<typeof replyOf>,
  requestId: string,
  replayed = false,
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      ...reply.headers,
      ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }),
      'x-request-id': requestId,
      ...(replayed ? { [REPLAYED_HEADER]: 'true' } : {}),
    },
    body: reply.body === undefined ? '' : JSON.stringify(reply.body),
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
