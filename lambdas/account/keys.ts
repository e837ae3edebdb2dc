/**
 * API key management: create, list, show, update and revoke the ApiKeys items the authorizer reads.
 * Only the SHA-256 of a key is stored; the key itself leaves this module exactly once, in createKey's
 * answer. No function here ever returns the hash.
 *
 * Items are read as raw AttributeValues (lambdas/core/attribute-values.ts, the authorizer's own
 * converter), never through lib-dynamodb's unmarshall, which
 * throws on some hand-edited values: a malformed item is shown as such and can still be revoked.
 * The document client sends these low-level commands unchanged; only its own commands (un)marshal.
 */
import {
  type AttributeValue,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type GeneratedApiKey,
  generateApiKey,
  isKeyId,
  type KeyEnvironment,
  looksLikeSecretKey,
} from '../core/api-key.js';
import { isConditionalCheckFailure } from '../core/dynamo-errors.js';
import { readKeyItem } from '../core/key-item.js';
import { type GeneralScope, isScopeOf } from '../core/scopes.js';
import {
  type KeyChanges,
  type KeyFieldsInput,
  KeyInputError,
  validateKeyChanges,
  validateNewKey,
} from './key-input.js';
import { type KeyMetadata, keyMetadata } from './key-metadata.js';
import { getProject } from './projects.js';
import { fromAttributeMap, type PlainValue } from '../core/attribute-values.js';

type RawItem = Record<string, AttributeValue>;
type PlainItem = Record<string, PlainValue>;

export interface KeyStore {
  readonly documents: DynamoDBDocumentClient;
  readonly apiKeysTable: string;
  readonly dataTable: string;
  /** `live` for a deployed stack, `test` for the local one: decides the keys' `sk_<env>_` prefix. */
  readonly environment: KeyEnvironment;
  readonly now?: () => Date;
  /** @default generateApiKey — replaced in tests to force a key id collision. */
  readonly generateKey?: (environment: KeyEnvironment) => GeneratedApiKey;
}

export interface NewKeyInput extends KeyFieldsInput {
  readonly projectId: string;
}

export interface CreatedKey {
  /** The whole secret key: shown once, never stored. */
  readonly key: string;
  readonly metadata: KeyMetadata;
}

/** `projectId` confines a lookup to one project: a key of another project is not found (tenancy). */
export interface KeyLookup {
  readonly projectId?: string;
}

export class KeyNotFoundError extends Error {
  /** The id as given, cut to 12 characters: a pasted secret key must not reach a message or a log. */
  readonly keyId: string;

  constructor(keyId: string) {
    const shown = keyId.length > 12 ? `${keyId.slice(0, 12)}…` : keyId;
    super(
      isKeyId(keyId)
        ? `No API key with id ${keyId}`
        : looksLikeSecretKey(keyId)
          ? `"${shown}" looks like a whole secret key; pass its id (the 12 characters after sk_live_ or sk_test_)`
          : `"${shown}" is not an API key id (12 letters and digits)`,
    );
    this.name = 'KeyNotFoundError';
    this.keyId = shown;
  }
}

export class KeyRevokedError extends Error {
  constructor(readonly keyId: string) {
    super(`API key ${keyId} is revoked; a revoked key cannot be changed`);
    this.name = 'KeyRevokedError';
  }
}

export class ProjectNotFoundError extends Error {
  constructor(readonly projectId: string) {
    super(`No project with id ${projectId}`);
    this.name = 'ProjectNotFoundError';
  }
}

const CREATE_ATTEMPTS = 3;
// Like the authorizer: revokedAt present, whatever its value (a console NULL included), means revoked.
const NOT_REVOKED = 'attribute_not_exists(revokedAt)';

