/**
 * The local emulation of API Gateway's authorizer cache: keyed by the Authorization header and the
 * source IP, kept for the TTL on an injected clock, emptied by a flush, and reused for other routes —
 * where the cached policy, not a new decision, says yes or no.
 */
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createAuthorizer } from '../../../lambdas/authorizer/authorizer.js';
import { generateApiKey } from '../../../lambdas/keys/api-key.js';
import { cacheKey, withAuthorizerCache } from '../../../local/authorizer-cache.js';
import { localAuthorizerCacheSettings } from '../../../local/stack.js';
import { policyAllows } from '../../../local/policy-evaluator.js';
import { authorizerEvent } from '../../support/events.js';
import { bearer, testKey } from '../../support/keys.js';
import { fixedClock, recordingLog } from '../../support/logs.js';

function setUp(options: { ttlSeconds?: number; permission?: string } = {}) {
  const key = testKey({ permission: options.permission ?? 'full_access' });
  const getKeyItem = vi.fn(async (keyId: string) => (keyId === key.key.keyId ? key.item : undefined));
  const authorizer = vi.fn(
    createAuthorizer({
      environment: 'live',
      getKeyItem,
      log: recordingLog(),
      now: fixedClock('2025-06-01T12:00:00Z'),
      coverAllRoutes: true,
    }),
  );
  let now = 1_000_000;
  const cache = withAuthorizerCache(authorizer, { ttlSeconds: options.ttlSeconds ?? 300, now: () => now });
  const event = (input: Parameters<typeof authorizerEvent>[0] = {}) =>
    authorizerEvent({ authorization: bearer(key.key), ...input });
  return {
    key,
    authorizer,
    cache,
    event,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const allows = async (
  cache: ReturnType<typeof withAuthorizerCache>,
  event: APIGatewayRequestAuthorizerEvent,
) => policyAllows((await cache.authorizer(event)).policyDocument, event.methodArn);

describe('cacheKey: the deployed identity sources', () => {
  it.each<[string, Parameters<typeof authorizerEvent>[0], Parameters<typeof authorizerEvent>[0], boolean]>([
    ['the same header and address', { authorization: 'Bearer a' }, { authorization: 'Bearer a' }, true],
    [
      'the same header and address on another route',
      { authorization: 'Bearer a', method: 'POST', resource: '/v1/emails' },
      { authorization: 'Bearer a', method: 'GET', resource: '/v1/templates' },
      true,
    ],
    ['another key', { authorization: 'Bearer a' }, { authorization: 'Bearer b' }, false],
    [
      'another source IP',
      { authorization: 'Bearer a', sourceIp: '203.0.113.1' },
      { authorization: 'Bearer a', sourceIp: '203.0.113.2' },
      false,
    ],
    [
      'two Authorization headers against one',
      { multiValueHeaders: { Authorization: ['Bearer a', 'Bearer a'] } },
      { authorization: 'Bearer a' },
      false,
    ],
    [
      'a header name in another case (names are case-insensitive)',
      { headers: { authorization: 'Bearer a' } },
      { headers: { AUTHORIZATION: 'Bearer a' } },
      true,
    ],
  ])('%s → same entry: %s', (_case, first, second, same) => {
    expect(cacheKey(authorizerEvent(first)) === cacheKey(authorizerEvent(second))).toBe(same);
  });
});

describe('withAuthorizerCache', () => {
  it('asks the authorizer once per identity within the TTL, for every route', async () => {
    const { cache, authorizer, event } = setUp();
    expect(await allows(cache, event({ method: 'POST', resource: '/v1/emails' }))).toBe(true);
    expect(await allows(cache, event({ method: 'GET', resource: '/v1/templates' }))).toBe(true);
    expect(await allows(cache, event({ method: 'GET', resource: '/v1/emails' }))).toBe(true);
    expect(authorizer).toHaveBeenCalledTimes(1);
  });

  it('reuses the cached policy for another route, and that policy refuses a route the key may not call', async () => {
    const { cache, authorizer, event } = setUp({ permission: 'sending_only' });
    expect(await allows(cache, event({ method: 'POST', resource: '/v1/emails' }))).toBe(true);
    // Not asked again: the cached Allow lists only the sending routes, so this route is not in it.
    expect(await allows(cache, event({ method: 'GET', resource: '/v1/templates' }))).toBe(false);
    expect(authorizer).toHaveBeenCalledTimes(1);
  });

  it("a rotated key's previous secret: its own cache entry, whose policy covers no permission route", async () => {
    // Arrange: a full_access key rotated at 12:00 with a day of grace; the clock is inside the grace.
    const current = testKey({ permission: 'full_access' });
    const previous = generateApiKey('live', current.key.keyId);
    const item = {
      ...current.item,
      previousKeyHash: previous.keyHash,
      previousKeyExpiresAt: '2025-06-02T12:00:00Z',
    };
    const authorizer = vi.fn(
      createAuthorizer({
        environment: 'live',
        getKeyItem: async () => item,
        log: recordingLog(),
        now: fixedClock('2025-06-01T12:00:00Z'),
        coverAllRoutes: true,
      }),
    );
    const cache = withAuthorizerCache(authorizer, { ttlSeconds: 300, now: () => 0 });
    const rotate = {
      method: 'POST',
      resource: '/v1/api-keys/{id}/rotate',
      path: `/v1/api-keys/${current.key.keyId}/rotate`,
    };
    const old = (input: Parameters<typeof authorizerEvent>[0]) =>
      authorizerEvent({ authorization: bearer(previous), ...input });
    // Act + Assert: a scope route first puts an Allow in the cache; the rotate call reuses it and is refused.
    expect(await allows(cache, old({ method: 'GET', resource: '/v1/templates' }))).toBe(true);
    expect(await allows(cache, old(rotate))).toBe(false);
    expect(await allows(cache, old({ method: 'GET', resource: '/v1/api-keys' }))).toBe(false);
    expect(authorizer).toHaveBeenCalledTimes(1);
    // The new secret is another identity: asked afresh, and allowed to manage keys.
    expect(await allows(cache, authorizerEvent({ authorization: bearer(current.key), ...rotate }))).toBe(
      true,
    );
    expect(authorizer).toHaveBeenCalledTimes(2);
  });

  it('asks again once the TTL has passed, not a millisecond before', async () => {
    const { cache, authorizer, event, advance } = setUp({ ttlSeconds: 60 });
    await cache.authorizer(event());
    advance(59_999);
    await cache.authorizer(event());
    expect(authorizer).toHaveBeenCalledTimes(1);
    advance(1);
    await cache.authorizer(event());
    expect(authorizer).toHaveBeenCalledTimes(2);
  });

  it('asks again for every identity after a flush', async () => {
    const { cache, authorizer, event } = setUp();
    await cache.authorizer(event({ sourceIp: '203.0.113.1' }));
    await cache.authorizer(event({ sourceIp: '203.0.113.2' }));
    expect(cache.size()).toBe(2);
    cache.flush();
    expect(cache.size()).toBe(0);
    await cache.authorizer(event({ sourceIp: '203.0.113.1' }));
    await cache.authorizer(event({ sourceIp: '203.0.113.2' }));
    expect(authorizer).toHaveBeenCalledTimes(4);
  });

  it('caches a Deny too: a revoked key stays denied for the TTL on every route', async () => {
    const key = testKey({ revokedAt: '2025-01-01T00:00:00Z' });
    const authorizer = vi.fn(
      createAuthorizer({
        environment: 'live',
        getKeyItem: async () => key.item,
        log: recordingLog(),
        coverAllRoutes: true,
      }),
    );
    const revoked = withAuthorizerCache(authorizer, { ttlSeconds: 300, now: () => 0 });
    const first = await revoked.authorizer(authorizerEvent({ authorization: bearer(key.key) }));
    const second = await revoked.authorizer(
      authorizerEvent({ authorization: bearer(key.key), method: 'GET', resource: '/v1/templates' }),
    );
    expect(second).toBe(first);
    expect(first.context?.errorCode).toBe('key_revoked');
    expect(first.policyDocument.Statement.map((statement) => statement.Effect)).toEqual(['Deny']);
    expect(authorizer).toHaveBeenCalledTimes(1);
  });

  it('does not cache a thrown Unauthorized or an outage', async () => {
    const failing = vi.fn(async () => {
      throw new Error('Unauthorized');
    });
    const cache = withAuthorizerCache(failing, { ttlSeconds: 300, now: () => 0 });
    const event = authorizerEvent({ authorization: 'Bearer nope' });
    await expect(cache.authorizer(event)).rejects.toThrow('Unauthorized');
    await expect(cache.authorizer(event)).rejects.toThrow('Unauthorized');
    expect(failing).toHaveBeenCalledTimes(2);
    expect(cache.size()).toBe(0);
  });

  it('with a TTL of 0 asks the authorizer every time, as the deployed default does', async () => {
    const { cache, authorizer, event } = setUp({ ttlSeconds: 0 });
    await cache.authorizer(event());
    await cache.authorizer(event());
    expect(authorizer).toHaveBeenCalledTimes(2);
    expect(cache.size()).toBe(0);
  });
});

describe('localAuthorizerCacheSettings', () => {
  it.each<[Record<string, string>, { authorizerCacheTtlSeconds: number; authorizerCacheFlush: boolean }]>([
    [{}, { authorizerCacheTtlSeconds: 0, authorizerCacheFlush: false }],
    [
      { SCOPEGATE_AUTHORIZER_CACHE_TTL_SECONDS: '300' },
      { authorizerCacheTtlSeconds: 300, authorizerCacheFlush: false },
    ],
    [
      { SCOPEGATE_AUTHORIZER_CACHE_TTL_SECONDS: '300', SCOPEGATE_AUTHORIZER_CACHE_FLUSH: '1' },
      { authorizerCacheTtlSeconds: 300, authorizerCacheFlush: true },
    ],
  ])('reads %j', (env, settings) => {
    expect(localAuthorizerCacheSettings(env)).toEqual(settings);
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ SCOPEGATE_AUTHORIZER_CACHE_TTL_SECONDS: '3601' }, /whole number from 0 to 3600/],
    [{ SCOPEGATE_AUTHORIZER_CACHE_TTL_SECONDS: 'soon' }, /whole number from 0 to 3600/],
    [{ SCOPEGATE_AUTHORIZER_CACHE_FLUSH: 'yes' }, /must be 1 or 0/],
    [{ SCOPEGATE_AUTHORIZER_CACHE_FLUSH: '1' }, /needs SCOPEGATE_AUTHORIZER_CACHE_TTL_SECONDS above 0/],
  ])('refuses %j', (env, message) => {
    expect(() => localAuthorizerCacheSettings(env)).toThrow(message);
  });
});
