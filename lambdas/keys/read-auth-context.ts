/**
 * The handler side of the authorizer contract: reads `requestContext.authorizer` back into an
 * AuthContext. Kept apart from auth-context.ts so the authorizer's bundle does not carry zod.
 */
import * as z from 'zod/mini';
import type { AuthContext } from './auth-context.js';
import { ApiError } from '../api/errors.js';
import { type KeyStanding, mayCall, refusalMessage, SECRETS_USED } from '../api/route-access.js';
import type { RouteRequirement } from '../api/routes.js';
import { KEY_TYPES, PERMISSIONS, type Scope } from '../api/scopes.js';

const authContextSchema = z.object({
  keyId: z.string().check(z.minLength(1)),
  teamId: z.string().check(z.minLength(1)),
  projectId: z.string().check(z.minLength(1)),
  keyType: z.enum(KEY_TYPES),
  permission: z.enum(PERMISSIONS),
  scopes: z.string(),
  // JSON: `null` (any of the project's domains) or a list; anything else fails closed.
  allowedDomains: z.pipe(z.pipe(z.string(), z.transform(parseJson)), z.nullable(z.array(z.string()))),
  // '' (no per-key limit) or whole requests per second; anything else fails closed.
  rateLimitPerSecond: z.pipe(
    z.string().check(z.regex(/^(\d{1,15})?$/)),
    z.transform((text) => (text === '' ? undefined : Number(text))),
  ),
  // Absent or unknown fails closed: no context may leave out which secret was presented.
  secret: z.enum(SECRETS_USED),
});

/** Reads the authorizer context; anything missing or odd fails closed as an invalid key. */
export function readAuthContext(raw: unknown): AuthContext {
  const parsed = authContextSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError('invalid_api_key');
  const { scopes, allowedDomains, ...rest } = parsed.data;
  return {
    ...rest,
    scopes: scopes.split(' ').filter((scope) => scope !== '') as Scope[],
    allowedDomains: allowedDomains ?? undefined,
  };
}

/** Unreadable JSON becomes `undefined`, which the schema then refuses. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Defence in depth: every handler re-checks what its route requires, with the authorizer's rule. */
export function requireAccess(context: AuthContext, route: RouteRequirement): void {
  const standing = standingOf(context);
  if (mayCall(route, standing)) return;
  const message = refusalMessage(route, standing);
  throw new ApiError('insufficient_scope', {
    ...(message ? { message } : {}),
    ...(route.scope ? { requiredScope: route.scope } : {}),
    ...(route.permission ? { requiredPermission: route.permission } : {}),
  });
}

/** What the calling key holds, in the shape `mayCall` reads. */
export function standingOf(context: AuthContext): KeyStanding {
  return {
    type: context.keyType,
    permission: context.permission,
    scopes: context.scopes,
    secret: context.secret,
  };
}
