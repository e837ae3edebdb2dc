/**
 * The authorizer's decision (docs/architecture.md, "The authorizer"), as a pure function with its key lookup injected:
 * early returns in a fixed order, returning a discriminated union. The adapter that turns this into
 * an IAM policy lives with the authorizer handler.
 */
import { bearerToken, type KeyEnvironment, keyHashMatches, parseApiKey } from './api-key.js';
import { isIpAllowed } from './ip-allowlist.js';
import { type KeyRecord, readKeyItem } from './key-item.js';
import { mayCall, type SecretUsed } from '../api/route-access.js';
import type { Route, RoutePermission } from '../api/routes.js';
import { effectiveScopes, type Scope } from '../api/scopes.js';

export interface VerifyRequest {
  /** The raw `Authorization` header value. */
  readonly authorization: string | undefined;
  /** API Gateway's `requestContext.identity.sourceIp` — never a client-supplied header. */
  readonly sourceIp: string;
  /** The route being called, or undefined when the route table does not know it. */
  readonly route: Route | undefined;
}

export interface VerifyDependencies {
  readonly environment: KeyEnvironment;
  /** Strongly consistent lookup by key id; undefined when absent. Errors propagate (fail closed). */
  readonly getKeyItem: (keyId: string) => Promise<Readonly<Record<string, unknown>> | undefined>;
  readonly now: () => Date;
  /** Told about hand-edited items that were read leniently or failed closed. Never given secrets. */
  readonly onItemWarning?: (keyId: string, message: string) => void;
}

export type DenyCode =
  'invalid_api_key' | 'key_revoked' | 'key_expired' | 'ip_not_allowed' | 'insufficient_scope';

export type Verification =
  | {
      readonly ok: false;
      readonly code: 'invalid_api_key';
      readonly keyId: string | undefined;
      readonly reason: string;
    }
  | {
      readonly ok: false;
      readonly code: 'key_revoked' | 'key_expired' | 'ip_not_allowed';
      readonly key: KeyRecord;
    }
  | {
      readonly ok: false;
      readonly code: 'insufficient_scope';
      readonly key: KeyRecord;
      readonly requiredScope: Scope | undefined;
      /** Set instead of `requiredScope` on routes that need a key permission rather than a scope. */
      readonly requiredPermission?: RoutePermission | undefined;
      /** What the key does hold: a cached policy covers those routes instead. */
      readonly scopes: readonly Scope[];
      readonly secret: SecretUsed;
    }
  | {
      readonly ok: true;
      readonly key: KeyRecord;
      readonly scopes: readonly Scope[];
      /** Which secret was presented: the previous one (during a rotation's grace) calls scope routes only. */
      readonly secret: SecretUsed;
    };

export async function verifyKey(request: VerifyRequest, deps: VerifyDependencies): Promise<Verification> {
  const presented = bearerToken(request.authorization);
  if (presented === undefined) return invalid(undefined, 'missing or malformed Authorization header');
  const parsed = parseApiKey(presented, deps.environment);
  if (!parsed) return invalid(undefined, 'malformed key or bad checksum');

  const item = await deps.getKeyItem(parsed.keyId);
  if (!item) return invalid(parsed.keyId, 'unknown key id');
  const reading = readKeyItem(item);
  if (!reading.ok) {
    for (const problem of reading.problems) deps.onItemWarning?.(parsed.keyId, problem);
    return invalid(parsed.keyId, 'malformed key item');
  }
  for (const warning of reading.warnings) deps.onItemWarning?.(parsed.keyId, warning);
  const key = reading.record;
  const secret = key.keyId === parsed.keyId ? secretMatching(presented, key, deps.now()) : undefined;
  if (secret === undefined) return invalid(parsed.keyId, 'secret does not match');

  if (key.revokedAt !== undefined) return { ok: false, code: 'key_revoked', key };
  if (key.expiresAt === 'invalid' || (key.expiresAt && key.expiresAt.getTime() <= deps.now().getTime())) {
    return { ok: false, code: 'key_expired', key };
  }
  if (!key.allowedIps.ok || !isIpAllowed(key.allowedIps.ranges, request.sourceIp)) {
    return { ok: false, code: 'ip_not_allowed', key };
  }

  const scopes = effectiveScopes(key.type, key.permission, key.scopes);
  const route = request.route;
  if (
    route === undefined ||
    !mayCall(route, { type: key.type, permission: key.permission, scopes, secret })
  ) {
    return {
      ok: false,
      code: 'insufficient_scope',
      key,
      requiredScope: route?.scope,
      requiredPermission: route?.permission,
      scopes,
      secret,
    };
  }
  return { ok: true, key, scopes, secret };
}

/**
 * The current secret, or the one it replaced while the rotation's grace lasts; undefined for neither.
 * Both hashes are compared (each in constant time) whichever matches, so the answer's timing does not
 * say which.
 */
function secretMatching(presented: string, key: KeyRecord, now: Date): SecretUsed | undefined {
  const current = keyHashMatches(presented, key.keyHash);
  if (key.previous === undefined) return current ? 'current' : undefined;
  const previous = keyHashMatches(presented, key.previous.keyHash);
  if (current) return 'current';
  return previous && now.getTime() < key.previous.expiresAt.getTime() ? 'previous' : undefined;
}

function invalid(keyId: string | undefined, reason: string): Verification {
  return { ok: false, code: 'invalid_api_key', keyId, reason };
}
