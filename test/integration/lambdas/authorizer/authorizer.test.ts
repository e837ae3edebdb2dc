/**
 * The real authorizer on a real ApiKeys table in DynamoDB Local: items written in every form the
 * DynamoDB console produces, the documented allow/deny rows (docs/architecture.md), and hand edits that take effect on the
 * very next call.
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../../../lambdas/authorizer/authorizer.js';
import { keyItemReader } from '../../../../lambdas/authorizer/key-store.js';
import { checksumOf, generateApiKey } from '../../../../lambdas/keys/api-key.js';
import { DOCUMENTED_BODIES, documentedInsufficientScopeBody } from '../../../support/documented-bodies.js';
import { type AuthorizerEventInput, authorizerEvent } from '../../../support/events.js';
import { bearer, type TestKey, testKey } from '../../../support/keys.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { recordingLog } from '../../../support/logs.js';

const CALLER_IP = '203.0.113.50';
const OTHER_IP = '198.51.100.7';

let aws: TestAws;
let authorize: ReturnType<typeof createAuthorizer>;

beforeAll(async () => {
  aws = await createTestAws();
  authorize = createAuthorizer({
    environment: 'live',
    getKeyItem: keyItemReader(aws.documents, aws.tables.apiKeys),
    log: recordingLog(),
  });
});

/** Puts the key's item with the DocumentClient: a Set becomes SS, an array L, null NULL. */
async function stored(overrides: Record<string, unknown> = {}): Promise<TestKey> {
  const key = testKey(overrides);
  await aws.documents.send(new PutCommand({ TableName: aws.tables.apiKeys, Item: key.item }));
  return key;
}

