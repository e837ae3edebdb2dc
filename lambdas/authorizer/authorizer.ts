/**
 * The REQUEST authorizer, with its dependencies injected so tests can hand it a DynamoDB Local
 * client, a mocked one for fault injection, or a fixed clock.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { KeyEnvironment } from '../core/api-key.js';
import { describeError } from '../core/errors.js';
import { findRoute } from '../core/routes.js';
import { type Verification, verifyKey } from '../core/verify-key.js';
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
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const route = findRoute(event.httpMethod, event.resource);
    const authorization = singleHeader(event, 'authorization');
    let verification: Verification;
    try {
      verification = await verifyKey(
        { authorization, sourceIp: event.requestContext.identity.sourceIp, route },
        {
          environment: options.environment,
          getKeyItem: options.getKeyItem,
          now: options.now ?? (() => new Date()),
          onItemWarning: (keyId, message) =>
            // Not `message`: Powertools Logger reserves that key and would drop it.
            log.warn('key item read leniently or failed closed', { keyId, problem: message }),
        },
      );
    } catch (error) {
      // Fail closed: a store error, timeout or throttle never allows.
      log.error('key lookup failed', {
        error: describeError(error),
        route: `${event.httpMethod} ${event.resource}`,
      });
      throw new AuthorizerUnavailableError();
    }
    log.info('authorization decided', {
      keyId: 'key' in verification ? verification.key.keyId : verification.keyId,
      decision: verification.ok ? 'allow' : 'deny',
      reason: verification.ok ? 'ok' : verification.code,
      ...(!verification.ok && 'reason' in verification ? { detail: verification.reason } : {}),
      route: `${event.httpMethod} ${event.resource}`,
      sourceIp: event.requestContext.identity.sourceIp,
    });
    return toAuthorizerResult(verification, event.methodArn, {
      coverAllRoutes: options.coverAllRoutes ?? false,
    });
  };
}

/**
 * Header lookup, case-insensitive. Two Authorization headers are ambiguous and count as none, also
 * when they differ only in the case of their names (`Authorization` and `authorization`).
 */
function singleHeader(event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined {
  const named = <T>(headers: Record<string, T> | null | undefined): T[] =>
    Object.entries(headers ?? {})
      .filter(([key]) => key.toLowerCase() === name)
      .map(([, value]) => value);
  const multi = named(event.multiValueHeaders).flatMap((values) => values ?? []);
  const single = named(event.headers).filter((value): value is string => value !== undefined);
  if (multi.length > 1 || single.length > 1) return undefined;
  return single[0];
}

export { UnauthorizedError };
