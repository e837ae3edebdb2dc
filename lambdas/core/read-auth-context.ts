/**
 * The handler side of the authorizer contract: reads `requestContext.authorizer` back into an
 * AuthContext. Kept apart from auth-context.ts so the authorizer's bundle does not carry zod.
 */
import { z } from 'zod';
import type { AuthContext } from './auth-context.js';
import { ApiError } from './errors.js';
import { KEY_TYPES, PERMISSIONS, type Scope } from './scopes.js';

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
    allowedDomains:
      allowedDomains === '*' ? undefined : allowedDomains.split(',').filter((domain) => domain !== ''),
  };
}

/** Defence in depth: every handler re-checks the scope its route requires. */
export function requireScope(context: AuthContext, scope: Scope): void {
  if (!context.scopes.includes(scope)) throw new ApiError('insufficient_scope', { requiredScope: scope });
}
