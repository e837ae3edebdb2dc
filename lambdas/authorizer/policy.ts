/**
 * Turns a Verification into what API Gateway expects from a REQUEST authorizer: an Allow policy with
 * the handlers' context, a Deny policy with the error context, or the `Unauthorized` error that API
 * Gateway maps to its UNAUTHORIZED (401) gateway response.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { allowContext, denyContext } from '../keys/auth-context.js';
import { ROUTES } from '../api/routes.js';
import type { KeyRecord } from '../keys/key-item.js';
import { mayCall, refusalMessage, type SecretUsed } from '../api/route-access.js';
import type { Scope } from '../api/scopes.js';
import type { Verification } from '../keys/verify-key.js';

export class UnauthorizedError extends Error {
  constructor() {
    // API Gateway recognises exactly this message.
    super('Unauthorized');
    this.name = 'UnauthorizedError';
  }
}

export interface PolicyOptions {
  /**
   * When the authorizer result is cached, the policy must cover every route the key may call,
   * because the cached policy is reused for other routes.
   */
  readonly coverAllRoutes: boolean;
}

export function toAuthorizerResult(
  verification: Verification,
  methodArn: string,
  options: PolicyOptions,
): APIGatewayAuthorizerResult {
  if (!verification.ok && verification.code === 'invalid_api_key') throw new UnauthorizedError();
  const principalId = verification.key.keyId;
  if (!verification.ok && verification.code === 'insufficient_scope' && options.coverAllRoutes) {
    // A cached Deny for this route would be reused for every route of the key until the TTL ends;
    // cache what the key may call instead (the route called is not covered, so it is still denied,
    // and the Allow context carries the insufficient_scope body for ACCESS_DENIED).
    // The cache key holds the Authorization header, so a previous secret's policy is its own entry and
    // leaves out the permission routes (mayCall refuses them to that secret).
    const { key, scopes, secret } = verification;
    const resources = routeArns(methodArn, key, scopes, secret);
    if (resources.length > 0) {
      return {
        principalId,
        policyDocument: policy('Allow', resources),
        context: allowContext(key, scopes, secret),
      };
    }
    // A key that may call nothing: the cached Deny is reused for every route, so it names none.
    return {
      principalId,
      policyDocument: policy('Deny', [methodArn]),
      context: denyContext('insufficient_scope'),
    };
  }
  if (!verification.ok) {
    const required =
      verification.code === 'insufficient_scope'
        ? {
            requiredScope: verification.requiredScope,
            requiredPermission: verification.requiredPermission,
            message: refusalMessage({ permission: verification.requiredPermission }, verification),
          }
        : {};
    return {
      principalId,
      policyDocument: policy('Deny', [methodArn]),
      context: denyContext(verification.code, required),
    };
  }
  const { key, scopes, secret } = verification;
  const resources = options.coverAllRoutes ? routeArns(methodArn, key, scopes, secret) : [methodArn];
  return {
    principalId,
    policyDocument: policy('Allow', resources),
    context: allowContext(key, scopes, secret),
  };
}

/** `arn:aws:execute-api:region:account:apiId/stage/METHOD/path` for every route the key may call. */
export function routeArns(
  methodArn: string,
  key: Pick<KeyRecord, 'type' | 'permission'>,
  scopes: readonly Scope[],
  secret: SecretUsed,
): string[] {
  const [apiPart, stage] = methodArn.split('/');
  const standing = { type: key.type, permission: key.permission, scopes, secret };
  return ROUTES.filter((route) => mayCall(route, standing)).map(
    (route) => `${apiPart}/${stage}/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`,
  );
}

function policy(effect: 'Allow' | 'Deny', resources: string[]): APIGatewayAuthorizerResult['policyDocument'] {
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resources }],
  };
}
