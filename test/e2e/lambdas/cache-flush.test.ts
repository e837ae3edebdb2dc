/**
 * The authorizer cache on the local gateway, as deployed with `authorizerCacheTtlSeconds` (and
 * `authorizerCacheFlush`): a key revoked by a raw UpdateItem — a hand edit in the DynamoDB console —
 * keeps working from the cache while nothing flushes it, for every route its cached policy covers;
 * with the ApiKeys stream read and the cache flushed, the next requests answer 403 key_revoked within
 * seconds; without the flush, only the TTL (an injected clock here) ends it.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalAuthorizerCache, startLocalAuthorizerCache } from '../../../local/authorizer-cache.js';
import { type RunningGateway, startGateway } from '../../../local/gateway.js';
import { localHandlers, silentLog } from '../../../local/handlers.js';
import { call } from '../../support/http-client.js';
import { testKey } from '../../support/keys.js';
import { createTestAws, type TestAws } from '../../support/local-aws.js';

const TTL_SECONDS = 300;
const PROJECT = 'proj_cache';

let aws: TestAws;
const running: { gateway: RunningGateway; cache: LocalAuthorizerCache }[] = [];

beforeAll(async () => {
  aws = await createTestAws();
});
afterAll(async () => {
  for (const { gateway, cache } of running) {
    await gateway.close();
    await cache.stop();
  }
});

async function startCachedGateway(options: { flush: boolean; now?: () => number }) {
  const handlers = localHandlers({
    documents: aws.documents,
    ses: aws.ses,
    tables: aws.tables,
    environment: 'test',
    log: silentLog,
    coverAllRoutes: true,
  });
  const cache = await startLocalAuthorizerCache(handlers.authorizer, {
    ttlSeconds: TTL_SECONDS,
    ...(options.now ? { now: options.now } : {}),
    ...(options.flush
      ? {
          flushOnKeyChange: {
            dynamo: aws.dynamo,
            endpoint: inject('dynamoEndpoint'),
            apiKeysTable: aws.tables.apiKeys,
            pollMs: 50,
          },
        }
      : {}),
  });
  const gateway = await startGateway(
    { ...handlers, authorizer: cache.authorizer },
    { host: '127.0.0.1', port: 0 },
  );
  running.push({ gateway, cache });
  return { url: gateway.url, cache };
}

async function putKey() {
  const { key, item } = testKey({ teamId: 'team_cache', projectId: PROJECT }, 'test');
  await aws.documents.send(new PutCommand({ TableName: aws.tables.apiKeys, Item: item }));
  return key;
}

/** What the DynamoDB console does when you add `revokedAt` to the item: one UpdateItem. */
async function revokeByHand(keyId: string) {
  await aws.documents.send(
    new UpdateCommand({
      TableName: aws.tables.apiKeys,
      Key: { keyId },
      UpdateExpression: 'SET revokedAt = :now',
      ExpressionAttributeValues: { ':now': new Date().toISOString() },
    }),
  );
}

const get = (url: string, key: string, path = '/v1/emails') => call(url, { path, key });

describe('authorizer cache with the flush on key changes', () => {
  it('serves the cached Allow while the stream is not read, then 403 key_revoked once it is', async () => {
    const { url, cache } = await startCachedGateway({ flush: true });
    const flusher = cache.flusher;
    if (!flusher) throw new Error('no flusher');
    const key = await putKey();
    // Paused before the first answer is cached: the key's own creation, still in the stream under a
    // loaded machine, must not flush the cache this test is about to look at.
    await flusher.pause();
    expect((await get(url, key.key)).status).toBe(200);
    await revokeByHand(key.keyId);

    // The cache at work: the item says revoked, the cached policy still allows, here and on another
    // route it covers (the authorizer is not asked again).
    expect((await get(url, key.key)).status).toBe(200);
    expect((await get(url, key.key, '/v1/templates')).status).toBe(200);

    const resumed = Date.now();
    flusher.resume();
    const deadline = resumed + 10_000;
    let last = await get(url, key.key);
    while (last.status === 200 && Date.now() < deadline) last = await get(url, key.key);

    expect(last.status).toBe(403);
    expect(last.json.error_code).toBe('key_revoked');
    expect((await get(url, key.key, '/v1/templates')).json.error_code).toBe('key_revoked');
  });

  it('re-authorizes other keys after a flush: their decisions stand', async () => {
    const { url } = await startCachedGateway({ flush: true });
    const [kept, revoked] = [await putKey(), await putKey()];
    expect((await get(url, kept.key)).status).toBe(200);
    expect((await get(url, revoked.key)).status).toBe(200);

    await revokeByHand(revoked.keyId);
    const deadline = Date.now() + 10_000;
    let last = await get(url, revoked.key);
    while (last.status === 200 && Date.now() < deadline) last = await get(url, revoked.key);

    expect(last.json.error_code).toBe('key_revoked');
    expect((await get(url, kept.key)).status).toBe(200);
  });
});

describe('authorizer cache without the flush', () => {
  it('keeps allowing a revoked key until the TTL passes, then answers 403 key_revoked', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { url, cache } = await startCachedGateway({ flush: false, now: () => now });
    expect(cache.flusher).toBeUndefined();
    const key = await putKey();
    expect((await get(url, key.key)).status).toBe(200);

    await revokeByHand(key.keyId);
    expect((await get(url, key.key)).status).toBe(200);
    now += (TTL_SECONDS - 1) * 1000;
    expect((await get(url, key.key, '/v1/templates')).status).toBe(200);

    now += 1000;
    const after = await get(url, key.key);
    expect(after.status).toBe(403);
    expect(after.json.error_code).toBe('key_revoked');
  });

  it('caches per source IP as well as per key: another address is authorized afresh', async () => {
    const { url } = await startCachedGateway({ flush: false, now: () => 0 });
    const key = await putKey();
    expect((await call(url, { path: '/v1/emails', key: key.key, localAddress: '127.0.0.1' })).status).toBe(
      200,
    );

    await revokeByHand(key.keyId);
    expect((await call(url, { path: '/v1/emails', key: key.key, localAddress: '127.0.0.1' })).status).toBe(
      200,
    );
    const fromElsewhere = await call(url, { path: '/v1/emails', key: key.key, localAddress: '127.0.0.2' });
    expect(fromElsewhere.json.error_code).toBe('key_revoked');
  });
});
