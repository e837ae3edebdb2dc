/**
 * API key management: create, list, show, update and revoke the ApiKeys items the authorizer reads.
 * Only the SHA-256 of a key is stored; the key itself leaves this module exactly once, in createKey's
 * answer. No function here ever returns the hash.
 *
 * Items are read as raw AttributeValues (lambdas/aws/attribute-values.ts, the authorizer's own
 * converter) through the SDK's low-level GetItem and Query commands (sent by the DocumentClient,
 * which passes them through untouched), never through lib-dynamodb's unmarshall, which throws on
 * some hand-edited values: a malformed item is shown as such and can still be revoked.
 */
import { type AttributeValue, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../aws/aws-clients.js';
import {
  type GeneratedApiKey,
  generateApiKey,
  isKeyId,
  type KeyEnvironment,
  looksLikeSecretKey,
} from '../keys/api-key.js';
import type { EventType } from '../shared/event-types.js';
import { eventItem } from '../shared/outbox.js';
import { readKeyItem } from '../keys/key-item.js';
import { cancellationCodes, isTransactionConflict } from '../aws/conflicts.js';
import { checkNoEscalation, type EscalationAxis, type KeyPowers, powersOf } from './escalation.js';
import {
  type KeyChanges,
  type KeyFieldsInput,
  KeyInputError,
  validateKeyChanges,
  validateNewKey,
} from './key-input.js';
import { type KeyMetadata, keyJson, keyMetadata } from './key-metadata.js';
import { getProject } from './projects.js';
import { DynamoNumber, fromAttributeMap, type PlainValue } from '../aws/attribute-values.js';

type RawItem = Record<string, AttributeValue>;
type PlainItem = Record<string, PlainValue>;

export interface KeyStore {
  readonly documents: Documents;
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

/**
 * `projectId` confines a lookup to one project: a key of another project is not found (tenancy).
 * `generalOnly` hides billing keys (the API never shows or changes them: they are CLI-made).
 */
export interface KeyLookup {
  readonly projectId?: string;
  readonly generalOnly?: boolean;
}

/**
 * Who makes a change through the API: the calling key and its powers, which the result may not
 * exceed. Absent: the operator's CLI, which is not limited (it already has the table).
 */
export interface KeyActor {
  readonly keyId: string;
  readonly powers: KeyPowers;
}

export class KeyEscalationError extends Error {
  constructor(
    readonly axis: EscalationAxis,
    message: string,
  ) {
    super(message);
    this.name = 'KeyEscalationError';
  }
}

/** An item a hand edit made unreadable: it can be shown and revoked, not rotated or used as a base. */
export class KeyMalformedError extends Error {
  constructor(readonly keyId: string) {
    super(`API key ${keyId} is malformed (see keys show); it can only be revoked`);
    this.name = 'KeyMalformedError';
  }
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
const WRITE_ATTEMPTS = 3;
// Like the authorizer: revokedAt present, whatever its value (a console NULL included), means revoked.
const NOT_REVOKED = 'attribute_not_exists(revokedAt)';
/** Rotation grace: at most 7 days, 24 hours when not given (docs/decisions/0022-keys-over-the-api.md). */
export const MAX_GRACE_PERIOD_SECONDS = 604_800;
export const DEFAULT_GRACE_PERIOD_SECONDS = 86_400;

export async function createKey(store: KeyStore, input: NewKeyInput, actor?: KeyActor): Promise<CreatedKey> {
  const now = clock(store);
  const validated = validateNewKey(input, now);
  if (!validated.ok) throw new KeyInputError(validated.errors);
  const project = await getProject(store, input.projectId);
  if (!project) throw new ProjectNotFoundError(input.projectId);
  const { allowedDomains, expiresAt, rateLimitPerSecond, ...settings } = validated.value;
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
    const generated = (store.generateKey ?? generateApiKey)(store.environment);
    const item = {
      keyId: generated.keyId,
      keyHash: generated.keyHash,
      teamId: project.teamId,
      projectId: project.id,
      ...settings,
      ...(allowedDomains ? { allowedDomains } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      ...(rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond }),
      createdBy: actor?.keyId ?? 'cli',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    if (actor) refuseEscalation(actor, item);
    const metadata = keyMetadata(item, store.environment, now);
    try {
      await store.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: store.apiKeysTable,
                Item: item,
                ConditionExpression: 'attribute_not_exists(keyId)',
              },
            },
            eventPut(store, project.id, 'api_key.created', metadata, now),
          ],
        }),
      );
      return { key: generated.key, metadata };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (codes[0] !== 'ConditionalCheckFailed' && !isTransactionConflict(codes)) throw error;
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

