/**
 * The authorizer against a fake DynamoDB at the HTTP level, through the SDK client its handler
 * builds (createDynamoClient): the server answers each request from a script (an error status, a
 * reset connection, silence, a damaged item). No fault ever yields an Allow, store faults become
 * AUTHORIZER_FAILURE (503, never the 401 of `Unauthorized`), the SDK retries once — with jitter —
 * only what its standard retry mode retries, a
 * damaged item is never mistaken for a store fault, and no decision path logs the key, its secret or
 * its hash. The request itself is checked against an independent SigV4 computation. A store that
 * really stalls is in stall.test.ts.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthorizer } from '../../../../lambdas/authorizer/authorizer.js';
import { keyItemReader } from '../../../../lambdas/authorizer/key-store.js';
import type { CallBounds } from '../../../../lambdas/aws/call-bounds.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../../../lambdas/aws/dynamodb-client.js';
import type { ClientOverrides } from '../../../../lambdas/aws/sdk-client-bounds.js';
import { generateApiKey } from '../../../../lambdas/keys/api-key.js';
import { toAttributeMap } from '../../../support/attribute-values.js';
import { authorizerEvent } from '../../../support/events.js';
import { bearer, type TestKey, testKey } from '../../../support/keys.js';
import { type RecordingLog, recordingLog } from '../../../support/logs.js';

const TABLE = 'ApiKeys-faults';
const CREDENTIALS = {
  accessKeyId: 'AKIDFAULTS',
  secretAccessKey: 'fault-secret',
  sessionToken: 'session-token',
};
/** DYNAMODB_BOUNDS scaled down, so a stalled answer costs a fraction of a second here. */
const BOUNDS: CallBounds = {
  connectionTimeoutMs: 200,
  requestTimeoutMs: 300,
  maxAttempts: 2,
  deadlineMs: 600,
};

/** What the fake DynamoDB does with one request. */
type Step =
  | { readonly status: number; readonly body: string }
  | 'reset' // the connection is destroyed without an answer
  | 'silence'; // the request is read and never answered

