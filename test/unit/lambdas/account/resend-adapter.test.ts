/** The Resend api-keys adapter's pure mappings: Resend's two permissions as /v1 key bodies. */
import { describe, expect, it } from 'vitest';
import { resendKeyListItemOf, v1KeyBodyOf } from '../../../../lambdas/account/resend-adapter.js';

describe('v1KeyBodyOf', () => {
  it.each([
    [{ name: 'a' }, { name: 'a', permission: 'full_access' }],
    [
      { name: 'a', permission: 'full_access' as const },
      { name: 'a', permission: 'full_access' },
    ],
    [
      { name: 'a', permission: 'sending_access' as const },
      { name: 'a', permission: 'custom', scopes: ['emails:send'] },
    ],
    [
      { name: 'a', permission: 'sending_access' as const, domainName: 'example.com' },
      { name: 'a', permission: 'custom', scopes: ['emails:send'], allowed_domains: ['example.com'] },
    ],
  ])('%j → %j', (request, body) => {
    expect(v1KeyBodyOf(request)).toEqual(body);
  });
});

describe('resendKeyListItemOf', () => {
  it('shows id, name and times only: never the prefix, scopes or anything else of the key', () => {
    const key = {
      id: '0VbnqK3m8a2J',
      name: 'ci',
      created_at: '2026-11-24T14:30:00.000Z',
      last_used_at: null,
      prefix: 'sk_live_0VbnqK3m8a2J',
      scopes: ['emails:send'],
    } as unknown as Parameters<typeof resendKeyListItemOf>[0];
    expect(resendKeyListItemOf(key)).toEqual({
      id: '0VbnqK3m8a2J',
      name: 'ci',
      created_at: '2026-11-24T14:30:00.000Z',
      last_used_at: null,
    });
  });
});
