/**
 * A key store that stops answering: DynamoDB Local frozen with SIGSTOP keeps its port open and accepts
 * connections, but no reply ever comes. The authorizer and a service must still answer 503 within the
 * bound set in lambdas/aws/aws-clients.ts, measured with the wall clock — locally (the `npm start`
 * wiring) and through the deployed entry points. This file runs its own DynamoDB Local, so freezing
 * it stalls no other test file.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DYNAMODB_BOUNDS } from '../../../../lambdas/aws/call-bounds.js';
import { localHandlers } from '../../../../local/handlers.js';
import {
  allThreadsStopped,
  type DynamoDbLocal,
  localDocuments,
  sesClient,
  startDynamoDbLocal,
} from '../../../../local/services.js';
import { ensureTables } from '../../../../local/tables.js';
import { authContextFor, authorizerEvent, proxyEvent } from '../../../support/events.js';
import { bearer, type TestKey, testKey } from '../../../support/keys.js';
import { recordingLog } from '../../../support/logs.js';
import { freePort } from '../../../support/ports.js';

const TABLES = { apiKeys: 'ApiKeys-stall', data: 'Data-stall' };
const PROJECT = 'proj_stall';
/** Event-loop and process-scheduling slack on a loaded two-core machine; the bound itself is the deadline. */
const MARGIN_MS = 1500;
const BOUND_MS = DYNAMODB_BOUNDS.deadlineMs + MARGIN_MS;

let local: DynamoDbLocal;
let key: TestKey;
const log = recordingLog();
let handlers: ReturnType<typeof localHandlers>;

beforeAll(async () => {
  local = await startDynamoDbLocal({ port: await freePort() });
  await ensureTables(local.client, TABLES);
  key = testKey({ teamId: 'team_stall', projectId: PROJECT }, 'test');
  const documents = localDocuments(local.endpoint);
  await documents.send(new PutCommand({ TableName: TABLES.apiKeys, Item: key.item }));
  handlers = localHandlers({
    documents,
    ses: sesClient(inject('sesEndpoint')),
    tables: TABLES,
    environment: 'test',
    log,
  });
  // A first call opens a keep-alive connection, as a warm Lambda or a running `npm start` has.
  const warmUp = await effectOf(handlers.authorizer(authorizerEvent({ authorization: bearer(key.key) })));
  if (warmUp !== 'Allow') throw new Error(`the stall tests need a working key first, got ${warmUp}`);
});

afterEach(() => {
  // Whatever a test did, the emulator is never left frozen.
  local?.resume();
  vi.unstubAllEnvs();
});

afterAll(async () => {
  // stop() resumes a paused process before ending it.
  await local?.stop();
});

async function effectOf(result: Promise<APIGatewayAuthorizerResult>): Promise<string> {
  const { policyDocument } = await result;
  return policyDocument.Statement.map((statement) => statement.Effect).join(',');
}

/** Runs `call` with the emulator frozen; the outcome (or the error) and the wall-clock time it took. */
async function whileFrozen<T>(call: () => Promise<T>): Promise<{ elapsedMs: number; outcome: T | Error }> {
  // Only once every JVM thread has stopped: a request sent earlier can still be answered (an Allow).
  await local.pause();
  const startedAt = performance.now();
  const outcome = await call().catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
  const elapsedMs = Math.round(performance.now() - startedAt);
  local.resume();
  console.info(`stalled DynamoDB: answered in ${elapsedMs} ms (bound ${DYNAMODB_BOUNDS.deadlineMs} ms)`);
  return { elapsedMs, outcome };
}

describe('the frozen emulator', () => {
  // SIGSTOP stops a multi-threaded process only as each thread next runs: at a load average of ~20 a
  // GetItem sent right after kill() was answered, and the authorizer rightly said Allow.
  it.runIf(existsSync('/proc/self/task'))(
    'pause() resolves only once every thread of DynamoDB Local is stopped',
    async () => {
      if (local.pid === undefined) throw new Error('DynamoDB Local has no pid');
      await local.pause();
      expect(allThreadsStopped(local.pid)).toBe(true);
    },
  );
});

describe('local wiring (npm start, the gateway)', () => {
  it('the authorizer fails closed with authorizer_unavailable within the bound', async () => {
    const { elapsedMs, outcome } = await whileFrozen(() =>
      handlers.authorizer(authorizerEvent({ authorization: bearer(key.key) })),
    );
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).toBe('AuthorizerUnavailableError');
    expect(elapsedMs).toBeLessThan(BOUND_MS);
    // It was the store's silence that ended the call, not some other failure.
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'key lookup failed',
        extra: [expect.objectContaining({ error: expect.objectContaining({ name: 'TimeoutError' }) })],
      }),
    );
  });

  it('a service answers 503 upstream_unavailable within the bound', async () => {
    const { elapsedMs, outcome } = await whileFrozen(() =>
      handlers.services.sending(
        proxyEvent({
          method: 'GET',
          resource: '/v1/emails',
          authorizer: authContextFor({ projectId: PROJECT }),
        }),
      ),
    );
    expect(outcome).toMatchObject({ statusCode: 503 });
    expect(JSON.parse((outcome as { body: string }).body)).toMatchObject({
      error_code: 'upstream_unavailable',
    });
    expect(elapsedMs).toBeLessThan(BOUND_MS);
  });

  it('the store answers again once it thaws (the frozen calls left nothing stuck)', async () => {
    expect(await effectOf(handlers.authorizer(authorizerEvent({ authorization: bearer(key.key) })))).toBe(
      'Allow',
    );
  });
});

describe('deployed entry points, configured as the CDK stack configures them', () => {
  function deployedEnv(): void {
    vi.resetModules();
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', local.endpoint);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('API_KEYS_TABLE', TABLES.apiKeys);
    vi.stubEnv('DATA_TABLE', TABLES.data);
    vi.stubEnv('KEY_ENVIRONMENT', 'test');
    vi.stubEnv('AUTHORIZER_CACHE_TTL_SECONDS', '0');
  }

  it('lambdas/authorizer/handler.ts rejects (AUTHORIZER_FAILURE) within the bound', async () => {
    deployedEnv();
    const { handler } = await import('../../../../lambdas/authorizer/handler.js');
    const event = authorizerEvent({ authorization: bearer(key.key) });
    expect(await effectOf(handler(event))).toBe('Allow');
    const { elapsedMs, outcome } = await whileFrozen(() => handler(event));
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).toBe('AuthorizerUnavailableError');
    expect(elapsedMs).toBeLessThan(BOUND_MS);
  });

  it('lambdas/account/handler.ts answers 503 upstream_unavailable within the bound', async () => {
    deployedEnv();
    const { handler } = await import('../../../../lambdas/account/handler.js');
    const event = proxyEvent({
      method: 'GET',
      resource: '/v1/projects',
      authorizer: authContextFor({ projectId: PROJECT, teamId: 'team_stall' }),
    });
    const { elapsedMs, outcome } = await whileFrozen(() => handler(event));
    expect(outcome).toMatchObject({ statusCode: 503 });
    expect(JSON.parse((outcome as { body: string }).body)).toMatchObject({
      error_code: 'upstream_unavailable',
    });
    expect(elapsedMs).toBeLessThan(BOUND_MS);
  });
});
