/**
 * `npx tsx bench/events.ts` (the last step of `npm run bench`): the SES events path and the webhook
 * pipeline against DynamoDB Local, in one process.
 *
 * (a) events processed: N emails are seeded with their SES message index items (markEmail, as the
 *     sending code writes them), then their SES events (Send, then Delivery or Bounce, the JSON
 *     local/ses-events.ts makes) go one at a time through processSesEvent, as the queue consumer
 *     runs a batch. Reports events/s over the whole run and p50/p99 per event.
 * (b) send → webhook: the local gateway, the local SES, fauxqs and the outbox/queue pollers
 *     (local/webhook-pipeline.ts) on free ports, a webhook for `email.sent` pointing at a receiver on
 *     127.0.0.1. Emails are sent one after another, each once the previous one's `email.sent` arrived;
 *     reports the time from the send request to the receipt, split at the event's `created_at`.
 *
 * Bounded: each webhook is waited for at most RECEIPT_TIMEOUT_MS; the run stops at the first miss.
 * Prints a short table and writes bench/events-results.json.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createProject } from '../lambdas/account/projects.js';
import { createTeam } from '../lambdas/account/teams.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../lambdas/aws/aws-clients.js';
import { type ProcessOutcome, processSesEvent } from '../lambdas/provider-events/process.js';
import { markEmail, putEmail } from '../lambdas/sending/email-store.js';
import { startGateway } from '../local/gateway.js';
import { localHandlers, silentLog } from '../local/handlers.js';
import { localDocuments, sesClient, startSesLocal } from '../local/services.js';
import { type SesEventJson, sesEventsFor } from '../local/ses-events.js';
import { ensureTables } from '../local/tables.js';
import { runPipeline, startLocalQueue, webhookPipeline } from '../local/webhook-pipeline.js';
import { seedVerifiedDomain } from '../test/support/domains.js';
import { testKey } from '../test/support/keys.js';
import { freePort } from '../test/support/ports.js';
import { JavaGuard } from './dynamo-local.js';
import { elapsedNs, type Latency, round, summarise } from './stats.js';

const SETTINGS = {
  processing: { emails: 1_000, warmupEmails: 50, bounceEvery: 5 },
  endToEnd: { emails: 200, warmupEmails: 5, pollIntervalMs: 100 },
} as const;
const RECEIPT_TIMEOUT_MS = 10_000;
const TEAM = 'team_bench';
const PROJECT = 'proj_bench';
const DOMAIN = 'bench.example';

const resultsFile = fileURLToPath(new URL('./events-results.json', import.meta.url));

interface MsSummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

const ms = (latency: Latency): MsSummary => ({
  samples: latency.samples,
  p50Ms: round(latency.p50Ns / 1e6, 2),
  p99Ms: round(latency.p99Ns / 1e6, 2),
  meanMs: round(latency.meanNs / 1e6, 2),
});

async function main(): Promise<void> {
  const loadBefore = loadavg().map((value) => round(value));
  const guard = new JavaGuard();
  const local = await guard.start(await freePort());
  try {
    console.log(`… (a) processSesEvent: ${SETTINGS.processing.emails} emails' SES events`);
    const documents = localDocuments(local.endpoint);
    const processing = await measureProcessing(local.client, documents);
    console.log(`… (b) send → webhook: ${SETTINGS.endToEnd.emails} emails, one after another`);
    const endToEnd = await measureEndToEnd(local.client, documents);
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg().map((value) => round(value)),
      settings: SETTINGS,
      processing,
      endToEnd,
    };
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    print(results.processing, results.endToEnd, loadBefore, results.loadAverageAfter);
    console.log(`\nwrote ${resultsFile}`);
  } finally {
    local.client.destroy();
    await guard.stop();
  }
}

/** (a): seeds emails indexed by SES message id, then times processSesEvent on each of their events. */
async function measureProcessing(dynamo: DynamoDBClient, documents: Documents) {
  const dataTable = 'Data-events';
  await ensureTables(dynamo, { apiKeys: 'ApiKeys-events', data: dataTable });
  const store = { documents, dataTable };
  const { emails, warmupEmails, bounceEvery } = SETTINGS.processing;
  const start = new Date();
  const events: SesEventJson[] = [];
  for (let index = 0; index < emails + warmupEmails; index++) {
    const id = `em_bench${String(index).padStart(6, '0')}`;
    const messageId = `0100bench-${index}-000000`;
    const to = index % bounceEvery === 0 ? 'bounce@simulator.amazonses.com' : `user${index}@example.org`;
    const at = new Date(start.getTime() + index).toISOString();
    await putEmail(store, {
      id,
      projectId: PROJECT,
      keyId: 'key_bench',
      status: 'queued',
      from: `hello@${DOMAIN}`,
      to: [to],
      cc: [],
      bcc: [],
      replyTo: [],
      subject: 'bench',
      tags: [],
      createdAt: at,
      updatedAt: at,
    });
    await markEmail(store, { projectId: PROJECT, id }, { status: 'sent', sesMessageId: messageId, at });
    events.push(...sesEventsFor({ messageId, from: `hello@${DOMAIN}`, recipients: [to], tags: [] }, start));
  }
  const deps = { ...store, now: () => new Date() };
  const warmup = events.splice(0, warmupEmails * 2);
  for (const event of warmup) await processSesEvent(deps, event);

  const samples = new Float64Array(events.length);
  const outcomes: Partial<Record<ProcessOutcome, number>> = {};
  const types: Record<string, number> = {};
  const runStart = process.hrtime.bigint();
  for (const [index, event] of events.entries()) {
    const begin = process.hrtime.bigint();
    const outcome = await processSesEvent(deps, event);
    samples[index] = elapsedNs(begin);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    types[event.eventType] = (types[event.eventType] ?? 0) + 1;
  }
  const totalMs = elapsedNs(runStart) / 1e6;
  if (outcomes.recorded !== events.length) {
    throw new Error(`(a) expected every event recorded, got ${JSON.stringify(outcomes)}`);
  }
  return {
    what: 'processSesEvent (GetItem on the SES message index, TransactWrite event + project event, 2 conditional UpdateItems), sequential',
    events: events.length,
    eventTypes: types,
    totalMs: Math.round(totalMs),
    eventsPerSecond: round(events.length / (totalMs / 1000), 1),
    perEvent: ms(summarise(samples)),
  };
}

