import { describe, expect, it } from 'vitest';
import type { Schemas } from '../../../../dashboard/src/api.js';
import { allows } from '../../../../dashboard/src/key-access.js';
import { ROUTES } from '../../../../lambdas/api/routes.js';
import { GENERAL_SCOPES } from '../../../../lambdas/api/scopes.js';

const key = (fields: Partial<Schemas['ApiKey']>): Schemas['ApiKey'] =>
  ({ type: 'general', permission: 'custom', scopes: [], ...fields }) as Schemas['ApiKey'];
const broadcastRoutes = ROUTES.filter((route) => route.service === 'broadcasts');

describe('what the pages offer the pasted key', () => {
  it.each(broadcastRoutes.map((route) => [route.id, route.scope]))(
    '%s (%s): offered by scope, never without the key’s record',
    (id, scope) => {
      const reader = key({ scopes: ['broadcasts:read'] });
      expect(allows(reader, id)).toBe(scope === 'broadcasts:read');
      expect(allows(key({ permission: 'full_access', scopes: [] }), id)).toBe(true);
      expect(allows(undefined, id)).toBe(false);
    },
  );

  it('reads a custom key’s scopes as the server does: a scope of another key type holds nothing', () => {
    expect(allows(key({ type: 'billing', scopes: ['broadcasts:write'] }), 'createBroadcast')).toBe(false);
    expect(allows(key({ scopes: ['broadcasts:write'] }), 'createBroadcast')).toBe(true);
  });

  it('offers a permission route only to a key with that permission', () => {
    const every = Object.keys(GENERAL_SCOPES);
    expect(allows(key({ scopes: every }), 'createApiKey')).toBe(false);
    expect(allows(key({ permission: 'full_access' }), 'createApiKey')).toBe(true);
  });
});
