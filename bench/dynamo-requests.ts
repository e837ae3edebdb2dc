/**
 * `npx tsx bench/dynamo-requests.ts` (a step of `npm run bench`): how many DynamoDB requests, write
 * units and partitions one accepted email costs, counted on the wire (bench/dynamo-wire.ts, a
 * proxy in front of DynamoDB Local that every client of the stack goes through):
 *
 * 1. `single`: N emails through `POST /v1/emails` (the authorizer, the frame's rate window, the
 *    monthly quota, the record, SES, its status) until SES's two events (Send, Delivery) of each are
 *    recorded by the deployed events code, and the usage feed has counted the requests;
 * 2. `broadcast`: a small broadcast through the local sender, until every recipient is settled and
 *    its events are recorded (the set-up — contacts, list — is not counted).
 *
 * Prints, per accepted email: requests by operation, write and read requests, write units by
 * partition kind, the distinct partitions written and the hottest one's share of the write units,
 * and that share at 1,000 emails/s against DynamoDB's 1,000 WCU per partition. Writes
 * bench/dynamo-requests-results.json.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { broadcastKey } from '../lambdas/broadcasts/broadcast-store.js';
import { broadcastSesSender } from '../lambdas/broadcasts/ses-send.js';
import { suppressionReader } from '../lambdas/broadcasts/suppression.js';
import { stackSecret } from '../lambdas/http/cursor-secret.js';
import type { Documents } from '../lambdas/aws/aws-clients.js';
import { createLocalBroadcastQueue, startLocalSender } from '../local/broadcast-sender.js';
import { startGateway } from '../local/gateway.js';
import { localHandlers, silentLog } from '../local/handlers.js';
import { withLocalSesEvents } from '../local/ses-events-feed.js';
import { dynamoControlClient, localDocuments, sesClient, startSesLocal } from '../local/services.js';
import { ensureTables } from '../local/tables.js';
import { startUsageFeed } from '../local/usage-feed.js';
import { startLocalQueue } from '../local/webhook-pipeline.js';
import { seedVerifiedDomain } from '../test/support/domains.js';
import { testKey } from '../test/support/keys.js';
import { freePort } from '../test/support/ports.js';
import { JavaGuard } from './dynamo-local.js';
import { SHARDS } from '../lambdas/aws/shards.js';
import {
  itemBytes,
  startWireCounter,
  type Touch,
  type WireCounter,
  type WireRequest,
} from './dynamo-wire.js';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 300);
const CONCURRENCY = 10;
const RECIPIENTS = 150;
const PROJECT = 'proj_bench';
const TEAM = 'team_bench';
const DOMAIN = 'bench.example';
const TABLES = { apiKeys: 'ApiKeys', data: 'Data' } as const;
/** DynamoDB's per-partition ceilings, per second. */
const PARTITION_WCU = 1000;
const TARGET_RATE = 1000;
const resultsFile = fileURLToPath(new URL('./dynamo-requests-results.json', import.meta.url));

interface PhaseResult {
  readonly phase: string;
  readonly emails: number;
  readonly requestsPerEmail: number;
  readonly writeRequestsPerEmail: number;
  readonly readRequestsPerEmail: number;
  readonly byOperation: Record<string, number>;
  readonly writeUnitsPerEmail: number;
  readonly writeUnitsByPartitionKind: Record<string, number>;
  /** Per shard of each sharded kind at 1,000 emails/s, spread evenly. */
  readonly evenShardWcuAt1000PerSecond: Record<string, number>;
  readonly partitionsWritten: number;
  readonly hottestPartition: string;
  readonly hottestShare: number;
  /** The hottest partition's write units a second were this phase run at 1,000 emails/s. */
  readonly hottestWcuAt1000PerSecond: number;
  readonly headroomAt1000PerSecond: number;
}

