/**
 * Whether a key may call a route: the one rule the authorizer, the cached policy and every
 * handler's defence-in-depth check share. Pure, so it is tested over every route and key shape.
 */
import type { RouteRequirement } from './routes.js';
import type { KeyType, Permission, Scope } from './scopes.js';

export interface KeyStanding {
  readonly type: KeyType;
  readonly permission: Permission;
  /** The scopes the key actually holds (`effectiveScopes`). */
  readonly scopes: readonly Scope[];
}

export function mayCall(route: RouteRequirement, key: KeyStanding): boolean {
  if (route.scope !== undefined) return key.scopes.includes(route.scope);
  // A permission route: only a general key with that very permission. A billing key whose item says
  // `full_access` holds the billing scopes, never key management.
  return key.type === 'general' && key.permission === route.permission;
}