export async function createKey(store: KeyStore, input: NewKeyInput): Promise<CreatedKey> {
  const now = clock(store);
  const validated = validateNewKey(input, now);
  if (!validated.ok) throw new KeyInputError(validated.errors);
  const project = await getProject(store, input.projectId);
  if (!project) throw new ProjectNotFoundError(input.projectId);
  const { allowedDomains, expiresAt, ...settings } = validated.value;
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
    const generated = (store.generateKey ?? generateApiKey)(store.environment);
    const item = {
      keyId: generated.keyId,
      keyHash: generated.keyHash,
      type: 'general',
      teamId: project.teamId,
      projectId: project.id,
      ...settings,
      ...(allowedDomains ? { allowedDomains } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    try {
      await store.documents.send(
        new PutCommand({
          TableName: store.apiKeysTable,
          Item: item,
          ConditionExpression: 'attribute_not_exists(keyId)',
        }),
      );
      return { key: generated.key, metadata: keyMetadata(item, store.environment, now) };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
  throw new Error(`Could not allocate an unused key id in ${CREATE_ATTEMPTS} attempts`);
}

export async function getKey(store: KeyStore, id: string, lookup: KeyLookup = {}): Promise<KeyMetadata> {
  const found = await findItem(store, keyIdOf(id), lookup);
  if (!found) throw new KeyNotFoundError(keyIdOf(id));
  return metadataOf(store, found, clock(store));
}

/** Every key of a project, revoked ones included, newest first. */
export async function listKeys(store: KeyStore, projectId: string): Promise<KeyMetadata[]> {
  if (!(await getProject(store, projectId))) throw new ProjectNotFoundError(projectId);
  const now = clock(store);
  const keys: KeyMetadata[] = [];
  let startKey: RawItem | undefined;
  do {
    const page = await store.documents.send(
      new QueryCommand({
        TableName: store.apiKeysTable,
        IndexName: 'byProject',
        KeyConditionExpression: 'projectId = :projectId',
        ExpressionAttributeValues: { ':projectId': { S: projectId } },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
      }),
    );
    keys.push(...(page.Items ?? []).map((item) => metadataOf(store, fromAttributeMap(item), now)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return keys;
}

/** Changes the given fields only; a revoked key cannot be changed. */
export async function updateKey(
  store: KeyStore,
  id: string,
  input: KeyFieldsInput,
  lookup: KeyLookup = {},
): Promise<KeyMetadata> {
  const keyId = keyIdOf(id);
  const now = clock(store);
  const found = await findItem(store, keyId, lookup);
  if (!found) throw new KeyNotFoundError(keyId);
  const reading = readKeyItem(found);
  if (reading.ok && reading.record.revokedAt !== undefined) throw new KeyRevokedError(keyId);
  if (reading.ok && reading.record.type !== 'general') {
    throw new KeyInputError([{ path: 'type', message: 'billing keys are not managed here' }]);
  }
  const current = reading.ok
    ? { permission: reading.record.permission, scopes: reading.record.scopes.filter(isGeneralScope) }
    : { permission: 'custom' as const, scopes: [] };
  const validated = validateKeyChanges(input, current, now);
  if (!validated.ok) throw new KeyInputError(validated.errors);
  if (Object.keys(validated.value).length === 0) return metadataOf(store, found, now);

  try {
    const { Attributes } = await store.documents.send(
      new UpdateItemCommand({
        TableName: store.apiKeysTable,
        Key: { keyId: { S: keyId } },
        ...updateExpression(validated.value, now),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return metadataOf(store, fromAttributeMap(Attributes ?? {}), now);
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    const latest = await findItem(store, keyId, lookup);
    if (!latest) throw new KeyNotFoundError(keyId);
    throw new KeyRevokedError(keyId);
  }
}

/**
 * Idempotent: revoking a revoked key answers its first revocation. Works on a malformed item too: the
 * update needs only its key, so the operator can always revoke what the authorizer already refuses.
 */
export async function revokeKey(
  store: KeyStore,
  id: string,
  lookup: KeyLookup = {},
): Promise<{ key: KeyMetadata; alreadyRevoked: boolean }> {
  const keyId = keyIdOf(id);
  const now = clock(store);
  const inProject = lookup.projectId === undefined ? '' : ' AND projectId = :projectId';
  try {
    const { Attributes } = await store.documents.send(
      new UpdateItemCommand({
        TableName: store.apiKeysTable,
        Key: { keyId: { S: keyId } },
        UpdateExpression: 'SET revokedAt = :now, updatedAt = :now',
        ConditionExpression: `attribute_exists(keyId) AND ${NOT_REVOKED}${inProject}`,
        ExpressionAttributeValues: {
          ':now': { S: now.toISOString() },
          ...(lookup.projectId === undefined ? {} : { ':projectId': { S: lookup.projectId } }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { key: metadataOf(store, fromAttributeMap(Attributes ?? {}), now), alreadyRevoked: false };
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    const found = await findItem(store, keyId, lookup);
    if (!found) throw new KeyNotFoundError(keyId);
    return { key: metadataOf(store, found, now), alreadyRevoked: true };
  }
}

/** Accepts a key id or its public prefix (`sk_live_<id>`), which is what listings show. */
export function keyIdOf(id: string): string {
  return id.trim().replace(/^sk_(live|test)_/, '');
}

async function findItem(store: KeyStore, keyId: string, lookup: KeyLookup): Promise<PlainItem | undefined> {
  if (!isKeyId(keyId)) return undefined;
  const { Item } = await store.documents.send(
    new GetItemCommand({ TableName: store.apiKeysTable, Key: { keyId: { S: keyId } }, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const found = fromAttributeMap(Item);
  if (lookup.projectId !== undefined && found.projectId !== lookup.projectId) return undefined;
  return found;
}

function metadataOf(store: KeyStore, found: PlainItem, now: Date): KeyMetadata {
  return keyMetadata(found, store.environment, now);
}

/** SET for given values, REMOVE for cleared ones; only an existing, unrevoked key is changed. */
function updateExpression(changes: KeyChanges, now: Date) {
  const sets: string[] = ['#updatedAt = :updatedAt'];
  const removes: string[] = [];
  const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
  const values: Record<string, AttributeValue> = { ':updatedAt': { S: now.toISOString() } };
  for (const [attribute, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${attribute}`] = attribute;
    if (value === null) {
      removes.push(`#${attribute}`);
    } else {
      sets.push(`#${attribute} = :${attribute}`);
      values[`:${attribute}`] = attributeValue(value);
    }
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: `attribute_exists(keyId) AND ${NOT_REVOKED}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Stored as createKey's document client stores them: a string as S, a list as L of S. */
function attributeValue(value: string | readonly string[]): AttributeValue {
  return typeof value === 'string' ? { S: value } : { L: value.map((entry) => ({ S: entry })) };
}

function isGeneralScope(scope: string): scope is GeneralScope {
  return isScopeOf('general', scope);
}

function clock(store: KeyStore): Date {
  return store.now?.() ?? new Date();
}
