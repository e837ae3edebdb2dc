/**
 * The REQUEST authorizer, with its dependencies injected so tests can hand it a DynamoDB Local
 * client, a mocked one for fault injection, or a fixed clock.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { KeyEnvironment } from '../keys/api-key.js';
import { describeError } from '../keys/redaction.js';
import { findRoute } from '../api/routes.js';
import { type Verification, verifyKey } from '../keys/verify-key.js';
import { toAuthorizerResult, UnauthorizedError } from './policy.js';

export interface AuthorizerLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface AuthorizerOptions {
  readonly environment: KeyEnvironment;
  readonly getKeyItem: (keyId: string) => Promise<Readonly<Record<string, unknown>> | undefined>;
  readonly log: AuthorizerLog;
  readonly now?: () => Date;
  readonly coverAllRoutes?: boolean;
}

/** Thrown for every dependency failure; API Gateway maps it to AUTHORIZER_FAILURE (503 here). */
export class AuthorizerUnavailableError extends Error {
  constructor() {
    super('Authorizer unavailable');
    this.name = 'AuthorizerUnavailableError';
  }
}

export function createAuthorizer(options: AuthorizerOptions) {
  const { log } = options;
  // Built once, not per request: the authorizer runs in front of every call.
  const dependencies = {
    environment: options.environment,
    getKeyItem: options.getKeyItem,
    now: options.now ?? (() => new Date()),
    onItemWarning: (keyId: string, message: string) =>
      // Not `message`: Powertools Logger reserves that key and would drop it.
      log.warn('key item read leniently or failed closed', { keyId, problem: message }),
  };
  const policyOptions = { coverAllRoutes: options.coverAllRoutes ?? false };
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const route = findRoute(event.httpMethod, event.resource);
    const authorization = singleHeader(event, 'authorization');
    let verification: Verification;
    try {
      verification = await verifyKey(
        { authorization, sourceIp: event.requestContext.identity.sourceIp, route },
        dependencies,
      );
    } catch (error) {
      // Fail closed: a store error, timeout or throttle never allows.
      log.error('key lookup failed', {
        error: describeError(error),
        route: `${event.httpMethod} ${event.resource}`,
      });
      throw new AuthorizerUnavailableError();
    }
    log.info('authorization decided', decisionLog(verification, event));
    return toAuthorizerResult(verification, event.methodArn, policyOptions);
  };
}

/** The decision's log line: ids, outcome and reason, never the key, its secret or its hash. */
function decisionLog(
  verification: Verification,
  event: APIGatewayRequestAuthorizerEvent,
): Record<string, unknown> {
  const line: Record<string, unknown> = {
    keyId: 'key' in verification ? verification.key.keyId : verification.keyId,
    decision: verification.ok ? 'allow' : 'deny',
    reason: verification.ok ? 'ok' : verification.code,
  };
  if (!verification.ok && 'reason' in verification) line.detail = verification.reason;
  // Which secret, never the secret: a rotated-away secret still in use is what an owner looks for.
  if ('secret' in verification) line.secret = verification.secret;
  line.route = `${event.httpMethod} ${event.resource}`;
  line.sourceIp = event.requestContext.identity.sourceIp;
  return line;
}

/**
 * Header lookup, case-insensitive. Two Authorization headers are ambiguous and count as none, also
 * when they differ only in the case of their names (`Authorization` and `authorization`).
 */
function singleHeader(event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined {
  // Plain loops: this runs on every request, and closures per call cost more than the lookup.
  let found: string | undefined;
  let singles = 0;
  const headers = event.headers ?? {};
  for (const key in headers) {
    const value = headers[key];
    if (key.toLowerCase() === name && value !== undefined) {
      singles++;
      found = value;
    }
  }
  let multiples = 0;
  const multiValueHeaders = event.multiValueHeaders ?? {};
  for (const key in multiValueHeaders) {
    if (key.toLowerCase() === name) multiples += multiValueHeaders[key]?.length ?? 0;
  }
  return singles > 1 || multiples > 1 ? undefined : found;
}

export { UnauthorizedError };
