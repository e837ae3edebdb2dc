import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayCall } from '../../lambdas/core/route-access.js';
import { KEY_TYPES, PERMISSIONS, SCOPES_BY_KEY_TYPE, type Scope } from '../../lambdas/core/scopes.js';

const allScopes = [...SCOPES_BY_KEY_TYPE.general, ...SCOPES_BY_KEY_TYPE.billing];
const standing = fc.record({
  type: fc.constantFrom(...KEY_TYPES),
  permission: fc.constantFrom(...PERMISSIONS),
  scopes: fc.subarray(allScopes),
});

describe('mayCall', () => {
  it('a scope route: exactly when the key holds the scope, whatever its permission', () => {
    fc.assert(
      fc.property(standing, fc.constantFrom(...allScopes), (key, scope: Scope) => {
        expect(mayCall({ scope }, key)).toBe(key.scopes.includes(scope));
      }),
    );
  });

  it('a full_access route: exactly a general key whose permission is full_access, whatever its scopes', () => {
    fc.assert(
      fc.property(standing, (key) => {
        expect(mayCall({ permission: 'full_access' }, key)).toBe(
          key.type === 'general' && key.permission === 'full_access',
        );
      }),
    );
  });

  it.each([
    [
      'a custom key holding every general scope',
      { type: 'general', permission: 'custom', scopes: SCOPES_BY_KEY_TYPE.general },
    ],
    [
      'a billing key whose item says full_access',
      { type: 'billing', permission: 'full_access', scopes: SCOPES_BY_KEY_TYPE.billing },
    ],
    ['a sending-only key', { type: 'general', permission: 'sending_only', scopes: [] }],
  ] as const)('refuses key management to %s', (_case, key) => {
    expect(mayCall({ permission: 'full_access' }, key)).toBe(false);
  });
});
