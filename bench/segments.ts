/**
 * `npx tsx bench/segments.ts` (a step of `npm run bench`): segment evaluation over 1,000 and 10,000
 * contacts against DynamoDB Local.
 *
 * For each size, a fresh table is seeded with that many contacts (BatchWrite of the items the
 * service writes: a few properties, some unsubscribed, a tenth in a list), then:
 * (a) in memory: `matches` over every contact record, the pure evaluator alone;
 * (b) end to end: `GET /v1/segments/{id}/contacts?limit=100` through the local gateway (authorizer,
 *     frame, Query pages of the Data table), following `next_cursor` until the last page, for a
 *     selective filter (~1% match) and a broad one (~65%). Reports the whole walk, the number of
 *     requests and the slowest single request, which is what must stay inside the Lambda timeout.
 *
 * Prints a short table and writes bench/segments-results.json.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ContactRecord, contactItem } from '../lambdas/audience/contacts.js';
import { type Filter, matches } from '../lambdas/audience/filter.js';
import { SEGMENT_SCAN_BUDGET } from '../lambdas/audience/segments.js';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lambdas/aws/aws-clients.js';
import { newId } from '../lambdas/shared/ids.js';
import { startGateway } from '../local/gateway.js';
import { localHandlers, silentLog } from '../local/handlers.js';
import { localDocuments, localDynamoTarget, sesClient } from '../local/services.js';
import { ensureTables } from '../local/tables.js';
import { testKey } from '../test/support/keys.js';
import { freePort } from '../test/support/ports.js';
import { JavaGuard } from './dynamo-local.js';
import { elapsedNs, round } from './stats.js';

const SIZES = [1_000, 10_000] as const;
const PAGE_LIMIT = 100;
const PROJECT = 'proj_bench';
const LIST_ID = 'lst_0000000000000000000001';
const resultsFile = fileURLToPath(new URL('./segments-results.json', import.meta.url));

const FILTERS: Record<'selective' | 'broad', Filter> = {
  selective: {
    match: 'all',
    conditions: [
      { field: 'properties.plan', op: 'eq', value: 'enterprise' },
      { field: 'properties.seats', op: 'gte', value: 50 },
      { field: 'unsubscribed', op: 'eq', value: false },
    ],
  },
  broad: {
    match: 'any',
    conditions: [
      { field: 'list', op: 'eq', value: LIST_ID },
      { field: 'properties.seats', op: 'gt', value: 60 },
      { field: 'email', op: 'contains', value: '7' },
    ],
  },
};

function contactAt(index: number, base: number): ContactRecord {
  const at = new Date(base + index);
  const plans = ['free', 'pro', 'team', 'enterprise'];
  return {
    id: newId('ct', at),
    projectId: PROJECT,
    email: `user${index}@example.org`,
    firstName: `First${index}`,
    lastName: index % 3 === 0 ? undefined : `Last${index}`,
    phone: undefined,
    // enterprise on 1 in 50 contacts
    properties: {
      plan: index % 50 === 0 ? 'enterprise' : (plans[index % 3] ?? 'free'),
      seats: (index * 37) % 100,
      beta: index % 2 === 0,
      signed_up: at.toISOString(),
    },
    unsubscribed: index % 10 === 3,
    lists: index % 10 === 0 ? [LIST_ID] : [],
    version: 1,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  };
}

/**
 * Seeding is set-up, not what is measured: it uses a client without the services' tight time bounds,
 * which a loaded machine's DynamoDB Local can exceed on large batch writes.
 */