/** (b): the local stack's pieces in process; each send waits for its `email.sent` webhook. */
async function measureEndToEnd(dynamo: DynamoDBClient, documents: Documents) {
  const tables = { apiKeys: 'ApiKeys-e2e', data: 'Data-e2e' };
  await ensureTables(dynamo, tables);
  const store = { documents, dataTable: tables.data };
  await createTeam(store, { id: TEAM, name: 'bench' });
  await createProject(store, { id: PROJECT, teamId: TEAM, name: 'bench' });
  await seedVerifiedDomain(store, PROJECT, DOMAIN);
  const { key, item } = testKey({ teamId: TEAM, projectId: PROJECT, permission: 'full_access' }, 'test');
  await documents.send(new PutCommand({ TableName: tables.apiKeys, Item: item }));

  const since = new Date(Date.now() - 1000);
  const ses = await startSesLocal({ port: await freePort() });
  const gateway = await startGateway(
    localHandlers({ documents, ses: sesClient(ses.endpoint), tables, environment: 'test', log: silentLog }),
    { host: '127.0.0.1', port: 0 },
  );
  const queue = await startLocalQueue({ port: 0 });
  const pipeline = runPipeline(
    webhookPipeline({
      documents,
      dataTable: tables.data,
      queue: { sqs: queue.sqs, queueUrl: queue.queueUrl, timeScale: 1 },
      now: () => new Date(),
      since,
      log: silentLog,
    }),
    silentLog,
    SETTINGS.endToEnd.pollIntervalMs,
  );
  const receiver = await startReceiver();
  try {
    const api = async (path: string, body: unknown) => {
      const response = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    await api('/v1/webhooks', { url: receiver.url, events: ['email.sent'] });

    const { emails, warmupEmails } = SETTINGS.endToEnd;
    const total = new Float64Array(emails);
    const toEvent = new Float64Array(emails);
    const toReceipt = new Float64Array(emails);
    const sendAnswer = new Float64Array(emails);
    let measured = 0;
    for (let index = 0; index < emails + warmupEmails; index++) {
      const sentAtMs = Date.now();
      const begin = process.hrtime.bigint();
      const sent = await api('/v1/emails', {
        from: `hello@${DOMAIN}`,
        to: `user${index}@example.org`,
        subject: 'bench',
        text: 'x',
      });
      const answeredNs = elapsedNs(begin);
      const delivery = await receiver.waitFor(String(sent.id), RECEIPT_TIMEOUT_MS);
      const totalNs = Number(delivery.receivedAt - begin);
      if (index < warmupEmails) continue;
      total[measured] = totalNs;
      sendAnswer[measured] = answeredNs;
      // created_at has millisecond precision: the split is to the millisecond.
      const eventNs = (Date.parse(delivery.createdAt) - sentAtMs) * 1e6;
      toEvent[measured] = eventNs;
      toReceipt[measured] = totalNs - eventNs;
      measured++;
    }
    return {
      what: 'POST /v1/emails → local SES → local SES events → processSesEvent → EVENT# item → outbox poll (Scan) → fan-out → fauxqs → queue poll → signed POST to 127.0.0.1',
      pollIntervalMs: SETTINGS.endToEnd.pollIntervalMs,
      emails: measured,
      sendToReceipt: ms(summarise(total)),
      sendRequestAnswered: ms(summarise(sendAnswer)),
      sendToEventCreatedAt: ms(summarise(toEvent)),
      eventCreatedAtToReceipt: ms(summarise(toReceipt)),
    };
  } finally {
    await pipeline.stop();
    await receiver.close();
    await queue.stop();
    await gateway.close();
    await ses.stop();
  }
}

interface Receipt {
  readonly receivedAt: bigint;
  readonly createdAt: string;
}

/** A receiver on 127.0.0.1 that notes when each `email.sent` for an email id arrives. */
async function startReceiver() {
  const receipts = new Map<string, Receipt>();
  const waiting = new Map<string, (receipt: Receipt) => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAt = process.hrtime.bigint();
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        type?: string;
        created_at?: string;
        data?: { email_id?: string };
      };
      const emailId = payload.data?.email_id;
      if (payload.type !== 'email.sent' || !emailId || receipts.has(emailId)) return;
      const receipt = { receivedAt, createdAt: String(payload.created_at) };
      receipts.set(emailId, receipt);
      waiting.get(emailId)?.(receipt);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    waitFor: (emailId: string, timeoutMs: number): Promise<Receipt> => {
      const known = receipts.get(emailId);
      if (known) return Promise.resolve(known);
      return new Promise<Receipt>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(emailId);
          reject(new Error(`(b) no email.sent webhook for ${emailId} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(emailId, (receipt) => {
          clearTimeout(timer);
          waiting.delete(emailId);
          resolve(receipt);
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function print(
  processing: Awaited<ReturnType<typeof measureProcessing>>,
  endToEnd: Awaited<ReturnType<typeof measureEndToEnd>>,
  loadBefore: number[],
  loadAfter: number[],
): void {
  const row = (name: string, summary: MsSummary) =>
    `${name.padEnd(44)} ${String(summary.p50Ms).padStart(9)} ${String(summary.p99Ms).padStart(9)} ${String(summary.meanMs).padStart(9)}`;
  console.log('');
  console.log(
    `${'measurement (ms)'.padEnd(44)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'mean'.padStart(9)}`,
  );
  console.log(row(`(a) processSesEvent, per event (${processing.events})`, processing.perEvent));
  console.log(row(`(b) send → email.sent received (${endToEnd.emails})`, endToEnd.sendToReceipt));
  console.log(row('    send request answered', endToEnd.sendRequestAnswered));
  console.log(row('    send → event created_at', endToEnd.sendToEventCreatedAt));
  console.log(row('    created_at → received', endToEnd.eventCreatedAtToReceipt));
  console.log(
    `\n(a) ${processing.eventsPerSecond} events/s (${processing.events} events in ${processing.totalMs} ms, ${JSON.stringify(processing.eventTypes)})`,
  );
  console.log(`(b) pipeline polled every ${endToEnd.pollIntervalMs} ms (npm start: 1000 ms)`);
  console.log(`load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
