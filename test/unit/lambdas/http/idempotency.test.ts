/** The frame's Idempotency-Key for routes whose contract says `idempotent: true`, on DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import type { AuthContext } from '../../../../lambdas/keys/auth-context.js';
import type { ParsedRequest, RouteContract } from '../../../../lambdas/api/contract.js';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createServiceHandler, type ServiceContracts } from '../../../../lambdas/http/frame.js';
import type { IdempotencyStore } from '../../../../lambdas/http/idempotency.js';
import { authContextFor, proxyEvent } from '../../../support/events.js';
import { UNLIMITED_FRAME } from '../../../support/frame.js';
import { createTestAws } from '../../../support/local-aws.js';
import { RESEND_TEMPLATES_CONTRACTS } from '../../../../lambdas/templates/contracts.js';

const echoResponse = { status: 200, description: 'echo', schema: z.unknown() } as const;

type SurfaceRouteId = keyof typeof RESEND_TEMPLATES_CONTRACTS;
/** The service's other surfaces' routes, each with the same value (they are not what this file tests). */
const surfaceRoutes = <T>(value: T) =>
  Object.fromEntries(Object.keys(RESEND_TEMPLATES_CONTRACTS).map((id) => [id, value])) as Record<
    SurfaceRouteId,
    T
  >;

const TEST_CONTRACTS = {
  ...surfaceRoutes({ response: echoResponse }),
  listTemplates: { response: echoResponse },
  createTemplate: {
    idempotent: true,
    body: z.strictObject({ name: z.string() }),
    response: { ...echoResponse, status: 201 },
  },
  getTemplate: { params: z.object({ id: z.string() }), response: echoResponse },
  updateTemplate: {
    idempotent: true,
    params: z.object({ id: z.string() }),
    body: z.strictObject({ name: z.string() }),
    response: echoResponse,
  },
  deleteTemplate: { params: z.object({ id: z.string() }), response: echoResponse },
} satisfies ServiceContracts<'templates'>;

type AnyRequest = ParsedRequest<RouteContract, AuthContext>;

let store: IdempotencyStore;
// The real time, not a fixed date: DynamoDB Local deletes an item within about a second once its
// `ttl` has passed by the wall clock, so claims written by a clock in the past vanish mid-test.
const START = new Date();
let clock = START;
beforeAll(async () => {
  const aws = await createTestAws();
  store = { documents: aws.documents, dataTable: aws.tables.data, now: () => clock };
});

/** The same routes, but the create answers a secret shown only once, and a replay answers 200. */
const SECRET_CONTRACTS = {
  ...TEST_CONTRACTS,
  createTemplate: {
    ...TEST_CONTRACTS.createTemplate,
    replayStatus: 200,
    response: { ...echoResponse, status: 201, secretFields: ['secret'] },
  },
} satisfies ServiceContracts<'templates'>;

/** A frame whose handlers count their calls and answer a new id each time (unless overridden). */
function setUp(
  override?: (request: AnyRequest) => Promise<unknown>,
  contracts: ServiceContracts<'templates'> = TEST_CONTRACTS,
) {
  let calls = 0;
  const create = async (request: AnyRequest) => {
    calls += 1;
    if (override) return override(request);
    return { id: `tpl_${calls}`, body: request.body };
  };
  const handlers = {
    ...surfaceRoutes(create),
    listTemplates: create,
    createTemplate: create,
    getTemplate: create,
    updateTemplate: create,
    deleteTemplate: create,
  };
  const log = { error: vi.fn() };
  const handler = createServiceHandler(
    'templates',
    { contracts, handlers, idempotency: store },
    log,
    UNLIMITED_FRAME,
  );
  return { handler, calls: () => calls, log };
}

interface Call {
  readonly key?: string;
  readonly body?: unknown;
  readonly projectId?: string;
  readonly route?: 'create' | 'update';
  /** The calling API key's id. */
  readonly keyId?: string;
}

