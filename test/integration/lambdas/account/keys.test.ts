/** The key service against DynamoDB Local: what is stored, what is returned, and what is refused. */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { KeyInputError } from '../../../../lambdas/account/key-input.js';
import {
  createKey,
  getKey,
  KeyNotFoundError,
  KeyRevokedError,
  type KeyStore,
  listKeys,
  ProjectNotFoundError,
  revokeKey,
  updateKey,
} from '../../../../lambdas/account/keys.js';
import { createProject } from '../../../../lambdas/account/projects.js';
import { createTeam } from '../../../../lambdas/account/teams.js';
import { generateApiKey, hashApiKey } from '../../../../lambdas/keys/api-key.js';
import { readKeyItem } from '../../../../lambdas/keys/key-item.js';
import { GENERAL_SCOPES } from '../../../../lambdas/api/scopes.js';
import { localDocuments } from '../../../../local/services.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { failingCalls } from '../../../support/sdk-calls.js';

let aws: TestAws;
let store: KeyStore;
let projectId: string;

beforeAll(async () => {
  aws = await createTestAws();
  store = {
    documents: aws.documents,
    apiKeysTable: aws.tables.apiKeys,
    dataTable: aws.tables.data,
    environment: 'live',
  };
  await createTeam(store, { id: 'team_keys', name: 'keys' });
  projectId = (await createProject(store, { name: 'keys', teamId: 'team_keys' })).id;
});

async function storedItem(keyId: string): Promise<Record<string, unknown>> {
  const { Item } = await aws.documents.send(
    new GetCommand({ TableName: aws.tables.apiKeys, Key: { keyId }, ConsistentRead: true }),
  );
  if (!Item) throw new Error(`no item ${keyId}`);
  return Item;
}

async function newProject(): Promise<string> {
  // Project names are unique in a team.
  return (await createProject(store, { name: `isolated ${randomUUID()}`, teamId: 'team_keys' })).id;
}

/** A clock that ticks one second per call, so createdAt orders the keys. */
function tickingClock(start = Date.parse('2026-01-01T00:00:00Z')): () => Date {
  let tick = 0;
  return () => new Date(start + 1000 * tick++);
}

