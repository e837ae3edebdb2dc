/**
 * Suppressions in the Data table: one `SUPPRESSION#<normalised address>` item per address under the
 * project's partition, so a send checks its recipients with one BatchGetItem (never a Query of the
 * whole list) and `?email=` is one GetItem. An address is added with `if_not_exists`: the first
 * reason and `created_at` stay, so adding again (a second bounce, a replayed event, a repeated
 * unsubscribe) changes nothing and never fails.
 */
import { BatchGetCommand, DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../aws/aws-clients.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { type ProjectPage, queryProjectPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';
import { SUPPRESSION_REASONS, type SuppressionReason } from './address.js';

export interface SuppressionStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export interface Suppression {
  /** Normalised: lower-cased bare address. */
  readonly email: string;
  readonly reason: SuppressionReason;
  /** The email whose bounce or complaint added it. */
  readonly sourceEmailId?: string | undefined;
  readonly createdAt: string;
}

export const SUPPRESSION_PREFIX = 'SUPPRESSION#';
/** DynamoDB's BatchGetItem reads at most 100 keys a request. */
const BATCH_GET_LIMIT = 100;
/** Unprocessed keys (throttling) are asked again this many times before the check fails closed. */
const BATCH_GET_ATTEMPTS = 4;

export const suppressionKey = (projectId: string, email: string) => ({
  pk: projectPartition(projectId),
  sk: `${SUPPRESSION_PREFIX}${email}`,
});

/**
 * The UpdateItem that adds `suppression` unless its address is already suppressed (then nothing
 * changes). Also a transaction item (the unsubscribe writes it with the contact's change).
 */
export function addSuppressionUpdate(dataTable: string, projectId: string, suppression: Suppression) {
  const values: Record<string, unknown> = {
    ':email': suppression.email,
    ':reason': suppression.reason,
    ':at': suppression.createdAt,
  };
  const sets = [
    'email = if_not_exists(email, :email)',
    'reason = if_not_exists(reason, :reason)',
    'createdAt = if_not_exists(createdAt, :at)',
  ];
  if (suppression.sourceEmailId !== undefined) {
    sets.push('sourceEmailId = if_not_exists(sourceEmailId, :source)');
    values[':source'] = suppression.sourceEmailId;
  }
  return {
    TableName: dataTable,
    Key: suppressionKey(projectId, suppression.email),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ExpressionAttributeValues: values,
  };
}

/** Adds the address (or keeps the one already there) and answers what is stored. */
export async function addSuppression(
  store: SuppressionStore,
  projectId: string,
  suppression: Suppression,
): Promise<Suppression> {
  const { Attributes } = await store.documents.send(
    new UpdateCommand({
      ...addSuppressionUpdate(store.dataTable, projectId, suppression),
      ReturnValues: 'ALL_NEW',
    }),
  );
  return Attributes ? suppressionFromItem(Attributes) : suppression;
}

export async function findSuppression(
  store: SuppressionStore,
  projectId: string,
  email: string,
): Promise<Suppression | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      Key: suppressionKey(projectId, email),
      ConsistentRead: true,
    }),
  );
  return Item ? suppressionFromItem(Item) : undefined;
}

/** Removes the address; false when it was not suppressed (in this project). */
export async function deleteSuppression(
  store: SuppressionStore,
  projectId: string,
  email: string,
): Promise<boolean> {
  try {
    await store.documents.send(
      new DeleteCommand({
        TableName: store.dataTable,
        Key: suppressionKey(projectId, email),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

/** In address order (the sort key is the address). */
export async function listSuppressions(
  store: SuppressionStore,
  projectId: string,
  page: ProjectPage,
): Promise<{ suppressions: Suppression[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, SUPPRESSION_PREFIX, page);
  return { suppressions: items.map(suppressionFromItem), nextAfter };
}

/**
 * Which of `addresses` (normalised) the project suppresses: one strongly consistent BatchGetItem per
 * 100 addresses, reading only the key. Keys DynamoDB leaves unprocessed are asked again; if some are
 * still unanswered the check throws rather than let a suppressed address through (fail closed).
 */
export async function suppressedAmong(
  store: SuppressionStore,
  projectId: string,
  addresses: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(addresses)];
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    let keys: Record<string, unknown>[] = unique
      .slice(start, start + BATCH_GET_LIMIT)
      .map((address) => suppressionKey(projectId, address));
    for (let attempt = 1; keys.length > 0; attempt++) {
      if (attempt > BATCH_GET_ATTEMPTS) throw new Error('the suppression check was left unanswered');
      const result = await store.documents.send(
        new BatchGetCommand({
          RequestItems: {
            [store.dataTable]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'sk' },
          },
        }),
      );
      for (const item of result.Responses?.[store.dataTable] ?? []) {
        if (typeof item.sk === 'string') found.add(item.sk.slice(SUPPRESSION_PREFIX.length));
      }
      keys = result.UnprocessedKeys?.[store.dataTable]?.Keys ?? [];
    }
  }
  return found;
}

function suppressionFromItem(item: Record<string, unknown>): Suppression {
  return {
    email: String(item.email),
    // An item edited by hand to an unknown reason reads as `manual`: still suppressed.
    reason: SUPPRESSION_REASONS.find((reason) => reason === item.reason) ?? 'manual',
    ...(typeof item.sourceEmailId === 'string' ? { sourceEmailId: item.sourceEmailId } : {}),
    createdAt: String(item.createdAt),
  };
}