function event({
  key,
  body = { name: 'Welcome' },
  projectId = 'proj_a',
  route = 'create',
  keyId = 'AAAAAAAAAAAA',
}: Call) {
  const proxy = proxyEvent({
    method: route === 'create' ? 'POST' : 'PATCH',
    resource: route === 'create' ? '/v1/templates' : '/v1/templates/{id}',
    path: route === 'create' ? '/v1/templates' : '/v1/templates/tpl_1',
    pathParameters: route === 'create' ? undefined : { id: 'tpl_1' },
    body,
    headers: key === undefined ? {} : { 'Idempotency-Key': key },
    authorizer: authContextFor({ projectId, keyId }),
  });
  return { ...proxy, requestContext: { ...proxy.requestContext, requestId: randomUUID() } };
}

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('Idempotency-Key on idempotent routes', () => {
  it('answers a retry with the same key and body with the first answer, without calling the handler', async () => {
    const { handler, calls } = setUp();
    const key = randomUUID();
    const first = await handler(event({ key }));
    const retry = await handler(event({ key, body: { name: 'Welcome' } }));
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(json(retry.body)).toEqual(json(first.body));
    expect(calls()).toBe(1);
    // The retry still carries its own request id, and says it is a replay; the first does not.
    expect(retry.headers?.['x-request-id']).not.toBe(first.headers?.['x-request-id']);
    expect(retry.headers?.['idempotent-replayed']).toBe('true');
    expect(first.headers?.['idempotent-replayed']).toBeUndefined();
  });

  it('never stores a secret field: a replay answers the contract replay status without it', async () => {
    const secret = `sk_test_${randomUUID()}`;
    const { handler, calls } = setUp(async () => ({ id: 'tpl_secret', secret }), SECRET_CONTRACTS);
    const key = randomUUID();
    const first = await handler(event({ key }));
    expect(first.statusCode).toBe(201);
    expect(json(first.body).secret).toBe(secret);

    const retry = await handler(event({ key }));
    expect(retry.statusCode).toBe(200);
    expect(retry.headers?.['idempotent-replayed']).toBe('true');
    expect(json(retry.body)).toEqual({ id: 'tpl_secret' });
    expect(calls()).toBe(1);
    // What is stored: no secret, compressed or not.
    const { Items = [] } = await store.documents.send(
      new ScanCommand({
        TableName: store.dataTable,
        FilterExpression: 'begins_with(sk, :idem)',
        ExpressionAttributeValues: { ':idem': 'IDEMPOTENCY#' },
      }),
    );
    const stored = Items.map((item) =>
      item.response instanceof Uint8Array ? gunzipSync(item.response).toString('utf8') : '',
    );
    expect(stored.some((text) => text.includes('tpl_secret'))).toBe(true);
    expect(stored.join('\n')).not.toContain(secret);
  });

  it('keeps keys per calling API key: another key of the project makes its own call', async () => {
    const { handler, calls } = setUp();
    const key = randomUUID();
    const a = await handler(event({ key, keyId: 'AAAAAAAAAAAA' }));
    const b = await handler(event({ key, keyId: 'BBBBBBBBBBBB' }));
    expect(b.statusCode).toBe(201);
    expect(b.headers?.['idempotent-replayed']).toBeUndefined();
    expect(json(b.body).id).not.toBe(json(a.body).id);
    expect(calls()).toBe(2);
    // Each key still replays its own answer.
    expect(json((await handler(event({ key, keyId: 'BBBBBBBBBBBB' }))).body).id).toBe(json(b.body).id);
    expect(calls()).toBe(2);
  });

  it('calls the handler every time without a key', async () => {
    const { handler, calls } = setUp();
    await handler(event({}));
    await handler(event({}));
    expect(calls()).toBe(2);
  });

  it('answers 409 idempotency_conflict for the same key with another body', async () => {
    const { handler, calls } = setUp();
    const key = randomUUID();
    await handler(event({ key }));
    const other = await handler(event({ key, body: { name: 'Other' } }));
    expect(other.statusCode).toBe(409);
    expect(json(other.body).error_code).toBe('idempotency_conflict');
    expect(calls()).toBe(1);
  });

  it('answers 409 idempotency_in_progress while the first is running, and replays once it is done', async () => {
    let finish: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (finish = resolve));
    const { handler, calls } = setUp(async () => {
      await running;
      return { id: 'tpl_slow' };
    });
    const key = randomUUID();
    const first = handler(event({ key }));
    await vi.waitFor(() => expect(calls()).toBe(1));
    const during = await handler(event({ key }));
    expect(during.statusCode).toBe(409);
    expect(json(during.body).error_code).toBe('idempotency_in_progress');
    finish();
    expect(json((await first).body).id).toBe('tpl_slow');
    expect(json((await handler(event({ key }))).body).id).toBe('tpl_slow');
    expect(calls()).toBe(1);
  });

  it('takes over a claim whose lock ran out (the first attempt crashed)', async () => {
    const { handler, calls } = setUp(() => new Promise(() => undefined));
    const key = randomUUID();
    void handler(event({ key }));
    await vi.waitFor(() => expect(calls()).toBe(1));
    const after = setUp();
    clock = new Date(clock.getTime() + 61_000);
    try {
      const retry = await after.handler(event({ key }));
      expect(retry.statusCode).toBe(201);
      expect(after.calls()).toBe(1);
    } finally {
      clock = START;
    }
  });

  it('frees the key when the handler throws, so a retry with the same key runs again', async () => {
    let fail = true;
    const { handler, calls } = setUp(async () => {
      if (fail) throw new ApiError('already_exists');
      return { id: 'tpl_fixed' };
    });
    const key = randomUUID();
    const refused = await handler(event({ key }));
    expect(refused.statusCode).toBe(409);
    expect(json(refused.body).error_code).toBe('already_exists');
    fail = false;
    // Even another body: the failed attempt left nothing behind.
    const retry = await handler(event({ key, body: { name: 'Fixed' } }));
    expect(retry.statusCode).toBe(201);
    expect(json(retry.body).id).toBe('tpl_fixed');
    expect(calls()).toBe(2);
  });

  it('frees the key after an unexpected failure too', async () => {
    let fail = true;
    const { handler, calls } = setUp(async () => {
      if (fail) throw new Error('boom');
      return { id: 'tpl_after' };
    });
    const key = randomUUID();
    expect((await handler(event({ key }))).statusCode).toBe(500);
    fail = false;
    expect(json((await handler(event({ key }))).body).id).toBe('tpl_after');
    expect(calls()).toBe(2);
  });

  it('keeps keys per project', async () => {
    const { handler, calls } = setUp();
    const key = randomUUID();
    const a = await handler(event({ key, projectId: 'proj_a' }));
    const b = await handler(event({ key, projectId: 'proj_b', body: { name: 'Other' } }));
    expect(b.statusCode).toBe(201);
    expect(json(b.body).id).not.toBe(json(a.body).id);
    expect(calls()).toBe(2);
  });

  it('keeps keys per route', async () => {
    const { handler, calls } = setUp();
    const key = randomUUID();
    const created = await handler(event({ key }));
    const updated = await handler(event({ key, route: 'update' }));
    expect(created.statusCode).toBe(201);
    expect(updated.statusCode).toBe(200);
    expect(json(updated.body).id).not.toBe(json(created.body).id);
    expect(calls()).toBe(2);
  });

  it('refuses a malformed key with a 400 naming the header, before the handler runs', async () => {
    const { handler, calls } = setUp();
    const response = await handler(event({ key: 'has a space' }));
    expect(response.statusCode).toBe(400);
    expect(json(response.body).error_code).toBe('validation_error');
    // Resend's name for this very problem, so its clients tell it from other invalid input.
    expect(json(response.body).name).toBe('invalid_idempotency_key');
    expect(json(response.body).statusCode).toBe(400);
    expect(response.body).toContain('Idempotency-Key');
    expect(calls()).toBe(0);
  });

  it('refuses to build a service with idempotent routes but no store', () => {
    const handlers = {
      ...surfaceRoutes(vi.fn()),
      listTemplates: vi.fn(),
      createTemplate: vi.fn(),
      getTemplate: vi.fn(),
      updateTemplate: vi.fn(),
      deleteTemplate: vi.fn(),
    };
    expect(() =>
      createServiceHandler(
        'templates',
        { contracts: TEST_CONTRACTS, handlers },
        { error: vi.fn() },
        UNLIMITED_FRAME,
      ),
    ).toThrow(/no idempotency store/);
  });
});
