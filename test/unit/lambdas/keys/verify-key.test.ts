import { describe, expect, it, vi } from 'vitest';
import { checksumOf, generateApiKey } from '../../../../lambdas/keys/api-key.js';
import { findRoute, ROUTES, type Route } from '../../../../lambdas/api/routes.js';
import { GENERAL_SCOPES, isScopeOf } from '../../../../lambdas/api/scopes.js';
import {
  type Verification,
  type VerifyDependencies,
  verifyKey,
} from '../../../../lambdas/keys/verify-key.js';
import { bearer, type TestKey, testKey } from '../../../support/keys.js';
import { fixedClock } from '../../../support/logs.js';

const NOW = '2025-06-01T12:00:00.000Z';
const ALLOWED_IP = '203.0.113.50';
const OTHER_IP = '198.51.100.7';

const sendEmail = findRoute('POST', '/v1/emails');
const readEmails = findRoute('GET', '/v1/emails');
/** A route that needs a scope sending_only does not hold, independent of what the table holds today. */
const writeTemplates: Route = {
  id: 'createTemplate',
  method: 'POST',
  path: '/v1/templates',
  scope: 'templates:write',
  service: 'sending',
  summary: 'test route',
  surface: 'v1',
};

interface Call {
  readonly key?: TestKey;
  readonly authorization?: string;
  readonly sourceIp?: string;
  readonly route?: Route | undefined;
  readonly storedItem?: Record<string, unknown> | undefined;
}

function setUp(call: Call = {}) {
  const key = call.key ?? testKey();
  const stored = 'storedItem' in call ? call.storedItem : key.item;
  const getKeyItem = vi.fn<VerifyDependencies['getKeyItem']>(async () => stored);
  const onItemWarning = vi.fn<NonNullable<VerifyDependencies['onItemWarning']>>();
  const deps: VerifyDependencies = { environment: 'live', getKeyItem, now: fixedClock(NOW), onItemWarning };
  const run = () =>
    verifyKey(
      {
        authorization: 'authorization' in call ? call.authorization : bearer(key.key),
        sourceIp: call.sourceIp ?? ALLOWED_IP,
        route: 'route' in call ? call.route : sendEmail,
      },
      deps,
    );
  return { key, getKeyItem, onItemWarning, run };
}

const codeOf = (verification: Verification): string => (verification.ok ? 'ok' : verification.code);

describe('verifyKey: happy path', () => {
  it('allows a full_access key on a route it holds, with its effective scopes', async () => {
    const { run, key, getKeyItem } = setUp();
    const verification = await run();
    expect(verification.ok).toBe(true);
    if (!verification.ok) return;
    expect(verification.key.keyId).toBe(key.key.keyId);
    expect(verification.scopes).toHaveLength(Object.keys(GENERAL_SCOPES).length);
    expect(getKeyItem).toHaveBeenCalledExactlyOnceWith(key.key.keyId);
  });

  it('allows a key restricted to the caller IP, also when the caller is IPv4-mapped IPv6', async () => {
    const key = testKey({ allowedIps: `${ALLOWED_IP}, 10.0.0.0/8` });
    expect(codeOf(await setUp({ key }).run())).toBe('ok');
    expect(codeOf(await setUp({ key, sourceIp: `::ffff:${ALLOWED_IP}` }).run())).toBe('ok');
  });

  it('allows a key that expires one millisecond from now', async () => {
    const key = testKey({ expiresAt: '2025-06-01T12:00:00.001Z' });
    expect(codeOf(await setUp({ key }).run())).toBe('ok');
  });
});