interface Received {
  readonly at: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: Server;
let endpoint: URL;
let script: Step[] = [];
let received: Received[] = [];
let client: DynamoDBClient | undefined;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        at: performance.now(),
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const step = script.shift() ?? { status: 500, body: 'no step scripted' };
      if (step === 'reset') request.socket.destroy();
      else if (step !== 'silence') {
        response.writeHead(step.status, { 'content-type': 'application/x-amz-json-1.0' }).end(step.body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterEach(() => {
  vi.restoreAllMocks();
  client?.destroy();
  server.closeAllConnections();
  script = [];
  received = [];
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function setUp(options: { random?: () => number; bounds?: CallBounds } = {}) {
  const log = recordingLog();
  // The SDK draws its retry jitter from Math.random: fixed here, so a wait is known in advance.
  vi.spyOn(Math, 'random').mockReturnValue(options.random?.() ?? 0);
  client = clientAt({ credentials: CREDENTIALS }, options.bounds ?? BOUNDS);
  const authorize = createAuthorizer({ environment: 'live', getKeyItem: keyItemReader(client, TABLE), log });
  return { log, authorize };
}

/** The authorizer's client, as its handler builds it, pointed at the fake DynamoDB. */
function clientAt(overrides: Pick<ClientOverrides, 'credentials'>, bounds: CallBounds): DynamoDBClient {
  return createDynamoClient({ endpoint: endpoint.href, region: 'eu-west-1', ...overrides }, bounds);
}

/** DynamoDB's JSON: the SDK's AttributeValue shape with binary values as base64 text. */
const wire = (value: unknown): string =>
  JSON.stringify(value, (_name, member: unknown) =>
    member instanceof Uint8Array ? Buffer.from(member).toString('base64') : member,
  );

/** The item as DynamoDB sends it. */
const stored = (key: TestKey, raw: Record<string, AttributeValue> = {}): Step => ({
  status: 200,
  body: wire({ Item: { ...toAttributeMap(key.item), ...raw } }),
});

const dynamoError = (status: number, type: string, message: string): Step => ({
  status,
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }),
});

/** What the authorizer did: resolved (Allow or Deny) or rejected (with which message). */
async function outcome(
  promise: Promise<APIGatewayAuthorizerResult>,
): Promise<{ effect: string } | { rejected: string }> {
  try {
    const result = await promise;
    const effects = new Set(result.policyDocument.Statement.map((statement) => statement.Effect));
    return { effect: [...effects].join(',') };
  } catch (error) {
    return { rejected: error instanceof Error ? error.message : String(error) };
  }
}

type Expected = { readonly level: 'info' | 'warn' | 'error'; readonly message: string };
const DECIDED: Expected = { level: 'info', message: 'authorization decided' };
const LOOKUP_FAILED: Expected = { level: 'error', message: 'key lookup failed' };

/**
 * The expected line was written, and nothing written carries the key, its secret or its hash: a
 * check of absence alone would also pass if nothing were logged at all.
 */
function expectLoggedWithoutSecrets(log: RecordingLog, key: TestKey, expected: Expected): void {
  expect(log.lines).toContainEqual(expect.objectContaining(expected));
  const text = log.text();
  const secret = key.key.key.slice(`sk_live_${key.key.keyId}`.length, -6);
  expect(secret).toHaveLength(32);
  expect(text).not.toContain(key.key.key);
  expect(text).not.toContain(secret);
  expect(text).not.toContain(key.key.keyHash);
}

/** An independent SigV4 signature over what the server received (AWS's documented algorithm). */
function expectedSignature(request: Received): string {
  const authorization = String(request.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? '';
  const amzDate = String(request.headers['x-amz-date']);
  const scope = `${amzDate.slice(0, 8)}/eu-west-1/dynamodb/aws4_request`;
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${String(request.headers[name]).trim()}\n`)
    .join('');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256(request.body)].join(
    '\n',
  );
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  let signingKey = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, amzDate.slice(0, 8));
  for (const part of ['eu-west-1', 'dynamodb', 'aws4_request']) signingKey = hmac(signingKey, part);
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

const THROTTLED = dynamoError(
  400,
  'ProvisionedThroughputExceededException',
  'Throughput exceeds the current capacity',
);
const INTERNAL = dynamoError(500, 'InternalServerError', 'Internal server error');

describe('store faults: never an Allow, always AUTHORIZER_FAILURE (not Unauthorized)', () => {
  it.each<[string, Step[], number]>([
    ['throttled twice (ProvisionedThroughputExceededException)', [THROTTLED, THROTTLED], 2],
    [
      'throttled twice (ThrottlingException)',
      Array(2).fill(
        dynamoError(400, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.'),
      ),
      2,
    ],
    ['a 500 twice (InternalServerError)', [INTERNAL, INTERNAL], 2],
    [
      'a 503 twice with a body that is not JSON',
      Array(2).fill({ status: 503, body: '<html>busy</html>' }),
      2,
    ],
    ['the connection reset twice', ['reset', 'reset'], 2],
    ['silence twice (attempt timeouts, then the deadline)', ['silence', 'silence'], 2],
    [
      'AccessDeniedException (not retried)',
      [
        dynamoError(
          400,
          'AccessDeniedException',
          'User: arn:aws:sts::123456789012:assumed-role/authorizer is not authorized to perform: dynamodb:GetItem',
        ),
      ],
      1,
    ],
    [
      'ResourceNotFoundException: the table is gone (not retried)',
      [dynamoError(400, 'ResourceNotFoundException', 'Requested resource not found')],
      1,
    ],
    ['a 200 whose body is not JSON (not retried)', [{ status: 200, body: '{"Item":' }], 1],
  ])('%s', async (_fault, steps, requests) => {
    // Arrange
    const key = testKey();
    script = [...steps];
    const { log, authorize } = setUp();
    // Act
    const result = await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })));
    // Assert
    expect(result).toEqual({ rejected: 'Authorizer unavailable' });
    expect(received).toHaveLength(requests);
    expect(log.lines.filter((line) => line.level === 'error')).toHaveLength(1);
    expectLoggedWithoutSecrets(log, key, LOOKUP_FAILED);
  });

  it('silence ends at the deadline, named TimeoutError, however many attempts were left', async () => {
    const key = testKey();
    script = ['silence', 'silence'];
    const { log, authorize } = setUp({ bounds: { ...BOUNDS, requestTimeoutMs: 500, deadlineMs: 300 } });
    const startedAt = performance.now();
    expect(await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })))).toEqual({
      rejected: 'Authorizer unavailable',
    });
    expect(performance.now() - startedAt).toBeLessThan(300 + 250);
    expect(received).toHaveLength(1);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        extra: [
          expect.objectContaining({
            error: { name: 'TimeoutError', message: 'no answer within the 300 ms deadline' },
          }),
        ],
      }),
    );
  });

  it('no credentials in the environment: AUTHORIZER_FAILURE without a request', async () => {
    const key = testKey();
    const log = recordingLog();
    client = clientAt(
      {
        credentials: () => Promise.reject(new Error('no AWS credentials in the environment')),
      },
      BOUNDS,
    );
    const authorize = createAuthorizer({
      environment: 'live',
      getKeyItem: keyItemReader(client, TABLE),
      log,
    });
    expect(await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })))).toEqual({
      rejected: 'Authorizer unavailable',
    });
    expect(received).toEqual([]);
  });
});

describe('one retry, with jitter, where the SDK would retry', () => {
  it.each<[string, Step]>([
    ['a throttle', THROTTLED],
    ['a 500', INTERNAL],
    ['a reset connection', 'reset'],
    ['silence (the attempt timeout)', 'silence'],
  ])('after %s, the second attempt is allowed', async (_fault, first) => {
    const key = testKey();
    script = [first, stored(key)];
    const { authorize } = setUp();
    expect(await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })))).toEqual({
      effect: 'Allow',
    });
    expect(received).toHaveLength(2);
  });

  it.each([
    // The SDK's standard mode for DynamoDB: a base of 1 s after a throttle, 25 ms after another fault.
    ['a throttle', THROTTLED, 1000],
    ['a 500', INTERNAL, 25],
  ])(
    'after %s the wait is drawn from the jitter range (random 0.9 → 90%% of %i ms)',
    async (_fault, first, base) => {
      const key = testKey();
      script = [first, stored(key)];
      const { authorize } = setUp({ random: () => 0.9, bounds: { ...BOUNDS, deadlineMs: 3000 } });
      await authorize(authorizerEvent({ authorization: bearer(key.key) }));
      const [firstRequest, secondRequest] = received;
      const waited = (secondRequest?.at ?? 0) - (firstRequest?.at ?? 0);
      expect(waited).toBeGreaterThanOrEqual(base * 0.9 - 5);
      expect(waited).toBeLessThan(base * 0.9 + 400);
    },
  );
});

describe('the request', () => {
  it('is exactly one strongly consistent GetItem by key id, signed with SigV4 and the session token', async () => {
    const key = testKey();
    script = [stored(key)];
    const { authorize } = setUp();
    await authorize(authorizerEvent({ authorization: bearer(key.key) }));
    expect(received).toHaveLength(1);
    const [request] = received;
    if (!request) throw new Error('unreachable');
    expect(JSON.parse(request.body)).toEqual({
      TableName: TABLE,
      Key: { keyId: { S: key.key.keyId } },
      ConsistentRead: true,
    });
    expect(request.headers).toMatchObject({
      'x-amz-target': 'DynamoDB_20120810.GetItem',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-security-token': CREDENTIALS.sessionToken,
      host: endpoint.host,
    });
    const authorization = String(request.headers.authorization);
    expect(authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/\\d{8}/eu-west-1/dynamodb/aws4_request, ` +
          'SignedHeaders=([a-z0-9-]+;)*host;([a-z0-9-]+;)*x-amz-date;x-amz-security-token;x-amz-target(;[a-z0-9-]+)*, Signature=[0-9a-f]{64}$',
      ),
    );
    expect(authorization.endsWith(`Signature=${expectedSignature(request)}`)).toBe(true);
  });
});