/**
 * One page of a project's general keys, newest first (the byProject index, by createdAt), or oldest
 * first from a position when asked (Resend's `before`), for the API. The position is `<createdAt> <keyId>`, which the signed cursor carries. Billing keys are
 * filtered out, so a page may take more than one Query.
 */
export async function listKeysPage(
  store: KeyStore,
  projectId: string,
  page: { readonly limit: number; readonly after: string | undefined; readonly oldestFirst?: boolean },
): Promise<{ keys: KeyMetadata[]; nextAfter: string | undefined }> {
  const now = clock(store);
  const items: PlainItem[] = [];
  let startKey = positionKey(projectId, page.after);
  do {
    const result = await store.documents.send(
      new QueryCommand({
        TableName: store.apiKeysTable,
        IndexName: 'byProject',
        KeyConditionExpression: 'projectId = :projectId',
        FilterExpression: 'attribute_not_exists(#type) OR #type <> :billing',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':projectId': { S: projectId }, ':billing': { S: 'billing' } },
        ScanIndexForward: page.oldestFirst === true,
        Limit: page.limit + 1 - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(result.Items ?? []).map(fromAttributeMap).filter((item) => !isBillingItem(item)));
    startKey = result.LastEvaluatedKey;
  } while (startKey && items.length <= page.limit);
  const shown = items.slice(0, page.limit);
  const last = shown.at(-1);
  const nextAfter =
    items.length > page.limit && typeof last?.createdAt === 'string' && typeof last.keyId === 'string'
      ? `${last.createdAt} ${last.keyId}`
      : undefined;
  return { keys: shown.map((item) => metadataOf(store, item, now)), nextAfter };
}

/** A key's position in its project's list (`<createdAt> <keyId>`): where a page after or before it starts. */
export const keyListPosition = (key: { readonly createdAt: string; readonly id: string }): string =>
  `${key.createdAt} ${key.id}`;

/** The index position a cursor names; anything not of that shape starts from the top. */
function positionKey(projectId: string, after: string | undefined): RawItem | undefined {
  const [createdAt, keyId, ...rest] = (after ?? '').split(' ');
  if (createdAt === undefined || keyId === undefined || rest.length > 0 || !isKeyId(keyId)) return undefined;
  return { projectId: { S: projectId }, createdAt: { S: createdAt }, keyId: { S: keyId } };
}

/**
 * Changes the given fields only; a revoked key cannot be changed. With an actor, the key as it
 * would be after the change may not exceed the actor's powers (whatever it was before).
 */
export async function updateKey(
  store: KeyStore,
  id: string,
  input: KeyFieldsInput,
  lookup: KeyLookup = {},
  actor?: KeyActor,
): Promise<KeyMetadata> {
  const keyId = keyIdOf(id);
  const now = clock(store);
  for (let attempt = 1; ; attempt++) {
    const found = await findItem(store, keyId, lookup);
    if (!found) throw new KeyNotFoundError(keyId);
    const reading = readKeyItem(found);
    if (reading.ok && reading.record.revokedAt !== undefined) throw new KeyRevokedError(keyId);
    if (!reading.ok && actor) throw new KeyMalformedError(keyId);
    const current = reading.ok
      ? { type: reading.record.type, permission: reading.record.permission, scopes: reading.record.scopes }
      : { permission: 'custom' as const, scopes: [] };
    const validated = validateKeyChanges(input, current, now);
    if (!validated.ok) throw new KeyInputError(validated.errors);
    const changes = validated.value;
    if (Object.keys(changes).length === 0) return metadataOf(store, found, now);
    const merged = applyChanges(found, changes, now);
    if (actor) refuseEscalation(actor, merged);
    const metadata = metadataOf(store, merged, now);
    const written = await writeChange(store, {
      keyId,
      update: updateExpression(changes, now, found),
      event: { projectId: metadata.projectId, type: 'api_key.updated', metadata },
      now,
      attempt,
    });
    if (written) return metadata;
  }
}

/**
 * Idempotent: revoking a revoked key answers its first revocation (and records no second event).
 * Works on a malformed item too: the operator can always revoke what the authorizer already refuses.
 * Revoking is never an escalation, so it needs no actor: any full-access key of the project may stop
 * any of its keys, as in Stripe and SendGrid.
 */
export async function revokeKey(
  store: KeyStore,
  id: string,
  lookup: KeyLookup = {},
): Promise<{ key: KeyMetadata; alreadyRevoked: boolean }> {
  const keyId = keyIdOf(id);
  const now = clock(store);
  for (let attempt = 1; ; attempt++) {
    const found = await findItem(store, keyId, lookup);
    if (!found) throw new KeyNotFoundError(keyId);
    if (found.revokedAt !== undefined) return { key: metadataOf(store, found, now), alreadyRevoked: true };
    const metadata = metadataOf(
      store,
      { ...found, revokedAt: now.toISOString(), updatedAt: now.toISOString() },
      now,
    );
    const written = await writeChange(store, {
      keyId,
      update: {
        UpdateExpression: 'SET revokedAt = :now, updatedAt = :now',
        ConditionExpression: `attribute_exists(keyId) AND ${NOT_REVOKED}`,
        ExpressionAttributeValues: { ':now': now.toISOString() },
      },
      event: { projectId: metadata.projectId, type: 'api_key.revoked', metadata },
      now,
      attempt,
    });
    if (written) return { key: metadata, alreadyRevoked: false };
  }
}

export interface RotateOptions {
  /** How long the replaced secret keeps working: 0–604800 seconds, default 86400. */
  readonly gracePeriodSeconds?: number;
}

/**
 * A new secret for the same key id; the replaced one is accepted until the grace ends. Rotating
 * again during a grace replaces the previous hash: only the secret just replaced keeps working, the
 * one before it stops at once. With an actor, the key may not exceed the actor's powers: the actor
 * receives its secret, so rotating a more powerful key would hand that power over.
 */
export async function rotateKey(
  store: KeyStore,
  id: string,
  options: RotateOptions = {},
  lookup: KeyLookup = {},
  actor?: KeyActor,
): Promise<CreatedKey> {
  const keyId = keyIdOf(id);
  const grace = options.gracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_PERIOD_SECONDS) {
    throw new KeyInputError([
      {
        path: 'grace_period_seconds',
        message: `must be a whole number from 0 to ${MAX_GRACE_PERIOD_SECONDS}`,
      },
    ]);
  }
  const now = clock(store);
  for (let attempt = 1; ; attempt++) {
    const found = await findItem(store, keyId, lookup);
    if (!found) throw new KeyNotFoundError(keyId);
    const reading = readKeyItem(found);
    if (!reading.ok) throw new KeyMalformedError(keyId);
    if (reading.record.revokedAt !== undefined) throw new KeyRevokedError(keyId);
    if (actor) refuseEscalation(actor, found);
    const generated = generateApiKey(store.environment, keyId);
    const until = new Date(now.getTime() + grace * 1000).toISOString();
    const rotated: PlainItem = { ...found, keyHash: generated.keyHash, updatedAt: now.toISOString() };
    if (grace > 0)
      Object.assign(rotated, { previousKeyHash: reading.record.keyHash, previousKeyExpiresAt: until });
    else {
      delete rotated.previousKeyHash;
      delete rotated.previousKeyExpiresAt;
    }
    const metadata = metadataOf(store, rotated, now);
    const written = await writeChange(store, {
      keyId,
      update: {
        UpdateExpression:
          grace > 0
            ? 'SET keyHash = :new, previousKeyHash = :old, previousKeyExpiresAt = :until, updatedAt = :now'
            : 'SET keyHash = :new, updatedAt = :now REMOVE previousKeyHash, previousKeyExpiresAt',
        // The hash read is still the hash: two concurrent rotations cannot both keep "their" previous.
        ConditionExpression: `keyHash = :old AND ${NOT_REVOKED} AND projectId = :projectId`,
        ExpressionAttributeValues: {
          ':new': generated.keyHash,
          ':old': reading.record.keyHash,
          ':now': now.toISOString(),
          ':projectId': reading.record.projectId,
          ...(grace > 0 ? { ':until': until } : {}),
        },
      },
      event: { projectId: reading.record.projectId, type: 'api_key.rotated', metadata },
      now,
      attempt,
    });
    if (written) return { key: generated.key, metadata };
  }
}