describe('verifyKey: checks run in the documented order', () => {
  // revoked → expired → IP → scope: the first failing check is the one reported.
  const flags = [false, true];
  const cases = flags.flatMap((revoked) =>
    flags.flatMap((expired) =>
      flags.flatMap((wrongIp) => flags.map((missingScope) => ({ revoked, expired, wrongIp, missingScope }))),
    ),
  );
  const expectedCode = (c: (typeof cases)[number]): string =>
    c.revoked
      ? 'key_revoked'
      : c.expired
        ? 'key_expired'
        : c.wrongIp
          ? 'ip_not_allowed'
          : c.missingScope
            ? 'insufficient_scope'
            : 'ok';

  it.each(cases.map((c) => [expectedCode(c), JSON.stringify(c), c] as const))(
    'reports %s for %s',
    async (expected, _label, c) => {
      const key = testKey({
        permission: 'sending_only',
        allowedIps: ALLOWED_IP,
        ...(c.revoked ? { revokedAt: '2025-05-01T00:00:00.000Z' } : {}),
        ...(c.expired ? { expiresAt: '2025-05-01T00:00:00.000Z' } : {}),
      });
      const verification = await setUp({
        key,
        sourceIp: c.wrongIp ? OTHER_IP : ALLOWED_IP,
        route: c.missingScope ? writeTemplates : sendEmail,
      }).run();
      expect(codeOf(verification)).toBe(expected);
    },
  );

  it('a wrong secret outranks every other failure (a stranger learns nothing about the key)', async () => {
    const key = testKey({ revokedAt: NOW, expiresAt: '2020-01-01T00:00:00Z', allowedIps: ALLOWED_IP });
    const impostor = generateApiKey('live', key.key.keyId);
    const verification = await setUp({ key, authorization: bearer(impostor), sourceIp: OTHER_IP }).run();
    expect(verification).toMatchObject({
      ok: false,
      code: 'invalid_api_key',
      reason: 'secret does not match',
    });
  });

  it('an unreadable allowedIps (one invalid entry) denies even a caller the valid entries allow', async () => {
    const key = testKey({ allowedIps: `${ALLOWED_IP}, 010.0.0.1` });
    expect(codeOf(await setUp({ key, sourceIp: ALLOWED_IP }).run())).toBe('ip_not_allowed');
  });

  it('an unreadable expiresAt counts as expired', async () => {
    const key = testKey({ expiresAt: 'soon' });
    expect(codeOf(await setUp({ key }).run())).toBe('key_expired');
  });
});

describe('verifyKey: expiry boundary (fixed clock)', () => {
  it.each([
    ['one millisecond ago', '2025-06-01T11:59:59.999Z', 'key_expired'],
    ['exactly now', NOW, 'key_expired'],
    ['exactly now, written with an offset', '2025-06-01T14:00:00+02:00', 'key_expired'],
    ['one millisecond ahead', '2025-06-01T12:00:00.001Z', 'ok'],
    ['next year', '2026-06-01T12:00:00.000Z', 'ok'],
  ])('expiresAt %s → %s', async (_case, expiresAt, expected) => {
    expect(codeOf(await setUp({ key: testKey({ expiresAt }) }).run())).toBe(expected);
  });
});

