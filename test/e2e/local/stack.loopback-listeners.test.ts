/**
 * `npm start`'s stand-ins are for this machine only: started exactly as bin/local.ts starts them,
 * every socket the stack opens in this process (the API, the local SES and its upstream, the SMS and
 * WhatsApp stand-in, the webhook jobs' queue) listens on 127.0.0.1, whatever its package does by
 * default. DynamoDB Local is a Java process of its own and is not covered here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalQueue } from '../../../local/webhook-pipeline.js';
import { type LocalStack, localStackOptions, startLocalStack } from '../../../local/stack.js';
import {
  isLoopback,
  type ListeningSocket,
  listeningSocketsOfThisProcess,
} from '../../support/listening-sockets.js';
import { freePort } from '../../support/ports.js';

const dataDir = mkdtempSync(join(tmpdir(), 'scopegate-loopback-'));
let stack: LocalStack | undefined;
let ports: { api: number; ses: number; sqs: number; messaging: number };
let opened: ListeningSocket[] = [];

beforeAll(async () => {
  // The ports are picked free, then bound by the stack: another test may take one in between
  // (EADDRINUSE). The stack stops what it started when it fails, so it is tried afresh, three times.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await startWithFreshPorts();
      return;
    } catch (error) {
      const inUse = error instanceof Error && /EADDRINUSE|already in use|is not free/i.test(error.message);
      if (!inUse || attempt === 3) throw error;
    }
  }
}, 120_000);

async function startWithFreshPorts(): Promise<void> {
  ports = {
    api: await freePort(),
    ses: await freePort(),
    sqs: await freePort(),
    messaging: await freePort(),
  };
  const before = new Set(listeningSocketsOfThisProcess().map((socket) => socket.inode));
  stack = await startLocalStack(
    localStackOptions({
      SCOPEGATE_API_PORT: String(ports.api),
      SCOPEGATE_DYNAMODB_PORT: String(await freePort()),
      SCOPEGATE_SES_PORT: String(ports.ses),
      SCOPEGATE_SQS_PORT: String(ports.sqs),
      SCOPEGATE_MESSAGING_PORT: String(ports.messaging),
      SCOPEGATE_DATA_DIR: dataDir,
      SCOPEGATE_QUIET: '1',
      SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS: '0',
    }),
  );
  opened = listeningSocketsOfThisProcess().filter((socket) => !before.has(socket.inode));
}

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local stack listens on loopback only', () => {
  it.each([
    ['the API', () => ports.api],
    ['the local SES', () => ports.ses],
    ['the local SMS and WhatsApp stand-in', () => ports.messaging],
    ['the local queue of webhook jobs (fauxqs)', () => ports.sqs],
  ])('%s listens on 127.0.0.1 and nowhere else', (_name, port) => {
    const onPort = opened.filter((socket) => socket.port === port());

    expect(onPort.map((socket) => socket.address)).toEqual(['127.0.0.1']);
  });

  it('opens no socket off loopback at all (the local SES upstream on its free port included)', () => {
    // API, SES identities, SES upstream, messaging, queue: the check cannot pass on an empty list.
    expect(opened.length).toBeGreaterThanOrEqual(5);
    expect(opened.filter((socket) => !isLoopback(socket.address))).toEqual([]);
  });

  it('binds the webhook jobs queue to loopback when started on its own, as tests and the bench do', async () => {
    const before = new Set(listeningSocketsOfThisProcess().map((socket) => socket.inode));
    const queue = await startLocalQueue({ port: 0 });
    try {
      const added = listeningSocketsOfThisProcess().filter((socket) => !before.has(socket.inode));

      expect(added.map((socket) => socket.address)).toEqual(['127.0.0.1']);
      expect(new URL(queue.endpoint).port).toBe(String(added[0]?.port));
    } finally {
      await queue.stop();
    }
  });
});
