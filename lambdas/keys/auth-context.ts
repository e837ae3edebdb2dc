/**
 * The contract between the authorizer and the handlers: what an Allow puts in
 * `requestContext.authorizer` (strings only: API Gateway refuses arrays and objects there) and what
 * a Deny carries for the ACCESS_DENIED gateway response.
 */
import { type ErrorCode, errorBody } from '../api/errors.js';
import type { KeyRecord } from './key-item.js';
import type { SecretUsed } from '../api/route-access.js';
import type { RoutePermission } from '../api/routes.js';
import type { KEY_TYPES, PERMISSIONS, Scope } from '../api/scopes.js';

export interface AuthContext {
  readonly keyId: string;
  readonly teamId: string;
  readonly projectId: string;
  readonly keyType: (typeof KEY_TYPES)[number];
  readonly permission: (typeof PERMISSIONS)[number];
  readonly scopes: readonly Scope[];
  /** Undefined: any of the project's domains. */
  readonly allowedDomains: readonly string[] | undefined;
  /** Requests per second the key is held to by the handler frame; undefined: no per-key limit. */
  readonly rateLimitPerSecond: number | undefined;
  /** The secret presented: `previous` (a rotation's grace) may call scope routes only. */
  readonly secret: SecretUsed;
}

export function allowContext(
  key: KeyRecord,
  scopes: readonly Scope[],
  secret: SecretUsed,
): Record<string, string> {
  return {
    keyId: key.keyId,
    teamId: key.teamId,
    projectId: key.projectId,
    keyType: key.type,
    permission: key.permission,
    scopes: scopes.join(' '),
    // JSON, not a marker: `null` is any domain, so no value typed into an item can mean "any".
    allowedDomains: JSON.stringify(key.allowedDomains ?? null),
    // '' is no per-key limit; the frame holds a key with one to it (lambdas/http/rate-limit.ts).
    rateLimitPerSecond: key.rateLimitPerSecond === undefined ? '' : String(key.rateLimitPerSecond),
    // The handlers' re-check (lambdas/api/route-access.ts) refuses permission routes to `previous`.
    secret,
    // Rendered for the ACCESS_DENIED gateway response when a cached Allow policy does not cover a route.
    errorBody: insufficientScopeBody(),
  };
}

let renderedInsufficientScope: string | undefined;

/** The same text on every Allow: rendered once, not on every request (it was a third of a decision). */
function insufficientScopeBody(): string {
  renderedInsufficientScope ??= JSON.stringify(errorBody('insufficient_scope'));
  return renderedInsufficientScope;
}

export interface DenyRequirement {
  readonly requiredScope?: Scope | undefined;
  readonly requiredPermission?: RoutePermission | undefined;
  /** Instead of the code's default message (e.g. the previous secret on a permission route). */
  readonly message?: string | undefined;
}

/**
 * The Deny context: the documented fields (message, errorCode, requiredScope), plus the body the
 * gateway response renders verbatim.
 */
export function denyContext(code: ErrorCode, required: DenyRequirement = {}): Record<string, string> {
  const { requiredScope, requiredPermission, message } = required;
  const body = errorBody(code, {
    ...(message ? { message } : {}),
    ...(requiredScope ? { requiredScope } : {}),
    ...(requiredPermission ? { requiredPermission } : {}),
  });
  return {
    message: body.message,
    errorCode: code,
    requiredScope: requiredScope ?? '',
    errorBody: JSON.stringify(body),
  };
}
