/**
 * `npx tsx bench/cache-flush.ts` (the last step of `npm run bench`): the revocation delay with the
 * authorizer cache on and flushed from the ApiKeys stream, on the local stack — DynamoDB Local, the
 * local gateway with its cache emulation (TTL 300 s) and the stream flusher at `npm start`'s poll
 * interval. Per sample: a fresh key is cached by one request, revoked by a raw UpdateItem (a hand
 * edit), then requested again and again until it answers 403 key_revoked; the delay is from the
 * UpdateItem's answer to the first 403. Bounded: a sample that takes over 10 s stops the run.
 *
 * Deployed, the same path is DynamoDB Streams → Lambda (batching window 1 s) → FlushStageAuthorizersCache
 * → API Gateway's propagation of the flush; docs/decisions/0018-authorizer-cache-fast-revocation.md says what of that is documented.
 * Writes bench/cache-flush-results.json.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../lambdas/aws/aws-clients.js';
import { startLocalAuthorizerCache } from '../local/authorizer-cache.js';
import { startGateway } from '../local/gateway.js';
import { localHandlers, silentLog } from '../local/handlers.js';
import { localDocuments, sesClient } from '../local/services.js';
import { ensureTables } from '../local/tables.js';
import { call } from '../test/support/http-client.js';
import { testKey } from '../test/support/keys.js';
import { freePort } from '../test/support/ports.js';
import { JavaGuard } from './dynamo-local.js';
import { median, percentile } from './stats.js';

const SETTINGS = { samples: 10, warmup: 2, ttlSeconds: 300, sampleTimeoutMs: 10_000 } as const;
const TABLES = { apiKeys: 'ApiKeys-flush', data: 'Data-flush' } as const;
const resultsFile = fileURLToPath(new URL('./cache-flush-results.json', import.meta.url));

async function main(): Promise<void> {
  const loadBefore = loadavg().map(round);
  const guard = new JavaGuard();
  const local = await guard.start(await freePort());
  const documents = localDocuments(local.endpoint);
  const handlers = localHandlers({
    documents,
    // No route used here sends email.
    ses: sesClient('http://127.0.0.1:9'),
    tables: TABLES,
    environment: 'test',
    log: silentLog,
    coverAllRoutes: true,
  });
  try {
    await ensureTables(local.client, TABLES);
    const cache = await startLocalAuthorizerCache(handlers.authorizer, {
      ttlSeconds: SETTINGS.ttlSeconds,
      flushOnKeyChange: { dynamo: local.client, endpoint: local.endpoint, apiKeysTable: TABLES.apiKeys },
    });
    const gateway = await startGateway(
      { ...handlers, authorizer: cache.authorizer },
      { host: '127.0.0.1', port: 0 },
    );
    const delays: number[] = [];
    try {
      for (let sample = 0; sample < SETTINGS.warmup + SETTINGS.samples; sample += 1) {
        const delay = await revocationDelayMs(gateway.url, documents);
        if (sample >= SETTINGS.warmup) delays.push(delay);
      }
    } finally {
      await gateway.close();
      await cache.stop();
    }
    const sorted = delays.toSorted((a, b) => a - b);
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg().map(round),
      settings: { ...SETTINGS, pollMs: 100 },
      revocationDelayMs: {
        samples: delays.length,
        median: round(median(delays)),
        p90: round(percentile(Float64Array.from(sorted), 90)),
        max: round(sorted.at(-1) ?? 0),
        all: delays.map(round),
      },
    };
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    const { revocationDelayMs: summary } = results;
    console.log(
      `\nauthorizer cache flush (local): revocation delay median ${summary.median} ms, p90 ${summary.p90} ms, max ${summary.max} ms over ${summary.samples} samples (cache TTL ${SETTINGS.ttlSeconds} s)`,
    );
    console.log(`wrote ${resultsFile}`);
  } finally {
    local.client.destroy();
    await guard.stop();
  }
}

async function revocationDelayMs(url: string, documents: Documents): Promise<number> {
  const { key, item } = testKey({ teamId: 'team_bench', projectId: 'proj_bench' }, 'test');
  await documents.send(new PutCommand({ TableName: TABLES.apiKeys, Item: item }));
  const first = await call(url, { path: '/v1/emails', key: key.key });
  if (first.status !== 200) throw new Error(`a fresh key answered ${first.status}`);
  await documents.send(
    new UpdateCommand({
      TableName: TABLES.apiKeys,
      Key: { keyId: key.keyId },
      UpdateExpression: 'SET revokedAt = :now',
      ExpressionAttributeValues: { ':now': new Date().toISOString() },
    }),
  );
  const revokedAt = performance.now();
  for (;;) {
    const answer = await call(url, { path: '/v1/emails', key: key.key });
    const elapsed = performance.now() - revokedAt;
    if (answer.status === 403 && answer.json.error_code === 'key_revoked') return elapsed;
    if (answer.status !== 200) throw new Error(`unexpected ${answer.status} while the key was cached`);
    if (elapsed > SETTINGS.sampleTimeoutMs)
      throw new Error(`still allowed ${elapsed} ms after the revocation`);
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

await main();