describe('createKey', () => {
  it('stores only the SHA-256 of the key, and the item reads back as the authorizer reads it', async () => {
    // Arrange / Act
    const created = await createKey(store, {
      projectId,
      name: 'ci deploys',
      scopes: 'templates:write, Emails:Send',
      allowedIps: '203.0.113.50, 198.51.100.0/24',
      allowedDomains: 'example.com',
      expiresAt: '2099-01-01T00:00:00Z',
    });

    // Assert: the key once, in the live format; the item holds no plaintext.
    expect(created.key).toMatch(/^sk_live_[0-9A-Za-z]{50}$/);
    const item = await storedItem(created.metadata.id);
    expect(JSON.stringify(item)).not.toContain(created.key);
    expect(JSON.stringify(item)).not.toContain(created.key.slice(20, 52));
    expect(item.keyHash).toBe(hashApiKey(created.key));
    expect(item).toEqual({
      keyId: created.metadata.id,
      keyHash: hashApiKey(created.key),
      name: 'ci deploys',
      type: 'general',
      teamId: 'team_keys',
      projectId,
      permission: 'custom',
      scopes: ['emails:send', 'templates:write'],
      allowedIps: ['203.0.113.50', '198.51.100.0/24'],
      allowedDomains: ['example.com'],
      expiresAt: '2099-01-01T00:00:00.000Z',
      createdBy: 'cli',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const reading = readKeyItem(item);
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.warnings).toEqual([]);
    expect(reading.record.scopes).toEqual(['emails:send', 'templates:write']);
    expect(reading.record.allowedIps.ok && reading.record.allowedIps.ranges.length).toBe(2);
    expect(reading.record.expiresAt).toEqual(new Date('2099-01-01T00:00:00Z'));
  });

  it('stores scopes and allowedIps as lists, empty for a full_access key without restrictions', async () => {
    const created = await createKey(store, { projectId, name: 'plain' });
    const { Item } = await aws.dynamo.send(
      new (await import('@aws-sdk/client-dynamodb')).GetItemCommand({
        TableName: aws.tables.apiKeys,
        Key: { keyId: { S: created.metadata.id } },
      }),
    );
    expect(Item?.scopes).toEqual({ L: [] });
    expect(Item?.allowedIps).toEqual({ L: [] });
    expect(Item?.allowedDomains).toBeUndefined();
    expect(Item?.expiresAt).toBeUndefined();
    expect(Item?.permission).toEqual({ S: 'full_access' });
  });

  it('returns public metadata with the effective scopes and never the hash', async () => {
    const created = await createKey(store, { projectId, name: 'sender', permission: 'sending_only' });
    expect(created.metadata).toMatchObject({
      prefix: `sk_live_${created.metadata.id}`,
      permission: 'sending_only',
      scopes: ['emails:send', 'sms:send', 'whatsapp:send'],
      teamId: 'team_keys',
      status: 'active',
      allowedIps: [],
      allowedDomains: null,
      expiresAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(created.metadata)).not.toMatch(/keyHash|[0-9a-f]{64}/);
  });

  it('gives a full_access key all general scopes by default', async () => {
    const created = await createKey(store, { projectId, name: 'admin' });
    expect(created.metadata.permission).toBe('full_access');
    expect(created.metadata.scopes).toEqual(Object.keys(GENERAL_SCOPES));
  });

  it('writes with attribute_not_exists(keyId): a colliding key id never overwrites an existing key', async () => {
    // Arrange: an existing key, and a generator that first proposes its id again.
    const existing = await createKey(store, { projectId, name: 'existing' });
    const before = await storedItem(existing.metadata.id);
    const proposals = [generateApiKey('live', existing.metadata.id), generateApiKey('live')];
    const colliding: KeyStore = { ...store, generateKey: () => proposals.shift() ?? generateApiKey('live') };

    // Act
    const created = await createKey(colliding, { projectId, name: 'newcomer' });

    // Assert
    expect(created.metadata.id).not.toBe(existing.metadata.id);
    expect(await storedItem(existing.metadata.id)).toEqual(before);
  });

  it('gives up after repeated collisions instead of overwriting', async () => {
    const existing = await createKey(store, { projectId, name: 'existing' });
    const stuck: KeyStore = { ...store, generateKey: () => generateApiKey('live', existing.metadata.id) };
    await expect(createKey(stuck, { projectId, name: 'never' })).rejects.toThrow(/unused key id/);
    expect((await storedItem(existing.metadata.id)).name).toBe('existing');
  });

  it.each([
    ['an unknown scope', { scopes: 'emails:sned' }, 'scopes'],
    ['a custom key without scopes', { permission: 'custom' }, 'scopes'],
    ['an invalid IP', { allowedIps: '203.0.113.500' }, 'allowed_ips'],
    ['a past expiry', { expiresAt: '2020-01-01T00:00:00Z' }, 'expires_at'],
    ['an unknown permission', { permission: 'owner' }, 'permission'],
    ['a missing name', { name: undefined }, 'name'],
  ])('refuses %s with a KeyInputError naming the field', async (_case, input, path) => {
    const error = await createKey(store, { projectId, name: 'bad', ...input }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KeyInputError);
    expect((error as KeyInputError).errors.map((fieldError) => fieldError.path)).toEqual([path]);
  });

  it('refuses an unknown project, and writes nothing', async () => {
    await expect(createKey(store, { projectId: 'proj_missing', name: 'orphan' })).rejects.toBeInstanceOf(
      ProjectNotFoundError,
    );
  });
});

describe('listKeys', () => {
  it("lists a project's keys newest first, revoked ones included, without hashes", async () => {
    const project = await newProject();
    const clocked: KeyStore = { ...store, now: tickingClock() };
    const first = await createKey(clocked, { projectId: project, name: 'first' });
    const second = await createKey(clocked, { projectId: project, name: 'second' });
    await revokeKey(clocked, first.metadata.id);
    await createKey(store, { projectId, name: 'other project' });

    const keys = await listKeys(clocked, project);

    expect(keys.map((key) => [key.name, key.status])).toEqual([
      ['second', 'active'],
      ['first', 'revoked'],
    ]);
    expect(keys[0]?.id).toBe(second.metadata.id);
    expect(JSON.stringify(keys)).not.toMatch(/keyHash|[0-9a-f]{64}/);
  });

  it('answers an empty list for a project without keys', async () => {
    expect(await listKeys(store, await newProject())).toEqual([]);
  });

  it('refuses an unknown project', async () => {
    await expect(listKeys(store, 'proj_missing')).rejects.toBeInstanceOf(ProjectNotFoundError);
  });
});

describe('getKey', () => {
  it('finds a key by id or by its public prefix', async () => {
    const created = await createKey(store, { projectId, name: 'lookup' });
    expect(await getKey(store, created.metadata.id)).toEqual(created.metadata);
    expect((await getKey(store, created.metadata.prefix)).id).toBe(created.metadata.id);
  });

  it('treats a key of another project as missing when confined to a project', async () => {
    const created = await createKey(store, { projectId, name: 'tenant' });
    await expect(getKey(store, created.metadata.id, { projectId: 'proj_other' })).rejects.toBeInstanceOf(
      KeyNotFoundError,
    );
  });

  it.each(['AAAAAAAAAAAA', 'not-an-id', ''])('answers KeyNotFoundError for %j', async (id) => {
    await expect(getKey(store, id)).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('never echoes a pasted secret key in its error', async () => {
    const { key } = generateApiKey('live');
    const error = await getKey(store, key).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeyNotFoundError);
    expect((error as Error).message).not.toContain(key.slice(20));
  });

  it('shows hand-edit problems as warnings and an unusable key as invalid', async () => {
    const created = await createKey(store, { projectId, name: 'hand edited' });
    const item = await storedItem(created.metadata.id);
    await aws.documents.send(
      new PutCommand({
        TableName: aws.tables.apiKeys,
        Item: {
          ...item,
          allowedIps: '10.0.0.1, 010.0.0.2',
          allowedDomains: [],
          scopes: ['emails:send', 'bogus'],
          permission: 'custom',
        },
      }),
    );
    const key = await getKey(store, created.metadata.id);
    expect(key.status).toBe('invalid');
    expect(key.scopes).toEqual(['emails:send']);
    expect(key.allowedIps).toEqual(['10.0.0.1', '010.0.0.2']);
    expect(key.allowedDomains).toEqual([]);
    expect(key.warnings).toEqual([
      'ignored unknown scopes: bogus',
      'invalid allowedIps entries (key denied): 010.0.0.2',
    ]);
  });
});

describe('updateKey', () => {
  it('changes only the given fields and bumps updatedAt', async () => {
    const clocked: KeyStore = { ...store, now: tickingClock() };
    const created = await createKey(clocked, {
      projectId,
      name: 'before',
      allowedIps: '10.0.0.1',
      expiresAt: '2099-01-01',
    });

    const updated = await updateKey(clocked, created.metadata.id, { name: 'after', scopes: 'emails:read' });

    expect(updated).toMatchObject({
      name: 'after',
      permission: 'custom',
      scopes: ['emails:read'],
      allowedIps: ['10.0.0.1'],
      expiresAt: '2099-01-01T00:00:00.000Z',
      createdAt: created.metadata.createdAt,
    });
    expect(updated.updatedAt).not.toBe(created.metadata.updatedAt);
    const reading = readKeyItem(await storedItem(created.metadata.id));
    expect(reading.ok && reading.record.scopes).toEqual(['emails:read']);
  });

  it('clears restrictions: "" for IPs and domains, "never" for the expiry', async () => {
    const created = await createKey(store, {
      projectId,
      name: 'restricted',
      allowedIps: '10.0.0.0/8',
      allowedDomains: 'example.com',
      expiresAt: '2099-01-01',
    });

    const updated = await updateKey(store, created.metadata.id, {
      allowedIps: '',
      allowedDomains: '',
      expiresAt: 'never',
    });

    expect(updated).toMatchObject({ allowedIps: [], allowedDomains: null, expiresAt: null });
    const item = await storedItem(created.metadata.id);
    expect(item.allowedIps).toEqual([]);
    expect(item).not.toHaveProperty('allowedDomains');
    expect(item).not.toHaveProperty('expiresAt');
  });

  it('switches a custom key to a preset and drops its stored scopes', async () => {
    const created = await createKey(store, { projectId, name: 'narrow', scopes: 'emails:send' });
    const updated = await updateKey(store, created.metadata.id, { permission: 'full_access' });
    expect(updated.scopes).toEqual(Object.keys(GENERAL_SCOPES));
    expect((await storedItem(created.metadata.id)).scopes).toEqual([]);
  });

  it('writes nothing when nothing is given', async () => {
    const created = await createKey(store, { projectId, name: 'still' });
    expect(await updateKey(store, created.metadata.id, {})).toEqual(created.metadata);
  });

  it.each([
    ['an unknown scope', { scopes: 'emails:sendd' }, 'scopes'],
    ['an invalid IP', { allowedIps: '1.2.3.4, 1.2.3' }, 'allowed_ips'],
    ['a past expiry', { expiresAt: '2000-01-01' }, 'expires_at'],
    ['custom without scopes', { permission: 'custom' }, 'scopes'],
  ])('refuses %s and leaves the item unchanged', async (_case, input, path) => {
    const created = await createKey(store, { projectId, name: 'guarded' });
    const before = await storedItem(created.metadata.id);
    const error = await updateKey(store, created.metadata.id, input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeyInputError);
    expect((error as KeyInputError).errors.map((fieldError) => fieldError.path)).toEqual([path]);
    expect(await storedItem(created.metadata.id)).toEqual(before);
  });

  it('refuses to change a revoked key', async () => {
    const created = await createKey(store, { projectId, name: 'gone' });
    await revokeKey(store, created.metadata.id);
    await expect(updateKey(store, created.metadata.id, { name: 'back' })).rejects.toBeInstanceOf(
      KeyRevokedError,
    );
  });

  it('answers KeyNotFoundError for an unknown key and creates nothing', async () => {
    const id = generateApiKey('live').keyId;
    await expect(updateKey(store, id, { name: 'ghost' })).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(getKey(store, id)).rejects.toBeInstanceOf(KeyNotFoundError);
  });
});

describe('revokeKey', () => {
  it('sets revokedAt once; revoking again answers the first revocation', async () => {
    const created = await createKey(store, { projectId, name: 'to revoke' });
    const first = await revokeKey(
      { ...store, now: () => new Date('2026-03-01T00:00:00Z') },
      created.metadata.id,
    );
    const again = await revokeKey(
      { ...store, now: () => new Date('2026-04-01T00:00:00Z') },
      created.metadata.id,
    );

    expect(first).toMatchObject({
      alreadyRevoked: false,
      key: { status: 'revoked', revokedAt: '2026-03-01T00:00:00.000Z' },
    });
    expect(again).toMatchObject({ alreadyRevoked: true, key: { revokedAt: '2026-03-01T00:00:00.000Z' } });
    const reading = readKeyItem(await storedItem(created.metadata.id));
    expect(reading.ok && reading.record.revokedAt).toBe('2026-03-01T00:00:00.000Z');
  });

  it('answers KeyNotFoundError for an unknown key and creates no item', async () => {
    const id = generateApiKey('live').keyId;
    await expect(revokeKey(store, id)).rejects.toBeInstanceOf(KeyNotFoundError);
    const { Item } = await aws.documents.send(
      new GetCommand({ TableName: aws.tables.apiKeys, Key: { keyId: id } }),
    );
    expect(Item).toBeUndefined();
  });

  it('treats a key of another project as missing when confined to a project', async () => {
    const created = await createKey(store, { projectId, name: 'tenant' });
    await expect(revokeKey(store, created.metadata.id, { projectId: 'proj_other' })).rejects.toBeInstanceOf(
      KeyNotFoundError,
    );
    expect((await getKey(store, created.metadata.id)).status).toBe('active');
  });
});

describe('a key write that loses a race', () => {
  /** The store, whose first `conflicts` transactions are cancelled as if another one won. */
  function racing(conflicts: number) {
    const lost: Error[] = [];
    let transactions = 0;
    const documents = failingCalls(localDocuments(inject('dynamoEndpoint')), 'TransactWriteItems', () => {
      if (++transactions > conflicts) return undefined;
      const error = Object.assign(new Error('Transaction cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
      });
      lost.push(error);
      return error;
    });
    return { store: { ...store, documents }, lost, transactions: () => transactions };
  }

  it('reads the key again and writes on a later attempt', async () => {
    const created = await createKey(store, { projectId, name: 'raced' });
    const race = racing(2);

    const renamed = await updateKey(race.store, created.metadata.id, { name: 'renamed' });

    expect(race.transactions()).toBe(3);
    expect(renamed.name).toBe('renamed');
    expect(await storedItem(created.metadata.id)).toMatchObject({ name: 'renamed' });
  });

  it('throws the last lost race after three attempts, and the key is unchanged', async () => {
    const created = await createKey(store, { projectId, name: 'raced out' });
    const race = racing(3);

    const thrown: unknown = await revokeKey(race.store, created.metadata.id).catch((error: unknown) => error);

    expect(thrown).toBe(race.lost[2]);

    expect(race.transactions()).toBe(3);
    expect((await getKey(store, created.metadata.id)).status).toBe('active');
  });
});