describe('damaged items: Unauthorized or Deny, never an Allow', () => {
  it.each([
    ['keyHash as a number', { keyHash: 1234 }],
    ['keyHash missing', { keyHash: undefined }],
    ['keyHash of another key', { keyHash: testKey().key.keyHash }],
    ['projectId missing', { projectId: undefined }],
    ['projectId as a number', { projectId: 7 }],
    ['teamId as a map', { teamId: { id: 'team' } }],
    ['keyId of another key', { keyId: 'ZZZZZZZZZZZZ' }],
    ['type unknown', { type: 'superuser' }],
    ['type as a list', { type: ['general'] }],
    ['keyHash as binary (B, base64 on the wire)', { keyHash: new Uint8Array([1, 2, 3]) }],
  ])('%s → Unauthorized', async (_damage, overrides) => {
    const key = testKey(overrides);
    script = [stored(key)];
    const { log, authorize } = setUp();
    expect(await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })))).toEqual({
      rejected: 'Unauthorized',
    });
    expectLoggedWithoutSecrets(log, key, DECIDED);
  });

  it.each([
    [
      'scopes as a map (custom)',
      { permission: undefined, scopes: { 'emails:send': true } },
      'insufficient_scope',
    ],
    ['scopes as a number (custom)', { permission: 'custom', scopes: 13 }, 'insufficient_scope'],
    ['scopes of another key type', { permission: 'custom', scopes: ['billing:write'] }, 'insufficient_scope'],
    ['permission unknown with a scope list', { permission: 'root', scopes: [] }, 'insufficient_scope'],
    ['allowedIps as a map', { allowedIps: { M: '203.0.113.10' } }, 'ip_not_allowed'],
    ['allowedIps as a number', { allowedIps: 3405803786 }, 'ip_not_allowed'],
    ['allowedIps with an octal entry', { allowedIps: '203.0.113.10, 010.0.0.1' }, 'ip_not_allowed'],
    ['expiresAt as a number', { expiresAt: 4102444800 }, 'key_expired'],
    ['expiresAt as garbage', { expiresAt: 'never' }, 'key_expired'],
    ['revokedAt as NULL', { revokedAt: null }, 'key_revoked'],
    ['revokedAt as a boolean', { revokedAt: false }, 'key_revoked'],
  ])('%s → Deny %s', async (_damage, overrides, code) => {
    const key = testKey(overrides);
    script = [stored(key)];
    const { log, authorize } = setUp();
    const result = await authorize(
      authorizerEvent({ authorization: bearer(key.key), sourceIp: '203.0.113.10' }),
    );
    expect(result.policyDocument.Statement.map((statement) => statement.Effect)).toEqual(['Deny']);
    expect(result.context?.errorCode).toBe(code);
    expectLoggedWithoutSecrets(log, key, DECIDED);
  });

  it('a 200 whose Item is not a map (no item the SDK can read) → Unauthorized, one request', async () => {
    const key = testKey();
    script = [{ status: 200, body: '{"Item":"x"}' }];
    const { authorize } = setUp();
    expect(await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })))).toEqual({
      rejected: 'Unauthorized',
    });
    expect(received).toHaveLength(1);
  });

  it('an empty response (no Item) → Unauthorized', async () => {
    const key = testKey();
    script = [{ status: 200, body: '{}' }];
    const { authorize } = setUp();
    expect(await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })))).toEqual({
      rejected: 'Unauthorized',
    });
  });
});

