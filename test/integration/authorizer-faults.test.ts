/**
 * The authorizer with its DynamoDB client failing or returning damaged items (aws-sdk-client-mock):
 * no fault ever yields an Allow, store faults become AUTHORIZER_FAILURE (503, never the 401 of
 * `Unauthorized`), a damaged item is never mistaken for a store fault, and no decision path logs the
 * key, its secret or its hash. A store that really stalls is in stall.test.ts.
 */
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../lambdas/authorizer/authorizer.js';
import { keyItemReader } from '../../lambdas/authorizer/key-store.js';
import { generateApiKey } from '../../lambdas/core/api-key.js';
import { toAttributeMap } from '../support/attribute-values.js';
import { authorizerEvent } from '../support/events.js';
import { bearer, type TestKey, testKey } from '../support/keys.js';
import { type RecordingLog, recordingLog } from '../support/logs.js';

const TABLE = 'ApiKeys-faults';
const dynamo = mockClient(DynamoDBClient);
const client = new DynamoDBClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});

beforeEach(() => {
  dynamo.reset();
});

afterAll(() => {
  dynamo.restore();
});

function setUp() {
  const log = recordingLog();
  const authorize = createAuthorizer({
    environment: 'live',
    getKeyItem: keyItemReader(client, TABLE),
    log,
  });
  return { log, authorize };
}

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

/** The item as DynamoDB sends it. */
const stored = (key: TestKey): { Item: Record<string, AttributeValue> } => ({
  Item: toAttributeMap(key.item),
});

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

const awsError = (name: string, message: string): Error =>
  Object.assign(new Error(message), { name, $fault: 'server', $metadata: { httpStatusCode: 400 } });

describe('store faults: never an Allow, always AUTHORIZER_FAILURE (not Unauthorized)', () => {
  it.each([
    [
      'ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException({
        message: 'Throughput exceeds the current capacity',
        $metadata: {},
      }),
    ],
    [
      'ThrottlingException',
      awsError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.'),
    ],
    ['a socket timeout (TimeoutError)', awsError('TimeoutError', 'Connection timed out after 1000 ms')],
    ['a request timeout (RequestTimeout)', awsError('RequestTimeout', 'Request timed out after 2000 ms')],
    [
      'AccessDeniedException',
      awsError(
        'AccessDeniedException',
        'User: arn:aws:sts::123456789012:assumed-role/authorizer is not authorized to perform: dynamodb:GetItem',
      ),
    ],
    [
      'ResourceNotFoundException (table gone)',
      awsError('ResourceNotFoundException', 'Requested resource not found'),
    ],
    ['InternalServerError', awsError('InternalServerError', 'Internal server error')],
    ['a network reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a non-Error rejection', 'boom' as unknown as Error],
  ])('%s', async (_fault, error) => {
    // Arrange
    const key = testKey();
    dynamo.on(GetItemCommand).rejects(error);
    const { log, authorize } = setUp();
    // Act
    const result = await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })));
    // Assert
    expect(result).toEqual({ rejected: 'Authorizer unavailable' });
    expect(log.lines.filter((line) => line.level === 'error')).toHaveLength(1);
    expectLoggedWithoutSecrets(log, key, LOOKUP_FAILED);
  });

  it('asks for exactly one strongly consistent GetItem by key id', async () => {
    const key = testKey();
    dynamo.on(GetItemCommand).resolves(stored(key));
    const { authorize } = setUp();
    await authorize(authorizerEvent({ authorization: bearer(key.key) }));
    expect(dynamo.commandCalls(GetItemCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: TABLE, Key: { keyId: { S: key.key.keyId } }, ConsistentRead: true },
    ]);
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
  ])('%s → Unauthorized', async (_damage, overrides) => {
    const key = testKey(overrides);
    dynamo.on(GetItemCommand).resolves(stored(key));
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
    dynamo.on(GetItemCommand).resolves(stored(key));
    const { log, authorize } = setUp();
    const result = await authorize(
      authorizerEvent({ authorization: bearer(key.key), sourceIp: '203.0.113.10' }),
    );
    expect(result.policyDocument.Statement.map((statement) => statement.Effect)).toEqual(['Deny']);
    expect(result.context?.errorCode).toBe(code);
    expectLoggedWithoutSecrets(log, key, DECIDED);
  });

  it('an empty response (no Item) → Unauthorized', async () => {
    const key = testKey();
    dynamo.on(GetItemCommand).resolves({});
    const { authorize } = setUp();
    expect(await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })))).toEqual({
      rejected: 'Unauthorized',
    });
  });
});

describe('values lib-dynamodb cannot unmarshall: a damaged item, never a store fault', () => {
  // Beyond 2^53 with a fraction: lib-dynamodb's unmarshall throws ("can't be converted to BigInt").
  const HUGE_FRACTION: AttributeValue = { N: '90071992547409930.5' };
  const withRaw = (key: TestKey, raw: Record<string, AttributeValue>) => ({
    Item: { ...toAttributeMap(key.item), ...raw },
  });

  it.each([
    ['expiresAt', { expiresAt: HUGE_FRACTION }, 'key_expired'],
    ['revokedAt', { revokedAt: HUGE_FRACTION }, 'key_revoked'],
    ['allowedIps', { allowedIps: { L: [{ S: '203.0.113.10' }, HUGE_FRACTION] } }, 'ip_not_allowed'],
    ['permission (holds no scope)', { permission: { N: '1e400' } }, 'insufficient_scope'],
  ])('a huge number as %s → Deny %s, logged as a warning', async (_attribute, raw, code) => {
    const key = testKey();
    dynamo.on(GetItemCommand).resolves(withRaw(key, raw));
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
    dynamo.on(GetItemCommand).resolves(withRaw(key, { keyHash: HUGE_FRACTION }));
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
    dynamo
      .on(GetItemCommand)
      .resolves(withRaw(key, { rateLimitPerSecond: HUGE_FRACTION, notes: { M: { n: { NS: ['1e400'] } } } }));
    const { authorize } = setUp();
    const result = await authorize(authorizerEvent({ authorization: bearer(key.key) }));
    expect(result.policyDocument.Statement.map((statement) => statement.Effect)).toEqual(['Allow']);
  });

  it('a map with a toString attribute as revokedAt → still revoked, no throw', async () => {
    const key = testKey();
    dynamo.on(GetItemCommand).resolves(withRaw(key, { revokedAt: { M: { toString: { S: 'x' } } } }));
    const { authorize } = setUp();
    const result = await authorize(authorizerEvent({ authorization: bearer(key.key) }));
    expect(result.context?.errorCode).toBe('key_revoked');
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
    dynamo.on(GetItemCommand).resolves(stored(key));
    const { log, authorize } = setUp();
    await outcome(authorize(authorizerEvent({ authorization: header(key) })));
    expectLoggedWithoutSecrets(log, key, DECIDED);
  });

  it('an unknown key', async () => {
    const key = testKey();
    dynamo.on(GetItemCommand).resolves({ Item: undefined });
    const { log, authorize } = setUp();
    await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })));
    expectLoggedWithoutSecrets(log, key, DECIDED);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ extra: [expect.objectContaining({ detail: 'unknown key id' })] }),
    );
  });

  it('a store error whose message echoes the request', async () => {
    const key = testKey();
    dynamo.on(GetItemCommand).rejects(awsError('ValidationException', `bad key ${key.key.keyId}`));
    const { log, authorize } = setUp();
    await outcome(authorize(authorizerEvent({ authorization: bearer(key.key) })));
    expectLoggedWithoutSecrets(log, key, LOOKUP_FAILED);
  });
});
