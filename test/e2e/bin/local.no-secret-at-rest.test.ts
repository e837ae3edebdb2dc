/**
 * No secret at rest, anywhere the project writes, through the real `npm start` stack (bin/local.ts in
 * a child process, its output captured): after a busy sequence of calls — keys created with and
 * without an Idempotency-Key, replays, a second key repeating the first's Idempotency-Key, a rotation,
 * an edit, a pasted key, a revoke, sends, webhooks, audit reads — a scan of both tables finds no whole
 * key and no key hash outside ApiKeys' `keyHash` / `previousKeyHash`; the stack's own log lines and
 * the webhook payloads hold none either. Before that, the start-up clean-up removes a stored answer
 * an older version left with a secret in it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateApiKey } from '../../../lambdas/keys/api-key.js';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../../../lambdas/aws/aws-clients.js';
import { LOCAL } from '../../../local/config.js';
import { localDocuments } from '../../../local/services.js';
import { call, type CallResult } from '../../support/http-client.js';
import { freePort } from '../../support/ports.js';
import { type Receiver, startReceiver } from '../../support/webhook-receiver.js';

const WHOLE_KEY = /sk_(?:live|test)_[0-9A-Za-z]{50}/;
const dataDir = mkdtempSync(join(tmpdir(), 'scopegate-secrets-'));
let env: NodeJS.ProcessEnv;
let apiUrl: string;
let dynamoEndpoint: string;

beforeAll(async () => {
  const ports = {
    api: await freePort(),
    dynamo: await freePort(),
    ses: await freePort(),
    sqs: await freePort(),
    messaging: await freePort(),
  };
  apiUrl = `http://127.0.0.1:${ports.api}`;
  dynamoEndpoint = `http://127.0.0.1:${ports.dynamo}`;
  env = {
    ...process.env,
    SCOPEGATE_API_PORT: String(ports.api),
    SCOPEGATE_DYNAMODB_PORT: String(ports.dynamo),
    SCOPEGATE_SES_PORT: String(ports.ses),
    SCOPEGATE_SQS_PORT: String(ports.sqs),
    SCOPEGATE_MESSAGING_PORT: String(ports.messaging),
    SCOPEGATE_DATA_DIR: dataDir,
    // Every log line the stack can write: a debug line holding a key must be caught too.
    SCOPEGATE_VERBOSE: '1',
  };
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  readonly child: ChildProcess;
  /** Everything the stack printed so far, stdout and stderr. */
  readonly printed: () => string;
}

function start(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop everything.')) resolve({ child, printed: () => output });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => reject(new Error(`bin/local.ts exited with ${code}:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

type Item = Record<string, unknown>;

async function scan(documents: Documents, table: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Every text an attribute holds, binary values gunzipped when they are gzip (else read as text). */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return [String(value)];
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    return [
      bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8'),
    ];
  }
  if (value instanceof Set) return [...value].flatMap(textsOf);
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([name, entry]) => [name, ...textsOf(entry)]);
  }
  return [];
}

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