describe('values lib-dynamodb cannot unmarshall: a damaged item, never a store fault', () => {
  // Beyond 2^53 with a fraction: lib-dynamodb's unmarshall throws ("can't be converted to BigInt").
  const HUGE_FRACTION: AttributeValue = { N: '90071992547409930.5' };

  it.each([
    ['expiresAt', { expiresAt: HUGE_FRACTION }, 'key_expired'],
    ['revokedAt', { revokedAt: HUGE_FRACTION }, 'key_revoked'],
    ['allowedIps', { allowedIps: { L: [{ S: '203.0.113.10' }, HUGE_FRACTION] } }, 'ip_not_allowed'],
    ['permission (holds no scope)', { permission: { N: '1e400' } }, 'insufficient_scope'],
  ])('a huge number as %s → Deny %s, logged as a warning', async (_attribute, raw, code) => {
    const key = testKey();
    script = [stored(key, raw)];
    const { log, authorize } = setUp();
    const result = await authorize(
      authorizerEvent({ authorization: bearer(key.key), sourceIp: '203.0.113.10' }),
    );
    expect(result.context?.errorCode).toBe(code);
    expect(log.lines.filter((line) => line.level === 'error')).toEqual([]);
    if (code !== 'key_revoked')
      expectLoggedWithoutSecrets(log, key, {
        level: 'warn',
        message: 'key item read leniently or failed closed',
      });
  });

  it('a huge number as keyHash → Unauthorized, logged as a warning', async () => {
    const key = testKey();
    script = [stored(key, { keyHash: HUGE_FRACTION })];
    const { log, authorize } = setUp();
    expect(await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })))).toEqual({
      rejected: 'Unauthorized',
    });
    expectLoggedWithoutSecrets(log, key, {
      level: 'warn',
      message: 'key item read leniently or failed closed',
    });
  });

  it('a huge number in an attribute the authorizer does not read changes nothing', async () => {
    const key = testKey();
    script = [stored(key, { rateLimitPerSecond: HUGE_FRACTION, notes: { M: { n: { NS: ['1e400'] } } } })];
    const { authorize } = setUp();
    const result = await authorize(authorizerEvent({ authorization: bearer(key.key) }));
    expect(result.policyDocument.Statement.map((statement) => statement.Effect)).toEqual(['Allow']);
  });

  it('a map with a toString attribute as revokedAt → still revoked, no throw', async () => {
    const key = testKey();
    script = [stored(key, { revokedAt: { M: { toString: { S: 'x' } } } })];
    const { authorize } = setUp();
    const result = await authorize(authorizerEvent({ authorization: bearer(key.key) }));
    expect(result.context?.errorCode).toBe('key_revoked');
  });
});

