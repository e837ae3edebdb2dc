/**
 * The contract between the authorizer and the handlers: what an Allow puts in
 * `requestContext.authorizer` (strings only: API Gateway refuses arrays and objects there) and what
 * a Deny carries for the ACCESS_DENIED gateway response.
 */
import { z } from 'zod';
import { ApiError, type ErrorCode, errorBody } from './errors.js';
import type { KeyRecord } from './key-item.js';
import { KEY_TYPES, PERMISSIONS, type Scope } from './scopes.js';

export interface AuthContext {
  readonly keyId: string;
  readonly teamId: string;
  readonly projectId: string;
  readonly keyType: (typeof KEY_TYPES)[number];
  readonly permission: (typeof PERMISSIONS)[number];
  readonly scopes: readonly Scope[];
  /** Undefined: any of the project's domains. */
  readonly allowedDomains: readonly string[] | undefined;
}

export function allowContext(key: KeyRecord, scopes: readonly Scope[]): Record<string, string> {
  return {
    keyId: key.keyId,
    teamId: key.teamId,
    projectId: key.projectId,
    keyType: key.type,
    permission: key.permission,
    scopes: scopes.join(' '),
    allowedDomains: key.allowedDomains === undefined ? '*' : key.allowedDomains.join(','),
    // Rendered for the ACCESS_DENIED gateway response when a cached Allow policy does not cover a route.
    errorBody: JSON.stringify(errorBody('insufficient_scope')),
  };
}

/** The Deny context: the fields DESIGN.md §4 names, plus the body the gateway response renders verbatim. */
export function denyContext(code: ErrorCode, requiredScope?: Scope): Record<string, string> {
  const body = errorBody(code, requiredScope ? { requiredScope } : {});
  return {
    message: body.message,
    errorCode: code,
    requiredScope: requiredScope ?? '',
    errorBody: JSON.stringify(body),
  };
}

const authContextSchema = z.object({
  keyId: z.string().min(1),
  teamId: z.string().min(1),
  projectId: z.string().min(1),
  keyType: z.enum(KEY_TYPES),
  permission: z.enum(PERMISSIONS),
  scopes: z.string(),
  allowedDomains: z.string(),
});

/** Reads the authorizer context; anything missing or odd fails closed as an invalid key. */
export function readAuthContext(raw: unknown): AuthContext {
  const parsed = authContextSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError('invalid_api_key');
  const { scopes, allowedDomains, ...rest } = parsed.data;
  return {
    ...rest,
    scopes: scopes.split(' ').filter((scope) => scope !== '') as Scope[],
    allowedDomains: allowedDomains === '*' ? undefined : allowedDomains.split(',').filter((domain) => domain !== ''),
  };
}

/** Defence in depth: every handler re-checks the scope its route requires. */
export function requireScope(context: AuthContext, scope: Scope): void {
  if (!context.scopes.includes(scope)) throw new ApiError('insufficient_scope', { requiredScope: scope });
}