async function seed(endpoint: string, dataTable: string, contacts: readonly ContactRecord[]) {
  const documents = createDocumentClient(localDynamoTarget(endpoint), {
    connectionTimeoutMs: 5_000,
    requestTimeoutMs: 60_000,
    maxAttempts: 3,
    deadlineMs: 120_000,
  });
  const batches: ContactRecord[][] = [];
  for (let start = 0; start < contacts.length; start += 25) batches.push(contacts.slice(start, start + 25));
  const write = async (batch: ContactRecord[]) => {
    let requests = batch.map((contact) => ({ PutRequest: { Item: contactItem(contact) } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await documents.send(
        new BatchWriteCommand({ RequestItems: { [dataTable]: requests } }),
      );
      requests = (UnprocessedItems?.[dataTable] ?? []) as typeof requests;
    }
  };
  for (let start = 0; start < batches.length; start += 2) {
    await Promise.all(batches.slice(start, start + 2).map(write));
  }
}

async function measureSize(dynamo: DynamoDBClient, endpoint: string, size: number) {
  const tables = { apiKeys: `ApiKeys-seg${size}`, data: `Data-seg${size}` };
  await ensureTables(dynamo, tables);
  const contacts = Array.from({ length: size }, (_, index) => contactAt(index, Date.UTC(2026, 0, 1)));
  const seedStart = process.hrtime.bigint();
  await seed(endpoint, tables.data, contacts);
  const seedMs = elapsedNs(seedStart) / 1e6;
  console.log(`  seeded in ${Math.round(seedMs)} ms`);

  const documents = localDocuments(endpoint);
  const { key, item } = testKey(
    { teamId: 'team_bench', projectId: PROJECT, permission: 'full_access' },
    'test',
  );
  await documents.send(new PutCommand({ TableName: tables.apiKeys, Item: item }));
  const gateway = await startGateway(
    localHandlers({
      documents,
      // Segments never call SES; the client is only there to satisfy the wiring.
      ses: sesClient('http://127.0.0.1:9'),
      tables,
      environment: 'test',
      log: silentLog,
    }),
    { host: '127.0.0.1', port: 0 },
  );
  try {
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    const results: Record<string, unknown> = { contacts: size, seedMs: Math.round(seedMs) };
    for (const [name, filter] of Object.entries(FILTERS)) {
      const expected = contacts.filter((contact) => matches(filter, contact)).length;
      // (a) the pure evaluator, ten rounds, best kept (the least disturbed by other processes).
      let pureNs = Infinity;
      for (let round = 0; round < 10; round++) {
        const begin = process.hrtime.bigint();
        let count = 0;
        for (const contact of contacts) if (matches(filter, contact)) count++;
        pureNs = Math.min(pureNs, elapsedNs(begin));
        if (count !== expected) throw new Error('the evaluator is not deterministic');
      }
      // (b) through the gateway, following the cursor to the end.
      const segment = await api('POST', '/v1/segments', { name, filter });
      await api('GET', `/v1/segments/${String(segment.id)}/contacts?limit=1`); // warm-up
      const walkStart = process.hrtime.bigint();
      let cursor: string | null = null;
      let requests = 0;
      let found = 0;
      let slowestMs = 0;
      do {
        const begin = process.hrtime.bigint();
        const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const page = await api(
          'GET',
          `/v1/segments/${String(segment.id)}/contacts?limit=${PAGE_LIMIT}${query}`,
        );
        slowestMs = Math.max(slowestMs, elapsedNs(begin) / 1e6);
        requests++;
        found += (page.data as unknown[]).length;
        cursor = page.next_cursor as string | null;
      } while (cursor !== null);
      const walkMs = elapsedNs(walkStart) / 1e6;
      if (found !== expected) throw new Error(`${name}: found ${found} contacts, expected ${expected}`);
      results[name] = {
        matching: found,
        pureEvaluationMs: round(pureNs / 1e6, 2),
        walk: { requests, totalMs: Math.round(walkMs), slowestRequestMs: Math.round(slowestMs) },
      };
    }
    return results;
  } finally {
    await gateway.close();
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((value) => round(value));
  const guard = new JavaGuard();
  const local = await guard.start(await freePort());
  try {
    const sizes = [];
    for (const size of SIZES) {
      console.log(`… ${size} contacts`);
      sizes.push(await measureSize(local.client, local.endpoint, size));
    }
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg().map((value) => round(value)),
      settings: { pageLimit: PAGE_LIMIT, scanBudgetPerRequest: SEGMENT_SCAN_BUDGET, filters: FILTERS },
      sizes,
    };
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    console.log('\ncontacts  filter     matching  pure evaluation  requests  whole walk  slowest request');
    for (const size of sizes) {
      for (const name of Object.keys(FILTERS)) {
        const r = size[name] as {
          matching: number;
          pureEvaluationMs: number;
          walk: { requests: number; totalMs: number; slowestRequestMs: number };
        };
        console.log(
          `${String(size.contacts).padStart(8)}  ${name.padEnd(9)}  ${String(r.matching).padStart(8)}  ${`${r.pureEvaluationMs} ms`.padStart(15)}  ${String(r.walk.requests).padStart(8)}  ${`${r.walk.totalMs} ms`.padStart(10)}  ${`${r.walk.slowestRequestMs} ms`.padStart(15)}`,
        );
      }
    }
    console.log(`\nwrote ${resultsFile}`);
  } finally {
    local.client.destroy();
    await guard.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