/** The calling key's own powers, read as the authorizer reads them; undefined when unreadable. */
export async function actorOf(
  store: KeyStore,
  caller: { readonly keyId: string; readonly projectId: string },
): Promise<KeyActor | undefined> {
  const found = await findItem(store, caller.keyId, { projectId: caller.projectId });
  if (!found) return undefined;
  const reading = readKeyItem(found);
  return reading.ok ? { keyId: caller.keyId, powers: powersOf(reading.record) } : undefined;
}

function refuseEscalation(actor: KeyActor, item: Readonly<Record<string, unknown>>): void {
  const reading = readKeyItem(item);
  // A result the reader cannot read authorises nothing; it is refused as input elsewhere.
  if (!reading.ok) return;
  const check = checkNoEscalation(actor.powers, powersOf(reading.record));
  if (!check.ok) throw new KeyEscalationError(check.axis, check.message);
}

/** The event item written in the same transaction as the key change it reports (the outbox). */
function eventPut(store: KeyStore, projectId: string, type: EventType, metadata: KeyMetadata, now: Date) {
  return {
    Put: {
      TableName: store.dataTable,
      Item: eventItem(projectId, type, keyJson(metadata), now),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** One change of an existing key: its conditional update and the event reporting it. */
interface KeyChange {
  readonly keyId: string;
  readonly update: KeyUpdate;
  readonly event: { readonly projectId: string; readonly type: EventType; readonly metadata: KeyMetadata };
  readonly now: Date;
  /** Which attempt of the caller's read-decide-write loop this is (1 to WRITE_ATTEMPTS). */
  readonly attempt: number;
}

/** The update of the key's item, all but which table and item (writeChange names them). */
type KeyUpdate = Omit<
  NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update']>,
  'TableName' | 'Key'
>;

/**
 * Writes a key's change and its event in one transaction (the outbox). Answers false when the key
 * changed under us (revoked, rotated, edited) and attempts are left: the caller reads it again and
 * decides on what is there now. Any other failure, or the last attempt's, is thrown as it came.
 */
async function writeChange(store: KeyStore, change: KeyChange): Promise<boolean> {
  const { keyId, update, event, now } = change;
  try {
    await store.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: store.apiKeysTable, Key: { keyId }, ...update } },
          eventPut(store, event.projectId, event.type, event.metadata, now),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (!retryable(error) || change.attempt >= WRITE_ATTEMPTS) throw error;
    return false;
  }
}

/** A condition failed or another transaction won: worth reading the item again. */
function retryable(error: unknown): boolean {
  const codes = cancellationCodes(error);
  return codes !== undefined && (codes[0] === 'ConditionalCheckFailed' || isTransactionConflict(codes));
}

function isBillingItem(item: PlainItem): boolean {
  return isBillingType(item.type);
}

/** The item's `type` as the authorizer reads it: `billing` whatever its case and spacing. */
export function isBillingType(type: unknown): boolean {
  return typeof type === 'string' && type.trim().toLowerCase() === 'billing';
}

/** The item as it will be after `changes`: what the answer, the event and the escalation check see. */
function applyChanges(found: PlainItem, changes: KeyChanges, now: Date): PlainItem {
  const cleared = new Set(
    Object.entries(changes)
      .filter(([, value]) => value === null)
      .map(([attribute]) => attribute),
  );
  const kept = Object.entries(found).filter(([attribute]) => !cleared.has(attribute));
  const set = (Object.entries(changes) as [string, unknown][])
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([attribute, value]) => [
      attribute,
      typeof value === 'number' ? new DynamoNumber(String(value)) : (value as PlainValue),
    ]);
  return Object.fromEntries([...kept, ...set, ['updatedAt', now.toISOString()]]) as PlainItem;
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
  if (lookup.generalOnly && isBillingItem(found)) return undefined;
  return found;
}