async function main(): Promise<void> {
  const guard = new JavaGuard();
  const dynamo = await guard.start(await freePort());
  const wire = await startWireCounter(dynamo.endpoint);
  const ses = await startSesLocal({ port: await freePort() });
  const queue = await startLocalQueue({ port: 0 });
  const control = dynamoControlClient(dynamo.endpoint);
  const direct = localDocuments(dynamo.endpoint);
  const documents = localDocuments(wire.endpoint);
  try {
    await ensureTables(control, TABLES, { timeToLive: false });
    const store = { documents: direct, dataTable: TABLES.data };
    await seedVerifiedDomain(store, PROJECT, DOMAIN);
    const { key, item } = testKey({ teamId: TEAM, projectId: PROJECT, permission: 'full_access' }, 'test');
    await direct.send(new PutCommand({ TableName: TABLES.apiKeys, Item: item }));
    const usage = startUsageFeed({
      store: { documents, dataTable: TABLES.data, apiKeysTable: TABLES.apiKeys },
      intervalMs: 0,
    });
    const broadcastQueue = await createLocalBroadcastQueue(queue.sqs);
    // What the stack logged (an event not recorded…), printed: a count that waits on it must not hang silently.
    const log = {
      info: () => undefined,
      warn: (message: string, ...extra: Record<string, unknown>[]) => console.warn('warn', message, ...extra),
      error: (message: string, ...extra: Record<string, unknown>[]) =>
        console.error('error', message, ...extra),
    };
    const gateway = await startGateway(
      {
        ...localHandlers({
          documents,
          ses: sesClient(ses.endpoint),
          tables: TABLES,
          environment: 'test',
          log,
          broadcastQueue,
        }),
        onRequest: usage.record,
      },
      { host: '127.0.0.1', port: 0 },
    );
    const api = apiClient(gateway.url, key.key);
    const results: PhaseResult[] = [];
    try {
      wire.reset();
      const accepted = await sendSingles(api);
      console.log(`single: ${accepted} accepted, waiting for their events…`);
      await settled(wire, 2 * accepted);
      await usage.flush();
      results.push(await report('single', accepted, wire.requests, direct));

      const broadcastId = await prepareBroadcast(api);
      const events = { documents, dataTable: TABLES.data, now: () => new Date() };
      const sender = startLocalSender({
        ...events,
        queue: broadcastQueue,
        send: withLocalSesEvents(broadcastSesSender(sesClient(ses.endpoint)), events, log),
        apiBaseUrl: gateway.url,
        unsubscribeSecret: () => stackSecret({ documents, dataTable: TABLES.data }, 'UNSUBSCRIBE_SECRET'),
        isSuppressed: suppressionReader({ documents, dataTable: TABLES.data }),
        log: silentLog,
        maxSendRate: 100,
        workers: 4,
        scheduleIntervalMs: 0,
      });
      wire.reset();
      await api('POST', `/v1/broadcasts/${broadcastId}/send`, {});
      const sent = await broadcastDone(direct, broadcastId);
      await settled(wire, 2 * sent);
      await sender.stop();
      await usage.flush();
      results.push(await report('broadcast', sent, wire.requests, direct));
    } finally {
      await gateway.close();
      await usage.stop();
    }
    console.table(
      results.map(
        ({ byOperation: _o, writeUnitsByPartitionKind: _k, evenShardWcuAt1000PerSecond: _s, ...row }) => row,
      ),
    );
    for (const result of results) {
      console.log(`\n${result.phase}: requests per email by operation`, result.byOperation);
      console.log(
        `${result.phase}: write units per email by partition kind`,
        result.writeUnitsByPartitionKind,
      );
      console.log(
        `${result.phase}: per shard at 1,000 emails/s, spread evenly`,
        result.evenShardWcuAt1000PerSecond,
      );
    }
    writeFileSync(
      resultsFile,
      `${JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2)}\n`,
    );
  } finally {
    documents.destroy();
    direct.destroy();
    control.destroy();
    await wire.stop();
    await queue.stop();
    await ses.stop();
    await guard.stop();
  }
}

type Api = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

