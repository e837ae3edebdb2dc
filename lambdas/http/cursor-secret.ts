/**
 * The per-stack secrets that authenticate what the API hands out and reads back: pagination cursors
 * (`CURSOR_SECRET`) and unsubscribe tokens (`UNSUBSCRIBE_SECRET`). Each lives in the Data table under
 * a partition of its own (`STACK` / `<name>`), made from 32 random bytes by whichever service needs it
 * first (a conditional put, so racing cold starts agree on one), and is cached for the life of the
 * container. Anyone who can read the table can read every project's data directly, so keeping the
 * secrets there gives a client nothing; they only stop clients from forging cursors and tokens.
 */
import { randomBytes } from 'node:crypto';
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';

export interface CursorSecretStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

/** The partition of the stack-wide item: a read-only service is granted PutItem on this key alone. */
export const CURSOR_SECRET_PARTITION = 'STACK';
export type StackSecretName = 'CURSOR_SECRET' | 'UNSUBSCRIBE_SECRET';
const cache = new Map<string, Promise<Uint8Array>>();

/** The cursor secret for this Data table, read (or created) once per container. */
export function cursorSecret(store: CursorSecretStore): Promise<Uint8Array> {
  return stackSecret(store, 'CURSOR_SECRET');
}

/** A named per-stack secret for this Data table, read (or created) once per container. */
export function stackSecret(store: CursorSecretStore, name: StackSecretName): Promise<Uint8Array> {
  const cacheKey = `${store.dataTable}#${name}`;
  let secret = cache.get(cacheKey);
  if (!secret) {
    secret = loadOrCreate(store, name);
    // A failed read is not cached: the next request tries again.
    secret.catch(() => cache.delete(cacheKey));
    cache.set(cacheKey, secret);
  }
  return secret;
}

async function loadOrCreate(store: CursorSecretStore, name: StackSecretName): Promise<Uint8Array> {
  const key = { pk: CURSOR_SECRET_PARTITION, sk: name };
  const existing = await read(store, key);
  if (existing) return existing;
  try {
    await store.documents.send(
      new PutCommand({
        TableName: store.dataTable,
        Item: { ...key, secret: randomBytes(32).toString('base64') },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
  }
  const created = await read(store, key);
  if (!created) throw new Error(`The stack secret ${name} could not be read back`);
  return created;
}

async function read(
  store: CursorSecretStore,
  key: { readonly pk: string; readonly sk: StackSecretName },
): Promise<Uint8Array | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: key, ConsistentRead: true }),
  );
  const secret = Item?.secret;
  if (typeof secret !== 'string') return undefined;
  const bytes = Buffer.from(secret, 'base64');
  if (bytes.length < 32) throw new Error(`The stored ${key.sk} is shorter than 32 bytes`);
  return bytes;
}