describe('no secret at rest', { timeout: 240_000 }, () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('cleans what older versions stored, then a busy sequence leaves no key or hash in the tables, the logs or the webhooks', async () => {
    // Arrange: a first start (it prints the first key, once), and a stored answer as an older
    // version wrote it, with a key's secret in it.
    const first = await start();
    const admin = WHOLE_KEY.exec(first.printed())?.[0] ?? '';
    const documents = localDocuments(dynamoEndpoint);
    const legacySecret = generateApiKey('test').key;
    const legacy = {
      pk: `PROJECT#${LOCAL.projectId}`,
      sk: 'IDEMPOTENCY#createApiKey#0123456789abcdef',
      status: 'completed',
      responseStatus: 201,
      response: gzipSync(JSON.stringify({ id: 'legacy', key: legacySecret })),
      ttl: Math.floor(Date.now() / 1000) + 3600,
    };
    try {
      expect(admin).not.toBe('');
      await documents.send(new PutCommand({ TableName: LOCAL.tables.data, Item: legacy }));
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    // Act 1: the restart removes it.
    const second = await start();
    const keys = new Set<string>([admin, legacySecret]);
    try {
      expect(second.printed()).toContain('Removed 1 stored idempotent answer(s) that held a secret');
      const { Item } = await documents.send(
        new GetCommand({
          TableName: LOCAL.tables.data,
          Key: { pk: legacy.pk, sk: legacy.sk },
          ConsistentRead: true,
        }),
      );
      expect(Item).toBeUndefined();
      const logsFrom = second.printed().length;

      // Act 2: the busy sequence.
      const api = async (
        method: string,
        path: string,
        key: string,
        body?: unknown,
        idempotencyKey?: string,
      ) => {
        const answer: CallResult = await call(apiUrl, {
          method,
          path,
          key,
          ...(body === undefined ? {} : { body }),
          ...(idempotencyKey === undefined ? {} : { headers: { 'Idempotency-Key': idempotencyKey } }),
        });
        if (typeof answer.json.key === 'string') keys.add(answer.json.key);
        return answer;
      };
      const webhook = await api(
        'POST',
        '/v1/webhooks',
        admin,
        {
          url: receiver.url,
          events: ['api_key.created', 'api_key.updated', 'api_key.rotated', 'api_key.revoked', 'email.sent'],
        },
        'hook-1',
      );
      expect(webhook.status).toBe(201);
      expect(
        (
          await api(
            'POST',
            '/v1/webhooks',
            admin,
            {
              url: receiver.url,
              events: [
                'api_key.created',
                'api_key.updated',
                'api_key.rotated',
                'api_key.revoked',
                'email.sent',
              ],
            },
            'hook-1',
          )
        ).status,
      ).toBe(200);
      const body = { name: 'ci', permission: 'full_access' };
      const created = await api('POST', '/v1/api-keys', admin, body, 'key-1');
      expect(created.status).toBe(201);
      expect((await api('POST', '/v1/api-keys', admin, body, 'key-1')).status).toBe(200);
      const plain = await api('POST', '/v1/api-keys', admin, {
        name: 'plain',
        permissions: { emails: 'full' },
      });
      expect(plain.status).toBe(201);
      const second_ = String(created.json.key);
      // Another key repeats the first's Idempotency-Key and body: its own key.
      expect((await api('POST', '/v1/api-keys', second_, body, 'key-1')).status).toBe(201);
      expect(
        (
          await api('POST', `/v1/api-keys/${String(plain.json.id)}/rotate`, admin, {
            grace_period_seconds: 3600,
          })
        ).status,
      ).toBe(200);
      expect(
        (await api('PATCH', `/v1/api-keys/${String(plain.json.id)}`, admin, { name: 'renamed' })).status,
      ).toBe(200);
      expect((await api('DELETE', `/v1/api-keys/${second_}`, admin)).status).toBe(404);
      expect((await api('GET', `/v1/api-keys/${second_}/usage`, admin)).status).toBe(404);
      expect((await api('DELETE', `/v1/api-keys/${String(created.json.id)}`, admin)).status).toBe(200);
      const email = { from: 'hello@example.com', to: 'someone@example.org', subject: 'Hi', text: 'x' };
      expect((await api('POST', '/v1/emails', admin, email, 'mail-1')).status).toBe(200);
      expect((await api('POST', '/v1/emails', admin, email, 'mail-1')).headers['idempotent-replayed']).toBe(
        'true',
      );
      expect((await api('POST', '/v1/emails', admin, email)).status).toBe(200);
      expect((await api('POST', '/v1/emails/batch', admin, [email, email], 'batch-1')).status).toBe(200);
      expect(
        (await api('POST', '/v1/templates', admin, { name: 'welcome', text: 'Hi there' }, 'tpl-1')).status,
      ).toBe(201);
      expect((await api('POST', `/v1/webhooks/${String(webhook.json.id)}/test`, admin)).status).toBe(200);
      expect((await api('GET', '/v1/audit-log?limit=100', admin)).text).not.toMatch(WHOLE_KEY);
      expect((await api('GET', '/v1/api-keys?limit=100', admin)).status).toBe(200);
      // The key events reach the webhook (the pipeline runs on its own; no sleep, a bounded wait).
      await vi.waitFor(
        () => {
          const types = receiver.received.map(
            (delivery) => (JSON.parse(delivery.body) as { type: string }).type,
          );
          expect(types).toEqual(
            expect.arrayContaining([
              'api_key.created',
              'api_key.rotated',
              'api_key.updated',
              'api_key.revoked',
            ]),
          );
        },
        { timeout: 60_000, interval: 250 },
      );

      // Assert: both tables.
      const apiKeyItems = await scan(documents, LOCAL.tables.apiKeys);
      const dataItems = await scan(documents, LOCAL.tables.data);
      const storedHashes = new Set(
        apiKeyItems.flatMap((item) =>
          [item.keyHash, item.previousKeyHash].filter((hash) => typeof hash === 'string'),
        ),
      );
      // Every key this sequence saw is one whose hash ApiKeys holds (the legacy one aside).
      for (const key of keys) if (key !== legacySecret) expect(storedHashes).toContain(sha256(key));
      const hashes = new Set([...storedHashes, ...[...keys].map(sha256)]) as Set<string>;
      const elsewhere = [
        ...apiKeyItems.map(({ keyHash: _h, previousKeyHash: _p, ...rest }) => rest),
        ...dataItems,
      ].flatMap(textsOf);
      expect(elsewhere.length).toBeGreaterThan(100);
      const leaks = elsewhere.filter(
        (text) => WHOLE_KEY.test(text) || [...hashes].some((hash) => text.includes(hash)),
      );
      expect(leaks).toEqual([]);

      // Assert: the webhook payloads, and the stack's own log lines during the sequence.
      const payloads = receiver.received.map((delivery) => delivery.body).join('\n');
      const logs = second.printed().slice(logsFrom);
      expect(logs).toContain(`/v1/api-keys/sk_test_${second_.slice(8, 20)} 404`);
      for (const text of [payloads, logs]) {
        expect(text).not.toMatch(WHOLE_KEY);
        for (const hash of hashes) expect(text).not.toContain(hash);
      }
    } finally {
      documents.destroy();
      expect(await stop(second.child)).toBe(0);
    }
  });
});