/** An UpdateItem like a console edit; `#name` placeholders stand for the attribute `name`. */
async function edit(key: TestKey, update: string, values: Record<string, unknown> = {}): Promise<void> {
  const names: Record<string, string> = {};
  for (const [placeholder, name = ''] of update.matchAll(/#(\w+)/g)) names[placeholder] = name;
  await aws.documents.send(
    new UpdateCommand({
      TableName: aws.tables.apiKeys,
      Key: { keyId: key.key.keyId },
      UpdateExpression: update,
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    }),
  );
}

/** The attribute types DynamoDB actually stored, to be sure each console form is exercised. */
async function attributeTypes(key: TestKey): Promise<Record<string, string>> {
  const { Item } = await aws.dynamo.send(
    new GetItemCommand({ TableName: aws.tables.apiKeys, Key: { keyId: { S: key.key.keyId } } }),
  );
  return Object.fromEntries(
    Object.entries(Item ?? {}).map(([name, value]) => [name, Object.keys(value)[0] ?? '']),
  );
}

type Decision = { allow: true } | { unauthorized: true } | { deny: unknown };

async function decide(key: TestKey | string, input: AuthorizerEventInput = {}): Promise<Decision> {
  const authorization = typeof key === 'string' ? key : bearer(key.key);
  let result: APIGatewayAuthorizerResult;
  try {
    result = await authorize(authorizerEvent({ authorization, sourceIp: CALLER_IP, ...input }));
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return { unauthorized: true };
    throw error;
  }
  const effects = result.policyDocument.Statement.map((statement) => statement.Effect);
  if (effects.length === 1 && effects[0] === 'Allow') return { allow: true };
  if (effects.length === 1 && effects[0] === 'Deny')
    return { deny: JSON.parse(String(result.context?.errorBody)) };
  throw new Error(`unexpected policy ${JSON.stringify(result.policyDocument)}`);
}

const ALLOW = { allow: true } as const;
const UNAUTHORIZED = { unauthorized: true } as const;
const deny = (body: string) => ({ deny: JSON.parse(body) });
const SEND = { method: 'POST', resource: '/v1/emails' } as const;
const READ = { method: 'GET', resource: '/v1/emails' } as const;
const READ_ONE = { method: 'GET', resource: '/v1/emails/{id}', path: '/v1/emails/em_123' } as const;

describe('the documented allow and deny rows, on a real table', () => {
  it('a full_access key is allowed, with the handlers context', async () => {
    const key = await stored();
    const result = await authorize(authorizerEvent({ authorization: bearer(key.key), sourceIp: CALLER_IP }));
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(result.context).toMatchObject({
      keyId: key.key.keyId,
      teamId: 'team_test',
      projectId: 'proj_test',
      permission: 'full_access',
      allowedDomains: 'null',
    });
  });

  it.each([
    ['no key', () => Promise.resolve('')],
    ['a malformed key', () => Promise.resolve('Bearer sk_live_short')],
    [
      'a bad checksum',
      async () => {
        const { key } = await stored();
        return `Bearer ${key.key.slice(0, -1)}${key.key.endsWith('A') ? 'B' : 'A'}`;
      },
    ],
    ['an unknown key', () => Promise.resolve(bearer(generateApiKey('live')))],
    [
      'a wrong secret',
      async () => {
        const { key } = await stored();
        return bearer(generateApiKey('live', key.keyId));
      },
    ],
    [
      'a test key on a live authorizer',
      async () => {
        const { key } = await stored();
        const body = `sk_test_${key.key.slice('sk_live_'.length, -6)}`;
        return `Bearer ${body}${checksumOf(body)}`;
      },
    ],
  ])('%s → 401 Unauthorized', async (_row, header) => {
    expect(await decide(await header())).toEqual(UNAUTHORIZED);
  });

  it.each([
    ['revoked', { revokedAt: '2025-01-01T00:00:00.000Z' }, SEND, DOCUMENTED_BODIES.key_revoked],
    ['revoked with a NULL revokedAt', { revokedAt: null }, SEND, DOCUMENTED_BODIES.key_revoked],
    ['expired', { expiresAt: '2020-01-01T00:00:00.000Z' }, SEND, DOCUMENTED_BODIES.key_expired],
    ['IP not allowed', { allowedIps: OTHER_IP }, SEND, DOCUMENTED_BODIES.ip_not_allowed],
    [
      'scope missing',
      { permission: 'sending_only' },
      READ,
      JSON.stringify(documentedInsufficientScopeBody('emails:read')),
    ],
  ])('%s → 403 Deny with the design body', async (_row, overrides, route, body) => {
    const key = await stored(overrides);
    expect(await decide(key, route)).toEqual(deny(body));
  });

  it('revoked AND expired AND wrong IP AND scope missing → key_revoked', async () => {
    const key = await stored({
      revokedAt: '2025-01-01T00:00:00.000Z',
      expiresAt: '2020-01-01T00:00:00.000Z',
      allowedIps: OTHER_IP,
      permission: 'custom',
      scopes: [],
    });
    expect(await decide(key)).toEqual(deny(DOCUMENTED_BODIES.key_revoked));
  });
});

describe('console forms of scopes and permission', () => {
  it.each([
    ['scopes as SS', { permission: 'custom', scopes: new Set(['emails:read']) }, 'SS'],
    ['scopes as L', { permission: 'custom', scopes: ['emails:read'] }, 'L'],
    ['scopes as S', { permission: 'custom', scopes: 'emails:read' }, 'S'],
    ['permission absent, scopes as SS', { permission: undefined, scopes: new Set(['emails:read']) }, 'SS'],
    [
      'hand-typed case and spaces',
      { permission: 'Custom ', scopes: new Set([' EMAILS:READ ', 'nonsense']) },
      'SS',
    ],
  ])('%s: holds exactly the listed scope', async (_form, overrides, type) => {
    const key = await stored(overrides);
    expect((await attributeTypes(key)).scopes).toBe(type);
    expect(await decide(key, READ)).toEqual(ALLOW);
    expect(await decide(key, READ_ONE)).toEqual(ALLOW);
    expect(await decide(key, SEND)).toEqual(
      deny(JSON.stringify(documentedInsufficientScopeBody('emails:send'))),
    );
  });

  it.each([
    ['permission absent and no scopes', { permission: undefined }],
    ['custom with an empty L', { permission: 'custom', scopes: [] }],
    ['custom with only unknown scopes', { permission: 'custom', scopes: new Set(['*', 'admin']) }],
    ['billing key with full_access', { type: 'billing', permission: 'full_access' }],
  ])('%s: may call nothing', async (_form, overrides) => {
    const key = await stored(overrides);
    for (const route of [SEND, READ, READ_ONE]) {
      expect(await decide(key, route)).toMatchObject({ deny: { error_code: 'insufficient_scope' } });
    }
  });
});

describe('console forms of allowedIps', () => {
  it.each([
    ['S comma string', `${CALLER_IP}, 10.0.0.0/8`, 'S'],
    ['SS', new Set([CALLER_IP, '10.0.0.0/8']), 'SS'],
    ['L', [CALLER_IP, '10.0.0.0/8'], 'L'],
  ])('%s: admits listed callers only', async (_form, allowedIps, type) => {
    const key = await stored({ allowedIps });
    expect((await attributeTypes(key)).allowedIps).toBe(type);
    expect(await decide(key, { sourceIp: CALLER_IP })).toEqual(ALLOW);
    expect(await decide(key, { sourceIp: '10.20.30.40' })).toEqual(ALLOW);
    expect(await decide(key, { sourceIp: `::ffff:${CALLER_IP}` })).toEqual(ALLOW);
    expect(await decide(key, { sourceIp: OTHER_IP })).toEqual(deny(DOCUMENTED_BODIES.ip_not_allowed));
    expect(await decide(key, { sourceIp: '2001:db8::1' })).toEqual(deny(DOCUMENTED_BODIES.ip_not_allowed));
  });

  it.each([
    ['S', `${CALLER_IP}, 010.0.0.1`],
    ['SS', new Set([CALLER_IP, '10.0.0.0/33'])],
    ['L', [CALLER_IP, 'localhost']],
  ])('%s with one invalid entry denies even a listed caller', async (_form, allowedIps) => {
    const key = await stored({ allowedIps });
    expect(await decide(key, { sourceIp: CALLER_IP })).toEqual(deny(DOCUMENTED_BODIES.ip_not_allowed));
  });

  it('an empty S means any IP', async () => {
    const key = await stored({ allowedIps: '' });
    expect(await decide(key, { sourceIp: OTHER_IP })).toEqual(ALLOW);
  });

  it('a client-sent X-Forwarded-For is ignored', async () => {
    const key = await stored({ allowedIps: CALLER_IP });
    const decision = await decide(key, { sourceIp: OTHER_IP, headers: { 'X-Forwarded-For': CALLER_IP } });
    expect(decision).toEqual(deny(DOCUMENTED_BODIES.ip_not_allowed));
  });
});

describe('console edits take effect on the very next call', () => {
  it('revoke by setting revokedAt, then un-revoke by removing it', async () => {
    const key = await stored();
    expect(await decide(key)).toEqual(ALLOW);
    await edit(key, 'SET revokedAt = :at', { ':at': new Date().toISOString() });
    expect(await decide(key)).toEqual(deny(DOCUMENTED_BODIES.key_revoked));
    await edit(key, 'REMOVE revokedAt');
    expect(await decide(key)).toEqual(ALLOW);
  });

  it('narrow full_access to a custom read scope', async () => {
    const key = await stored();
    expect(await decide(key, SEND)).toEqual(ALLOW);
    await edit(key, 'SET #permission = :custom, scopes = :scopes', {
      ':custom': 'custom',
      ':scopes': new Set(['emails:read']),
    });
    expect(await decide(key, SEND)).toEqual(
      deny(JSON.stringify(documentedInsufficientScopeBody('emails:send'))),
    );
    expect(await decide(key, READ)).toEqual(ALLOW);
  });

  it('empty the scope list of a custom key', async () => {
    const key = await stored({ permission: 'custom', scopes: new Set(['emails:send']) });
    expect(await decide(key, SEND)).toEqual(ALLOW);
    await edit(key, 'SET scopes = :none', { ':none': [] });
    expect(await decide(key, SEND)).toMatchObject({ deny: { error_code: 'insufficient_scope' } });
  });

  it('add an IP restriction, then widen it', async () => {
    const key = await stored();
    expect(await decide(key, { sourceIp: OTHER_IP })).toEqual(ALLOW);
    await edit(key, 'SET allowedIps = :ips', { ':ips': CALLER_IP });
    expect(await decide(key, { sourceIp: OTHER_IP })).toEqual(deny(DOCUMENTED_BODIES.ip_not_allowed));
    expect(await decide(key, { sourceIp: CALLER_IP })).toEqual(ALLOW);
    await edit(key, 'SET allowedIps = :ips', { ':ips': new Set([CALLER_IP, `${OTHER_IP}/32`]) });
    expect(await decide(key, { sourceIp: OTHER_IP })).toEqual(ALLOW);
  });

  it('set an expiry in the past', async () => {
    const key = await stored();
    await edit(key, 'SET expiresAt = :at', { ':at': new Date(Date.now() - 1000).toISOString() });
    expect(await decide(key)).toEqual(deny(DOCUMENTED_BODIES.key_expired));
  });

  it('replace the stored hash (the old secret stops working)', async () => {
    const key = await stored();
    expect(await decide(key)).toEqual(ALLOW);
    await edit(key, 'SET keyHash = :other', { ':other': generateApiKey('live').keyHash });
    expect(await decide(key)).toEqual(UNAUTHORIZED);
  });

  it('delete the item', async () => {
    const key = await stored();
    expect(await decide(key)).toEqual(ALLOW);
    await aws.documents.send(
      new DeleteCommand({ TableName: aws.tables.apiKeys, Key: { keyId: key.key.keyId } }),
    );
    expect(await decide(key)).toEqual(UNAUTHORIZED);
  });
});

describe('console edits that are present but unreadable fail closed, on a real table', () => {
  it.each([
    ['an empty string', ''],
    ['blanks', '   '],
    ['NULL', null],
  ])('expiresAt as %s → key_expired (only an absent expiresAt means never)', async (_case, value) => {
    const key = await stored();
    await edit(key, 'SET expiresAt = :at', { ':at': value });
    expect(await decide(key)).toEqual(deny(DOCUMENTED_BODIES.key_expired));
  });

  /** Written with the low-level client: lib-dynamodb refuses to marshall these numbers at all. */
  async function setRawNumber(key: TestKey, attribute: string, number: string): Promise<void> {
    await aws.dynamo.send(
      new UpdateItemCommand({
        TableName: aws.tables.apiKeys,
        Key: { keyId: { S: key.key.keyId } },
        UpdateExpression: 'SET #attribute = :number',
        ExpressionAttributeNames: { '#attribute': attribute },
        ExpressionAttributeValues: { ':number': { N: number } },
      }),
    );
  }

  it.each([
    ['beyond 2^53 with a fraction', '90071992547409930.5'],
    ['with 38 digits', '12345678901234567890123456789012345678'],
  ])('expiresAt as a number %s → key_expired, not 503', async (_case, number) => {
    const key = await stored();
    await setRawNumber(key, 'expiresAt', number);
    expect(await attributeTypes(key)).toMatchObject({ expiresAt: 'N' });
    expect(await decide(key)).toEqual(deny(DOCUMENTED_BODIES.key_expired));
  });

  it('a huge number in an attribute the authorizer does not read → still allowed', async () => {
    const key = await stored();
    await setRawNumber(key, 'rateLimitPerSecond', '90071992547409930.5');
    expect(await decide(key)).toEqual(ALLOW);
  });
});
