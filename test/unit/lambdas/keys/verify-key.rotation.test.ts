/** The rotation grace: the previous secret is accepted until previousKeyExpiresAt, and not after. */
import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../../../../lambdas/keys/api-key.js';
import { readKeyItem } from '../../../../lambdas/keys/key-item.js';
import { findRoute, type Route, ROUTES } from '../../../../lambdas/api/routes.js';
import { type VerifyDependencies, verifyKey } from '../../../../lambdas/keys/verify-key.js';
import { testKey } from '../../../support/keys.js';

const GRACE_ENDS = '2026-06-01T12:00:00.000Z';
const route = findRoute('POST', '/v1/emails');

/** A key rotated once: `current` is the new secret, `old` the one it replaced (same key id). */
function rotated(extra: Record<string, unknown> = {}) {
  const current = testKey();
  const old = generateApiKey('live', current.key.keyId);
  const item = {
    ...current.item,
    previousKeyHash: old.keyHash,
    previousKeyExpiresAt: GRACE_ENDS,
    ...extra,
  };
  return { current: current.key, old, item };
}

async function codeAt(
  now: string,
  presented: string,
  item: Record<string, unknown>,
  called = route,
): Promise<string> {
  const deps: VerifyDependencies = {
    environment: 'live',
    getKeyItem: async () => item,
    now: () => new Date(now),
  };
  const verification = await verifyKey(
    { authorization: `Bearer ${presented}`, sourceIp: '203.0.113.1', route: called },
    deps,
  );
  if (verification.ok) return `ok (${verification.secret})`;
  return 'secret' in verification ? `${verification.code} (${verification.secret})` : verification.code;
}

describe('verifyKey after a rotation', () => {
  it.each([
    ['the new secret during the grace', '2026-06-01T11:00:00.000Z', 'current', 'ok (current)'],
    ['the new secret after the grace', '2026-06-02T00:00:00.000Z', 'current', 'ok (current)'],
    ['the old secret during the grace', '2026-06-01T11:59:59.999Z', 'old', 'ok (previous)'],
    ['the old secret at the very end of the grace', GRACE_ENDS, 'old', 'invalid_api_key'],
    ['the old secret after the grace', '2026-06-01T12:00:00.001Z', 'old', 'invalid_api_key'],
  ] as const)('%s: %s', async (_case, now, which, expected) => {
    const { current, old, item } = rotated();
    expect(await codeAt(now, which === 'current' ? current.key : old.key, item)).toBe(expected);
  });

  it('refuses a secret that was never this key, grace or not', async () => {
    const { current, item } = rotated();
    const stranger = generateApiKey('live', current.keyId);
    expect(await codeAt('2026-06-01T11:00:00.000Z', stranger.key, item)).toBe('invalid_api_key');
  });

  it('ends the grace at once when previousKeyHash is removed by hand', async () => {
    const { old, item } = rotated();
    const { previousKeyHash: _removed, ...edited } = item;
    expect(await codeAt('2026-06-01T11:00:00.000Z', old.key, edited)).toBe('invalid_api_key');
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['not a date', 'tomorrow'],
    ['an impossible day', '2026-02-30T00:00:00Z'],
    ['NULL', null],
    ['a number', 1_780_000_000],
  ])('gives no grace when previousKeyExpiresAt is %s (fail closed)', async (_case, value) => {
    const { current, old, item } = rotated({ previousKeyExpiresAt: value });
    const cleaned = Object.fromEntries(Object.entries(item).filter(([, entry]) => entry !== undefined));
    expect(await codeAt('2026-06-01T11:00:00.000Z', old.key, cleaned)).toBe('invalid_api_key');
    // The current secret is unaffected by a damaged grace.
    expect(await codeAt('2026-06-01T11:00:00.000Z', current.key, cleaned)).toBe('ok (current)');
  });

  it.each([
    ['not hex', 'z'.repeat(64)],
    ['too short', 'ab'],
    ['a list', ['a']],
  ])('gives no grace when previousKeyHash is %s, and warns', async (_case, value) => {
    const { old, item } = rotated({ previousKeyHash: value });
    expect(await codeAt('2026-06-01T11:00:00.000Z', old.key, item)).toBe('invalid_api_key');
    const reading = readKeyItem(item);
    expect(reading.ok && reading.warnings.some((warning) => warning.includes('previousKeyHash'))).toBe(true);
  });

  it('still applies every later check to the old secret (revoked, expired)', async () => {
    const { old, item } = rotated({ revokedAt: '2026-05-01T00:00:00Z' });
    expect(await codeAt('2026-06-01T11:00:00.000Z', old.key, item)).toBe('key_revoked');
    const expired = rotated({ expiresAt: '2026-06-01T10:00:00Z' });
    expect(await codeAt('2026-06-01T11:00:00.000Z', expired.old.key, expired.item)).toBe('key_expired');
  });
});

describe('verifyKey: the previous secret during the grace calls scope routes only', () => {
  const DURING = '2026-06-01T11:00:00.000Z';

  it.each(
    (ROUTES as readonly Route[])
      .filter((candidate) => candidate.permission !== undefined)
      .map((r) => [r.id, r] as const),
  )(
    '%s (a permission route): insufficient_scope for the old secret, allowed for the new one',
    async (_id, permissionRoute) => {
      const { current, old, item } = rotated();
      expect(await codeAt(DURING, old.key, item, permissionRoute)).toBe('insufficient_scope (previous)');
      expect(await codeAt(DURING, current.key, item, permissionRoute)).toBe('ok (current)');
    },
  );

  it('names the permission the route requires', async () => {
    const { old, item } = rotated();
    const verification = await verifyKey(
      {
        authorization: `Bearer ${old.key}`,
        sourceIp: '203.0.113.1',
        route: findRoute('POST', '/v1/api-keys/{id}/rotate'),
      },
      { environment: 'live', getKeyItem: async () => item, now: () => new Date(DURING) },
    );
    expect(verification).toMatchObject({
      ok: false,
      code: 'insufficient_scope',
      requiredPermission: 'full_access',
      secret: 'previous',
    });
  });
});
