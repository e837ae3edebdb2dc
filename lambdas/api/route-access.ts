/**
 * Whether a key may call a route: the one rule the authorizer, the cached policy and every
 * handler's defence-in-depth check share. Pure, so it is tested over every route and key shape.
 */
import type { RouteRequirement } from './routes.js';
import type { KeyType, Permission, Scope } from './scopes.js';

/**
 * Which of the key's secrets the request presented: its `current` one, or the `previous` one that a
 * rotation replaced and that still works until the rotation's grace period ends.
 */
export const SECRETS_USED = ['current', 'previous'] as const;
export type SecretUsed = (typeof SECRETS_USED)[number];

export interface KeyStanding {
  readonly type: KeyType;
  readonly permission: Permission;
  /** The scopes the key actually holds (`effectiveScopes`). */
  readonly scopes: readonly Scope[];
  readonly secret: SecretUsed;
}

/**
 * Said instead of the generic insufficient_scope message when the previous secret calls a permission
 * route: the 403 is about the secret, not about what the key holds.
 */
export const PREVIOUS_SECRET_MESSAGE =
  "This is the API key's previous secret, which works during a rotation's grace period on scope " +
  'routes only: it cannot manage API keys or read the audit log. Use the secret the rotation returned.';

export function mayCall(route: RouteRequirement, key: KeyStanding): boolean {
  if (route.scope !== undefined) return key.scopes.includes(route.scope);
  // A permission route: only a general key with that very permission, presenting its current secret.
  // A billing key whose item says `full_access` holds the billing scopes, never key management; the
  // secret a rotation replaced may not manage keys, or the leaker it was rotated away from could
  // rotate again and hold the only working secret (docs/architecture.md, "Keys over the API").
  return key.secret === 'current' && key.type === 'general' && key.permission === route.permission;
}

/** The message of the 403 when `mayCall` refuses a route: undefined for the generic one. */
export function refusalMessage(
  route: Pick<RouteRequirement, 'permission'>,
  key: Pick<KeyStanding, 'secret'>,
): string | undefined {
  return route.permission !== undefined && key.secret === 'previous' ? PREVIOUS_SECRET_MESSAGE : undefined;
}
