/**
 * `npx tsx bench/broadcast.ts` (a step of `npm run bench`): a 10,000-contact broadcast through the
 * local stack's own parts — DynamoDB Local, the local SES held to SCOPEGATE_SES_MAX_SEND_RATE (50
 * here) by its throttling proxy, fauxqs, the local gateway and the local sender loops — twice:
 *
 * 1. clean: create → send over HTTP, until the broadcast is `sent`;
 * 2. faults: the sender is killed a third of the way in (in-flight claims abandoned, a new sender
 *    started at once) and SES answers 500 for 10 s two thirds of the way in.
 *
 * Reports the achieved rate, the wall time against the ideal 10,000 / R seconds, duplicates (an
 * address the local SES received twice), lost recipients (not settled, or settled `sent` but never
 * received) and the throttles the pipeline absorbed. Writes bench/broadcast-results.json.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type ContactRecord, contactItem } from '../lambdas/audience/contacts.js';
import { memberKey } from '../lambdas/audience/item-keys.js';
import { broadcastSesSender } from '../lambdas/broadcasts/ses-send.js';
import { suppressionReader } from '../lambdas/broadcasts/suppression.js';
import { stackSecret } from '../lambdas/http/cursor-secret.js';
import { newId } from '../lambdas/shared/ids.js';
import {
  createLocalBroadcastQueue,
  DEFAULT_LOCAL_SENDERS,
  type LocalSender,
  startLocalSender,
} from '../local/broadcast-sender.js';
import { startGateway } from '../local/gateway.js';
import { localHandlers, silentLog } from '../local/handlers.js';
import { withLocalSesEvents } from '../local/ses-events-feed.js';
import { localDocuments, sesClient, startSesLocal } from '../local/services.js';
import type { SentHeaders } from '../local/ses-throttle.js';
import { ensureTables } from '../local/tables.js';
import { startLocalQueue } from '../local/webhook-pipeline.js';
import { seedVerifiedDomain } from '../test/support/domains.js';
import { testKey } from '../test/support/keys.js';
import { freePort } from '../test/support/ports.js';
import { JavaGuard } from './dynamo-local.js';

/** Smaller runs for profiling (`BENCH_BROADCAST_CONTACTS=2000 BENCH_BROADCAST_RUNS=clean`) print, and write nothing. */
const CONTACTS = Number(process.env.BENCH_BROADCAST_CONTACTS ?? 10_000);
const RUNS = (process.env.BENCH_BROADCAST_RUNS ?? 'clean,faults').split(',').filter(isRun);
const RATE = 50;
const PROJECT = 'proj_bench';
const DOMAIN = 'bench.example';
const resultsFile = fileURLToPath(new URL('./broadcast-results.json', import.meta.url));

interface RunResult {
  readonly run: string;
  readonly contacts: number;
  readonly maxSendRate: number;
  readonly wallSeconds: number;
  readonly idealSeconds: number;
  readonly ratioToIdeal: number;
  readonly achievedRate: number;
  readonly sent: number;
  readonly failed: number;
  readonly failureReasons: Record<string, number>;
  readonly duplicates: number;
  readonly lost: number;
  readonly throttlesAbsorbed: number;
  readonly ses5xxAbsorbed: number;
  /** What the sender logged, by message: why a recipient ended unknown_outcome, when one did. */
  readonly logged: Record<string, number>;
}