describe('verifyKey: invalid keys are refused before DynamoDB', () => {
  const { key } = testKey();
  const corrupted = `${key.key.slice(0, -1)}${key.key.endsWith('A') ? 'B' : 'A'}`;
  const testEnvironmentKey = generateApiKey('test');
  const recomputed = (() => {
    const body = `sk_live_${key.keyId}${'A'.repeat(31)}`;
    return `${body}${checksumOf(body)}`;
  })();

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['Basic credentials', `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ['a bare key without the scheme', key.key],
    ['a key with a bad checksum', `Bearer ${corrupted}`],
    ['a key one character short', `Bearer ${recomputed}`],
    ['a sk_test_ key when the environment is live', bearer(testEnvironmentKey)],
    ['two keys in one header', `Bearer ${key.key} ${key.key}`],
    ['garbage', 'Bearer not-a-key'],
  ])('%s → invalid_api_key, getKeyItem never called', async (_case, authorization) => {
    const { run, getKeyItem } = setUp({ authorization });
    expect(await run()).toMatchObject({ ok: false, code: 'invalid_api_key', keyId: undefined });
    expect(getKeyItem).not.toHaveBeenCalled();
  });
});

describe('verifyKey: error cases after the lookup', () => {
  it('an unknown key → invalid_api_key with its (public) key id', async () => {
    const { run, key, getKeyItem } = setUp({ storedItem: undefined });
    expect(await run()).toMatchObject({
      ok: false,
      code: 'invalid_api_key',
      keyId: key.key.keyId,
      reason: 'unknown key id',
    });
    expect(getKeyItem).toHaveBeenCalledOnce();
  });

  it('a wrong secret for a known key id → invalid_api_key', async () => {
    const key = testKey();
    const rotatedAway = generateApiKey('live', key.key.keyId);
    expect(await setUp({ key, authorization: bearer(rotatedAway) }).run()).toMatchObject({
      code: 'invalid_api_key',
      reason: 'secret does not match',
    });
  });

  it('an item whose keyId differs from the presented key id → invalid_api_key, even with the right hash', async () => {
    const key = testKey();
    const { run } = setUp({ key, storedItem: { ...key.item, keyId: 'ZZZZZZZZZZZZ' } });
    expect(await run()).toMatchObject({ code: 'invalid_api_key', reason: 'secret does not match' });
  });

  it('a malformed item → invalid_api_key, and its problems are reported for the key id', async () => {
    const key = testKey();
    const { run, onItemWarning } = setUp({ key, storedItem: { ...key.item, keyHash: 42 } });
    expect(await run()).toMatchObject({ code: 'invalid_api_key', reason: 'malformed key item' });
    expect(onItemWarning).toHaveBeenCalledWith(key.key.keyId, 'keyHash is missing or not a string');
  });

  it('lenient readings are reported as warnings', async () => {
    const key = testKey({ permission: 'custom', scopes: ['emails:send', 'bogus'] });
    const { run, onItemWarning } = setUp({ key });
    expect(codeOf(await run())).toBe('ok');
    expect(onItemWarning).toHaveBeenCalledWith(key.key.keyId, 'ignored unknown scopes: bogus');
  });

  it('a scope missing → insufficient_scope naming the required scope', async () => {
    const key = testKey({ permission: 'sending_only' });
    expect(await setUp({ key, route: writeTemplates }).run()).toMatchObject({
      ok: false,
      code: 'insufficient_scope',
      requiredScope: 'templates:write',
    });
  });

  it('a route the table does not know → insufficient_scope without a required scope', async () => {
    const verification = await setUp({ route: undefined }).run();
    expect(verification).toMatchObject({ ok: false, code: 'insufficient_scope', requiredScope: undefined });
  });

  it.each([
    new Error('ProvisionedThroughputExceededException'),
    Object.assign(new Error('timeout'), { name: 'TimeoutError' }),
  ])('an error from getKeyItem propagates (never an allow): %s', async (error) => {
    const { run, getKeyItem } = setUp();
    getKeyItem.mockRejectedValueOnce(error);
    await expect(run()).rejects.toBe(error);
  });
});

describe('verifyKey: security cases for scopes', () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'a custom key with an empty scope list may not call %s',
    async (_name, route) => {
      const key = testKey({ permission: 'custom', scopes: [] });
      expect(codeOf(await setUp({ key, route }).run())).toBe('insufficient_scope');
    },
  );

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'a custom key with only unknown scopes may not call %s',
    async (_name, route) => {
      const key = testKey({ permission: 'custom', scopes: new Set(['*', 'all', 'admin']) });
      expect(codeOf(await setUp({ key, route }).run())).toBe('insufficient_scope');
    },
  );

  const isBillingRoute = (route: Route) => route.scope !== undefined && isScopeOf('billing', route.scope);

  it.each(
    ROUTES.filter((route) => !isBillingRoute(route)).map(
      (route) => [`${route.method} ${route.path}`, route] as const,
    ),
  )('a billing full_access key may not call %s', async (_name, route) => {
    const key = testKey({ type: 'billing', permission: 'full_access' });
    expect(codeOf(await setUp({ key, route }).run())).toBe('insufficient_scope');
  });

  it.each(ROUTES.filter(isBillingRoute).map((route) => [`${route.method} ${route.path}`, route] as const))(
    'a billing full_access key may call %s, and a general full_access key may not',
    async (_name, route) => {
      const billing = testKey({ type: 'billing', permission: 'full_access' });
      const general = testKey({ type: 'general', permission: 'full_access' });
      expect(codeOf(await setUp({ key: billing, route }).run())).toBe('ok');
      expect(codeOf(await setUp({ key: general, route }).run())).toBe('insufficient_scope');
    },
  );

  it('a custom key holds exactly its scopes', async () => {
    const key = testKey({ permission: 'custom', scopes: ['EMAILS:READ '] });
    expect(codeOf(await setUp({ key, route: readEmails }).run())).toBe('ok');
    expect(codeOf(await setUp({ key, route: sendEmail }).run())).toBe('insufficient_scope');
  });

  it('a sending_only key sends but does not read', async () => {
    const key = testKey({ permission: 'sending_only' });
    expect(codeOf(await setUp({ key, route: sendEmail }).run())).toBe('ok');
    expect(codeOf(await setUp({ key, route: readEmails }).run())).toBe('insufficient_scope');
  });
});