function apiClient(url: string, key: string): Api {
  return async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** Sends EMAILS emails, CONCURRENCY at a time; answers how many were accepted (a 503 on a loaded machine is not). */
async function sendSingles(api: Api): Promise<number> {
  let next = 0;
  let accepted = 0;
  const worker = async () => {
    while (next < EMAILS) {
      const index = next++;
      const sent = await api('POST', '/v1/emails', {
        from: `Bench <news@${DOMAIN}>`,
        to: [`r${index}@bench-recipients.example`],
        subject: `Order ${index}`,
        text: 'Your order has shipped.',
      }).then(
        () => true,
        (error: unknown) => {
          console.warn(String(error));
          return false;
        },
      );
      if (sent) accepted++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return accepted;
}

async function prepareBroadcast(api: Api): Promise<string> {
  const list = await api('POST', '/v1/lists', { name: 'bench' });
  for (let index = 0; index < RECIPIENTS; index++) {
    const contact = await api('POST', '/v1/contacts', {
      email: `c${index}@bench-recipients.example`,
      first_name: `C${index}`,
    });
    await api('PUT', `/v1/lists/${String(list.id)}/contacts/${String(contact.id)}`);
  }
  const broadcast = await api('POST', '/v1/broadcasts', {
    name: 'bench',
    from: `news@${DOMAIN}`,
    subject: 'Hi {{contact.first_name}}',
    text: 'News. {{unsubscribe_url}}',
    audience: { list_id: list.id },
  });
  return String(broadcast.id);
}

/** Polls the broadcast's item past the counter (uncounted) until it is no longer sending. */
async function broadcastDone(direct: Documents, id: string): Promise<number> {
  for (;;) {
    const { Item } = await direct.send(
      new GetCommand({ TableName: TABLES.data, Key: broadcastKey(PROJECT, id), ConsistentRead: true }),
    );
    if (Item && !['scheduled', 'sending'].includes(String(Item.status))) return Number(Item.sentCount ?? 0);
    await pause(200);
  }
}

/**
 * Waits until `events` SES events are recorded and the wire has been quiet for a moment, or until it
 * has been quiet for QUIET_GIVE_UP_MS short of that (an event the stack gave up on is logged above).
 */
async function settled(wire: WireCounter, events: number): Promise<void> {
  const recorded = () =>
    wire.requests.reduce(
      (sum, request) => sum + request.writes.filter((w) => w.sk?.startsWith('EMAIL_EVENT#')).length,
      0,
    );
  let quietSince = Date.now();
  let seen = wire.requests.length;
  for (;;) {
    await pause(recorded() < events ? 100 : 500);
    if (wire.requests.length !== seen) {
      seen = wire.requests.length;
      quietSince = Date.now();
      continue;
    }
    if (recorded() >= events) return;
    if (Date.now() - quietSince > QUIET_GIVE_UP_MS) {
      console.warn(`only ${recorded()} of ${events} SES events were recorded`);
      return;
    }
  }
}

const QUIET_GIVE_UP_MS = 5000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function report(
  phase: string,
  emails: number,
  requests: readonly WireRequest[],
  direct: Documents,
): Promise<PhaseResult> {
  const perEmail = (n: number) => Math.round((n / emails) * 100) / 100;
  const byOperation: Record<string, number> = {};
  for (const { operation } of requests) byOperation[operation] = (byOperation[operation] ?? 0) + 1;
  const writes = requests.filter((request) => request.writes.length > 0).length;
  const reads = requests.filter((request) => request.reads.length > 0).length;
  const sizes = await itemSizes(direct, requests);
  const unitsByPartition = new Map<string, number>();
  for (const touched of requests.flatMap((request) => request.writes)) {
    const bytes = touched.bytes ?? sizes.get(itemKey(touched)) ?? 1;
    const units = Math.max(1, Math.ceil(bytes / 1024)) * (touched.transactional ? 2 : 1);
    const partition = `${touched.table} ${touched.pk}`;
    unitsByPartition.set(partition, (unitsByPartition.get(partition) ?? 0) + units);
  }
  const totalUnits = [...unitsByPartition.values()].reduce((sum, units) => sum + units, 0);
  const unitsByKind: Record<string, number> = {};
  for (const [partition, units] of unitsByPartition) {
    const kind = partitionKind(partition);
    unitsByKind[kind] = (unitsByKind[kind] ?? 0) + units;
  }
  const byKind = Object.fromEntries(
    Object.entries(unitsByKind).map(([kind, units]) => [kind, perEmail(units)]),
  );
  // A sharded kind's load per shard at 1,000 emails/s, were its writes spread evenly (the hash's aim).
  const perShard = Object.fromEntries(
    Object.entries(unitsByKind)
      .filter(([kind]) => kind.endsWith('#{nn}'))
      .map(([kind, units]) => [kind, Math.round(((units / emails) * TARGET_RATE) / SHARDS)]),
  );
  const [hottest = '', hottestUnits = 0] = [...unitsByPartition].sort((a, b) => b[1] - a[1])[0] ?? [];
  const hottestShare = totalUnits === 0 ? 0 : hottestUnits / totalUnits;
  const hottestWcu = Math.round((hottestUnits / emails) * TARGET_RATE);
  return {
    phase,
    emails,
    requestsPerEmail: perEmail(requests.length),
    writeRequestsPerEmail: perEmail(writes),
    readRequestsPerEmail: perEmail(reads),
    byOperation: Object.fromEntries(Object.entries(byOperation).map(([op, n]) => [op, perEmail(n)])),
    writeUnitsPerEmail: perEmail(totalUnits),
    writeUnitsByPartitionKind: byKind,
    evenShardWcuAt1000PerSecond: perShard,
    partitionsWritten: unitsByPartition.size,
    hottestPartition: partitionKind(hottest),
    hottestShare: Math.round(hottestShare * 1000) / 1000,
    hottestWcuAt1000PerSecond: hottestWcu,
    headroomAt1000PerSecond: Math.round((PARTITION_WCU / Math.max(1, hottestWcu)) * 100) / 100,
  };
}

const itemKey = (touched: Touch) => `${touched.table}\n${touched.pk}\n${touched.sk ?? ''}`;

/** The size now of every item an update or delete wrote (read past the counter, after the run). */
async function itemSizes(direct: Documents, requests: readonly WireRequest[]): Promise<Map<string, number>> {
  const control = new Map<string, number>();
  const unsized = requests.flatMap((request) => request.writes).filter((w) => w.bytes === undefined);
  for (const touched of unsized) {
    const id = itemKey(touched);
    if (control.has(id) || touched.table !== TABLES.data || touched.sk === undefined) continue;
    const { Item } = await direct.send(
      new GetCommand({ TableName: touched.table, Key: { pk: touched.pk, sk: touched.sk } }),
    );
    control.set(id, Item ? itemBytes(marshalled(Item)) : 1);
  }
  return control;
}

/** A document-client item in DynamoDB's JSON, close enough for its size. */
function marshalled(item: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const value = (v: unknown): Record<string, unknown> => {
    if (typeof v === 'string') return { S: v };
    if (typeof v === 'number') return { N: String(v) };
    if (typeof v === 'boolean') return { BOOL: v };
    if (v instanceof Set) return { SS: [...v].map(String) };
    if (Array.isArray(v)) return { L: v.map(value) };
    if (typeof v === 'object' && v !== null) return { M: marshalled(v as Record<string, unknown>) };
    return { NULL: true };
  };
  return Object.fromEntries(Object.entries(item).map(([name, v]) => [name, value(v)]));
}

/** A partition with its ids replaced by what they stand for, e.g. `Data PROJECT#{project}#EMAILS#{nn}`. */
export function partitionKind(partition: string): string {
  return partition
    .replace(/^ApiKeys .*/, 'ApiKeys {keyId}')
    .replace(PROJECT, '{project}')
    .replace(TEAM, '{team}')
    .replace(/SESMSG#.*/, 'SESMSG#{messageId}')
    .replace(/RATE#.*/, 'RATE#{keyId}')
    .replace(/USAGE_BATCH#.*/, 'USAGE_BATCH#{batch}')
    .replace(/\b[a-z]{2,4}_[0-9A-Za-z]{22}\b/g, '{id}')
    .replace(/#\d{2}$/, '#{nn}');
}

await main();
