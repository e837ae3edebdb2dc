/**
 * Whether the pasted key may call a route, by the server's own rule (lambdas/api/route-access.ts) over
 * the route table: the pages offer only what the key can do. Fail closed: a key whose own record
 * could not be read (any key but a full_access one may not read it) is offered no write.
 */
import { mayCall } from '../../lambdas/api/route-access';
import { ROUTES, type RouteId } from '../../lambdas/api/routes';
import { effectiveScopes, isPermission, isScopeOf, type Scope } from '../../lambdas/api/scopes';
import type { Schemas } from './api';

export function allows(own: Schemas['ApiKey'] | undefined, routeId: RouteId): boolean {
  const route = ROUTES.find((entry) => entry.id === routeId);
  if (own === undefined || route === undefined || !isPermission(own.permission)) return false;
  // As the authorizer resolves them: a preset's scopes, or a custom key's own of its type.
  const listed = own.scopes.filter((scope): scope is Scope => isScopeOf(own.type, scope));
  const scopes = effectiveScopes(own.type, own.permission, listed);
  // The record was read with the key's current secret: the API refuses the previous one on that route.
  return mayCall(route, { type: own.type, permission: own.permission, scopes, secret: 'current' });
}