async function main(): Promise<void> {
  const guard = new JavaGuard();
  const dynamo = await guard.start(await freePort());
  const ses = await startSesLocal({ port: await freePort(), maxSendRate: RATE });
  const queue = await startLocalQueue({ port: 0 });
  const results: RunResult[] = [];
  try {
    for (const run of RUNS) {
      results.push(await oneRun(run, dynamo.client, dynamo.endpoint, ses, queue.sqs));
      console.table([results.at(-1)]);
    }
  } finally {
    await queue.stop();
    await ses.stop();
    await guard.stop();
  }
  if (CONTACTS !== 10_000 || RUNS.length !== 2) return;
  writeFileSync(
    resultsFile,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2)}\n`,
  );
}

function isRun(name: string): name is 'clean' | 'faults' {
  return name === 'clean' || name === 'faults';
}

async function oneRun(
  run: 'clean' | 'faults',
  dynamoClient: Parameters<typeof ensureTables>[0],
  endpoint: string,
  ses: Awaited<ReturnType<typeof startSesLocal>>,
  sqs: Awaited<ReturnType<typeof startLocalQueue>>['sqs'],
): Promise<RunResult> {
  console.log(`\n${run}: seeding ${CONTACTS} contacts…`);
  const tables = { apiKeys: `ApiKeys-bc-${run}`, data: `Data-bc-${run}` };
  await ensureTables(dynamoClient, tables);
  const documents = localDocuments(endpoint);
  const store = { documents, dataTable: tables.data };
  await seedVerifiedDomain(store, PROJECT, DOMAIN);
  const { key, item } = testKey(
    { teamId: 'team_bench', projectId: PROJECT, permission: 'full_access' },
    'test',
  );
  await documents.send(new PutCommand({ TableName: tables.apiKeys, Item: item }));
  const broadcastQueue = await createLocalBroadcastQueue(sqs);
  const gateway = await startGateway(
    localHandlers({
      documents,
      ses: sesClient(ses.endpoint),
      tables,
      environment: 'test',
      log: silentLog,
      broadcastQueue,
    }),
    { host: '127.0.0.1', port: 0 },
  );
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
  const list = await api('POST', '/v1/lists', { name: `bench ${run}` });
  await seedMembers(store, String(list.id), run);
  const events = { ...store, now: () => new Date() };
  const logged: Record<string, number> = {};
  const count = (message: string) => {
    logged[message] = (logged[message] ?? 0) + 1;
  };
  const log = { info: () => undefined, warn: count, error: count };
  const startSender = (): LocalSender =>
    startLocalSender({
      ...events,
      queue: broadcastQueue,
      send: withLocalSesEvents(broadcastSesSender(sesClient(ses.endpoint)), events, log),
      apiBaseUrl: gateway.url,
      unsubscribeSecret: () => stackSecret(store, 'UNSUBSCRIBE_SECRET'),
      isSuppressed: suppressionReader(store),
      log,
      maxSendRate: RATE,
      workers: DEFAULT_LOCAL_SENDERS,
      scheduleIntervalMs: 0,
    });
  let sender = startSender();
  const before = await sesStats(ses.endpoint);
  const headersBefore = (await receivedHeaders(ses.endpoint)).length;
  const broadcast = await api('POST', '/v1/broadcasts', {
    name: `bench ${run}`,
    from: `news@${DOMAIN}`,
    subject: 'Hi {{contact.first_name}}',
    text: 'Plan {{contact.properties.plan}}. {{unsubscribe_url}}',
    audience: { list_id: list.id },
  });
  const id = String(broadcast.id);
  console.log(`${run}: sending…`);
  const start = Date.now();
  await api('POST', `/v1/broadcasts/${id}/send`, {});
  let killed = false;
  let failed = false;
  let current: Record<string, unknown>;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // A loaded machine may answer a poll 503 (a DynamoDB Local call past its bound): poll again.
    const polled = await api('GET', `/v1/broadcasts/${id}`).catch((error: unknown) => {
      count(`status poll failed: ${error instanceof Error ? error.message.slice(0, 60) : 'unknown'}`);
      return undefined;
    });
    if (!polled) continue;
    current = polled;
    const counts = current.counts as Record<string, number>;
    const settled = (counts.sent ?? 0) + (counts.failed ?? 0);
    if (run === 'faults' && !killed && settled >= CONTACTS / 3) {
      killed = true;
      sender.kill();
      sender = startSender();
      console.log(`${run}: sender killed at ${settled} settled, a new one started`);
    }
    if (run === 'faults' && !failed && settled >= (2 * CONTACTS) / 3) {
      failed = true;
      sesFail(ses, 10_000);
      console.log(`${run}: SES answers 500 for 10 s from ${settled} settled`);
    }
    if (current.status !== 'sending') break;
    if ((Date.now() - start) / 1000 > 3 * (CONTACTS / RATE))
      throw new Error(`${run}: not done after 3× the ideal time`);
  }
  const wallSeconds = (Date.now() - start) / 1000;
  await sender.stop();
  const after = await sesStats(ses.endpoint);
  const received = (await receivedHeaders(ses.endpoint)).slice(headersBefore).flatMap((entry) => entry.to);
  const perAddress = new Map<string, number>();
  for (const to of received) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
  const duplicates = [...perAddress.values()].reduce((sum, n) => sum + (n - 1), 0);
  // Read after the run, with the same patience for a 503 as the status poll.
  const patient = async (method: string, path: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await api(method, path);
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
  };
  const recipients = await allRecipients(patient, id);
  const failureReasons: Record<string, number> = {};
  let lost = 0;
  for (const recipient of recipients) {
    if (recipient.status === 'failed')
      failureReasons[recipient.failure_reason ?? '?'] =
        (failureReasons[recipient.failure_reason ?? '?'] ?? 0) + 1;
    if (recipient.status === 'queued') lost++;
    if (['sent', 'delivered'].includes(recipient.status) && !perAddress.has(recipient.email)) lost++;
  }
  lost += CONTACTS - recipients.length;
  await gateway.close();
  documents.destroy();
  const counts = current.counts as Record<string, number>;
  const idealSeconds = CONTACTS / RATE;
  return {
    run,
    contacts: CONTACTS,
    maxSendRate: RATE,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    idealSeconds,
    ratioToIdeal: Math.round((wallSeconds / idealSeconds) * 1000) / 1000,
    achievedRate: Math.round(((counts.sent ?? 0) / wallSeconds) * 10) / 10,
    sent: counts.sent ?? 0,
    failed: counts.failed ?? 0,
    failureReasons,
    duplicates,
    lost,
    throttlesAbsorbed: after.throttled - before.throttled,
    ses5xxAbsorbed: after.failed - before.failed,
    logged,
  };
}

/** The local SES's proxy is in this process: its fault switch is reached through the SES handle. */
function sesFail(ses: Awaited<ReturnType<typeof startSesLocal>>, ms: number): void {
  ses.throttle.failFor(ms);
}

async function sesStats(endpoint: string): Promise<{ throttled: number; failed: number; accepted: number }> {
  return (await (await fetch(`${endpoint}/store/send-stats`)).json()) as {
    throttled: number;
    failed: number;
    accepted: number;
  };
}

async function receivedHeaders(endpoint: string): Promise<SentHeaders[]> {
  return (await (await fetch(`${endpoint}/store/headers`)).json()) as SentHeaders[];
}

async function allRecipients(
  api: (method: string, path: string) => Promise<Record<string, unknown>>,
  id: string,
): Promise<{ email: string; status: string; failure_reason?: string }[]> {
  const all: { email: string; status: string; failure_reason?: string }[] = [];
  let cursor: string | null = null;
  do {
    const page = await api(
      'GET',
      `/v1/broadcasts/${id}/recipients?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    all.push(...(page.data as typeof all));
    cursor = page.next_cursor as string | null;
  } while (cursor);
  return all;
}

/** Contacts and their memberships written directly (BatchWrite), as the audience service stores them. */
async function seedMembers(
  store: { documents: ReturnType<typeof localDocuments>; dataTable: string },
  listId: string,
  run: string,
): Promise<void> {
  const base = Date.UTC(2026, 0, 1);
  const items: Record<string, unknown>[] = [];
  for (let index = 0; index < CONTACTS; index++) {
    const at = new Date(base + index);
    const contact: ContactRecord = {
      id: newId('ct', at),
      projectId: PROJECT,
      email: `c${index}-${run}@bench-recipients.example`,
      firstName: `C${index}`,
      properties: { plan: index % 3 === 0 ? 'pro' : 'free' },
      unsubscribed: false,
      lists: [listId],
      version: 1,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
    items.push(contactItem(contact));
    items.push({
      ...memberKey(PROJECT, listId, contact.id),
      listId,
      contactId: contact.id,
      createdAt: at.toISOString(),
    });
  }
  for (let start = 0; start < items.length; start += 25) {
    let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await store.documents.send(
        new BatchWriteCommand({ RequestItems: { [store.dataTable]: requests } }),
      );
      requests = (UnprocessedItems?.[store.dataTable] ?? []) as typeof requests;
    }
  }
}

await main();