describe('binary values, which the wire carries as base64 text', () => {
  it('a binary set as allowedIps → Deny ip_not_allowed', async () => {
    const key = testKey();
    script = [stored(key, { allowedIps: { BS: [new Uint8Array([203, 0, 113, 10])] } })];
    const { authorize } = setUp();
    const result = await authorize(
      authorizerEvent({ authorization: bearer(key.key), sourceIp: '203.0.113.10' }),
    );
    expect(result.context?.errorCode).toBe('ip_not_allowed');
  });

  it('binary attributes the authorizer does not read change nothing', async () => {
    const key = testKey();
    script = [
      stored(key, { avatar: { B: new Uint8Array([0, 255]) }, blobs: { L: [{ BS: [new Uint8Array([1])] }] } }),
    ];
    const { authorize } = setUp();
    expect(await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })))).toEqual({
      effect: 'Allow',
    });
  });
});

describe('logs never carry the key, its secret or its hash, on any decision path', () => {
  const paths: readonly [string, (key: TestKey) => TestKey, (key: TestKey) => string][] = [
    ['allow', (key) => key, (key) => bearer(key.key)],
    ['revoked', () => testKey({ revokedAt: '2025-01-01T00:00:00Z' }), (key) => bearer(key.key)],
    ['expired', () => testKey({ expiresAt: '2020-01-01T00:00:00Z' }), (key) => bearer(key.key)],
    ['ip not allowed', () => testKey({ allowedIps: '10.0.0.1' }), (key) => bearer(key.key)],
    ['scope missing', () => testKey({ permission: 'custom', scopes: [] }), (key) => bearer(key.key)],
    [
      'hand-edited item with warnings',
      () => testKey({ permission: 'x', scopes: ['y'] }),
      (key) => bearer(key.key),
    ],
    ['wrong secret', (key) => key, (key) => bearer(generateApiKey('live', key.key.keyId))],
    [
      'bad checksum',
      (key) => key,
      (key) => `Bearer ${key.key.key.slice(0, -1)}${key.key.key.endsWith('A') ? 'B' : 'A'}`,
    ],
    ['scheme missing', (key) => key, (key) => key.key.key],
    ['two tokens', (key) => key, (key) => `Bearer ${key.key.key} ${key.key.key}`],
  ];

  it.each(paths)('%s', async (_path, makeKey, header) => {
    const key = makeKey(testKey());
    script = [stored(key)];
    const { log, authorize } = setUp();
    await outcome(authorize(authorizerEvent({ authorization: header(key) })));
    expectLoggedWithoutSecrets(log, key, DECIDED);
  });

  it('an unknown key', async () => {
    const key = testKey();
    script = [{ status: 200, body: '{}' }];
    const { log, authorize } = setUp();
    await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })));
    expectLoggedWithoutSecrets(log, key, DECIDED);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ extra: [expect.objectContaining({ detail: 'unknown key id' })] }),
    );
  });

  it('a store error whose message echoes the request', async () => {
    const key = testKey();
    script = [dynamoError(400, 'ValidationException', `bad key ${key.key.keyId}`)];
    const { log, authorize } = setUp();
    await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })));
    expectLoggedWithoutSecrets(log, key, LOOKUP_FAILED);
  });
});
