/**
 * The per-stack secret that authenticates pagination cursors. It lives in the Data table under a
 * partition of its own (`STACK` / `CURSOR_SECRET`), made from 32 random bytes by whichever service
 * needs it first (a conditional put, so racing cold starts agree on one), and is cached for the life
 * of the container. Anyone who can read the table can read every project's data directly, so keeping
 * the secret there gives a client nothing; it only stops clients from forging cursors.
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
const KEY = { pk: CURSOR_SECRET_PARTITION, sk: 'CURSOR_SECRET' } as const;
const cache = new Map<string, Promise<Uint8Array>>();

/** The secret for this Data table, read (or created) once per container. */
export function cursorSecret(store: CursorSecretStore): Promise<Uint8Array> {
  let secret = cache.get(store.dataTable);
  if (!secret) {
    secret = loadOrCreate(store);
    // A failed read is not cached: the next request tries again.
    secret.catch(() => cache.delete(store.dataTable));
    cache.set(store.dataTable, secret);
  }
  return secret;
}

async function loadOrCreate(store: CursorSecretStore): Promise<Uint8Array> {
  const existing = await read(store);
  if (existing) return existing;
  try {
    await store.documents.send(
      new PutCommand({
        TableName: store.dataTable,
        Item: { ...KEY, secret: randomBytes(32).toString('base64') },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
  }
  const created = await read(store);
  if (!created) throw new Error('The cursor secret could not be read back');
  return created;
}

async function read(store: CursorSecretStore): Promise<Uint8Array | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: KEY, ConsistentRead: true }),
  );
  const secret = Item?.secret;
  if (typeof secret !== 'string') return undefined;
  const bytes = Buffer.from(secret, 'base64');
  if (bytes.length < 32) throw new Error('The stored cursor secret is shorter than 32 bytes');
  return bytes;
}
