import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mayCall,
  PREVIOUS_SECRET_MESSAGE,
  refusalMessage,
  SECRETS_USED,
} from '../../../../lambdas/api/route-access.js';
import { type Route, ROUTES } from '../../../../lambdas/api/routes.js';

const routes: readonly Route[] = ROUTES;
import { KEY_TYPES, PERMISSIONS, SCOPES_BY_KEY_TYPE, type Scope } from '../../../../lambdas/api/scopes.js';

const allScopes = [...SCOPES_BY_KEY_TYPE.general, ...SCOPES_BY_KEY_TYPE.billing];
const standing = fc.record({
  type: fc.constantFrom(...KEY_TYPES),
  permission: fc.constantFrom(...PERMISSIONS),
  scopes: fc.subarray(allScopes),
  secret: fc.constantFrom(...SECRETS_USED),
});

describe('mayCall', () => {
  it('a scope route: exactly when the key holds the scope, whatever its permission or secret', () => {
    fc.assert(
      fc.property(standing, fc.constantFrom(...allScopes), (key, scope: Scope) => {
        expect(mayCall({ scope }, key)).toBe(key.scopes.includes(scope));
      }),
    );
  });

  it('a full_access route: exactly a general full_access key presenting its current secret', () => {
    fc.assert(
      fc.property(standing, (key) => {
        expect(mayCall({ permission: 'full_access' }, key)).toBe(
          key.type === 'general' && key.permission === 'full_access' && key.secret === 'current',
        );
      }),
    );
  });

  it('the previous secret may call exactly what the current one may, minus every permission route', () => {
    fc.assert(
      fc.property(standing, fc.constantFrom(...routes), (key, route) => {
        const previous = mayCall(route, { ...key, secret: 'previous' });
        const current = mayCall(route, { ...key, secret: 'current' });
        expect(previous).toBe(current && route.permission === undefined);
      }),
    );
  });

  it.each([
    [
      'a custom key holding every general scope',
      { type: 'general', permission: 'custom', scopes: SCOPES_BY_KEY_TYPE.general, secret: 'current' },
    ],
    [
      'a billing key whose item says full_access',
      { type: 'billing', permission: 'full_access', scopes: SCOPES_BY_KEY_TYPE.billing, secret: 'current' },
    ],
    ['a sending-only key', { type: 'general', permission: 'sending_only', scopes: [], secret: 'current' }],
    [
      "a full_access key's previous secret during a rotation's grace",
      { type: 'general', permission: 'full_access', scopes: SCOPES_BY_KEY_TYPE.general, secret: 'previous' },
    ],
  ] as const)('refuses key management to %s', (_case, key) => {
    expect(mayCall({ permission: 'full_access' }, key)).toBe(false);
  });
});

describe('refusalMessage', () => {
  it('names the previous secret on a permission route, and nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...routes), fc.constantFrom(...SECRETS_USED), (route, secret) => {
        expect(refusalMessage(route, { secret })).toBe(
          route.permission !== undefined && secret === 'previous' ? PREVIOUS_SECRET_MESSAGE : undefined,
        );
      }),
    );
  });

  it('says the previous secret cannot manage keys', () => {
    expect(PREVIOUS_SECRET_MESSAGE).toMatch(/previous secret/);
    expect(PREVIOUS_SECRET_MESSAGE).toMatch(/cannot manage API keys/);
  });
});