function metadataOf(store: KeyStore, found: PlainItem, now: Date): KeyMetadata {
  return keyMetadata(found, store.environment, now);
}

/**
 * SET for given values, REMOVE for cleared ones; only an existing, unrevoked key of the project it
 * was read in is changed. Values are plain (the document client marshals them): a list is stored as
 * L of S, as createKey stores it, and a number as N.
 */
function updateExpression(changes: KeyChanges, now: Date, found: PlainItem) {
  const sets: string[] = ['#updatedAt = :updatedAt'];
  const removes: string[] = [];
  const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':updatedAt': now.toISOString() };
  for (const [attribute, value] of Object.entries(changes) as [string, unknown][]) {
    if (value === undefined) continue;
    names[`#${attribute}`] = attribute;
    if (value === null) {
      removes.push(`#${attribute}`);
    } else {
      sets.push(`#${attribute} = :${attribute}`);
      values[`:${attribute}`] = value;
    }
  }
  // An item a hand edit left without a readable project (CLI only) is still changed by its id.
  const inProject = typeof found.projectId === 'string' ? ' AND projectId = :projectId' : '';
  if (inProject) values[':projectId'] = found.projectId;
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: `attribute_exists(keyId) AND ${NOT_REVOKED}${inProject}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function clock(store: KeyStore): Date {
  return store.now?.() ?? new Date();
}
