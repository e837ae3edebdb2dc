/**
 * Where usage lives. Counters: one Data-table item per key and UTC day in the key's project partition,
 * `PROJECT#<projectId>` / `USAGE#<keyId>#<YYYY-MM-DD>`, with the counts as top-level numbers —
 * `allowed`, `denied`, `route:<METHOD path>`, `error:<code>` — so one `ADD` creates or increments
 * each of them (ADD on a path inside a map fails while the map does not exist yet). Items expire
 * after USAGE_TTL_DAYS, past the 90 days the API answers. `lastUsedAt` is written on the key's
 * ApiKeys item, only ever forward.
 *
 * Exactly once per log batch: the counter updates of a batch are written in one transaction with a
 * marker item for the batch (`USAGE_BATCH#<batch id>#<chunk>`), conditioned on the marker not
 * existing, so a batch delivered again (a retried invocation) changes nothing.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes } from '../aws/conflicts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { projectPartition } from '../aws/tables.js';
import type { DayUsage } from './aggregate.js';

export const USAGE_TTL_DAYS = 100;
/** A batch is retried within hours (Lambda's asynchronous retries); its marker outlives that. */
export const BATCH_MARKER_TTL_DAYS = 7;
/** DynamoDB takes at most 100 items per transaction: the marker and 99 counter items. */
export const DAYS_PER_TRANSACTION = 99;
const CONFLICT_ATTEMPTS = 5;
const DAY_SECONDS = 24 * 60 * 60;

export const ROUTE_COUNTER_PREFIX = 'route:';
export const ERROR_COUNTER_PREFIX = 'error:';

export interface UsageStore {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly apiKeysTable: string;
}

export const usageKey = (projectId: string, keyId: string, date: string) => ({
  pk: projectPartition(projectId),
  sk: `USAGE#${keyId}#${date}`,
});

/**
 * Adds a batch's day counts, once: `batchId` must be the same on every delivery of the same batch.
 * Answers how many chunks were applied now (0 when every chunk had been applied before).
 */
export async function addUsage(
  store: UsageStore,
  batchId: string,
  days: readonly DayUsage[],
  now: Date,
): Promise<number> {
  let applied = 0;
  for (let start = 0, chunk = 0; start < days.length; start += DAYS_PER_TRANSACTION, chunk++) {
    const part = days.slice(start, start + DAYS_PER_TRANSACTION);
    if (await addChunk(store, `${batchId}#${chunk}`, part, now)) applied++;
  }
  return applied;
}

async function addChunk(
  store: UsageStore,
  markerId: string,
  days: readonly DayUsage[],
  now: Date,
): Promise<boolean> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const command = new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: store.dataTable,
          Item: {
            pk: `USAGE_BATCH#${markerId}`,
            sk: 'USAGE_BATCH',
            ttl: nowSeconds + BATCH_MARKER_TTL_DAYS * DAY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...days.map((day) => ({ Update: { TableName: store.dataTable, ...counterUpdate(day) } })),
    ],
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(command);
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      // The marker exists: this chunk was counted by an earlier delivery.
      if (codes[0] === 'ConditionalCheckFailed') return false;
      // Another batch updating the same day item at the same moment: try again.
      if (!codes.includes('TransactionConflict') || attempt >= CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt * Math.random()));
    }
  }
}

function counterUpdate(day: DayUsage) {
  const names: Record<string, string> = { '#ttl': 'ttl', '#date': 'date' };
  const values: Record<string, unknown> = {
    ':allowed': day.allowed,
    ':denied': day.denied,
    ':ttl': Math.floor(Date.parse(`${day.date}T00:00:00Z`) / 1000) + USAGE_TTL_DAYS * DAY_SECONDS,
    ':date': day.date,
    ':keyId': day.keyId,
  };
  const adds = ['allowed :allowed', 'denied :denied'];
  const counters = [
    ...Object.entries(day.byRoute).map(
      ([route, count]) => [`${ROUTE_COUNTER_PREFIX}${route}`, count] as const,
    ),
    ...Object.entries(day.byError).map(([code, count]) => [`${ERROR_COUNTER_PREFIX}${code}`, count] as const),
  ];
  counters.forEach(([attribute, count], index) => {
    // Names hold spaces, slashes and braces: always through placeholders.
    names[`#c${index}`] = attribute;
    values[`:c${index}`] = count;
    adds.push(`#c${index} :c${index}`);
  });
  return {
    Key: usageKey(day.projectId, day.keyId, day.date),
    UpdateExpression: `SET #ttl = :ttl, #date = :date, keyId = :keyId ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Moves the key's `lastUsedAt` forward to `at`, never back (batches arrive in any order), and never
 * creates an item for a key that no longer exists. Only `keyId` and `lastUsedAt` are named, which is
 * all the usage function's IAM policy lets it touch on ApiKeys.
 */
export async function advanceLastUsed(store: UsageStore, keyId: string, at: string): Promise<boolean> {
  try {
    await store.documents.send(
      new UpdateCommand({
        TableName: store.apiKeysTable,
        Key: { keyId },
        UpdateExpression: 'SET lastUsedAt = :at',
        ConditionExpression:
          'attribute_exists(keyId) AND (attribute_not_exists(lastUsedAt) OR NOT attribute_type(lastUsedAt, :text) OR lastUsedAt < :at)',
        ExpressionAttributeValues: { ':at': at, ':text': 'S' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

/** A Deny's record names no project: the key's item does. Undefined for a missing or unreadable one. */
export async function projectOfKey(store: UsageStore, keyId: string): Promise<string | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.apiKeysTable,
      Key: { keyId },
      ProjectionExpression: 'keyId, projectId',
    }),
  );
  const projectId: unknown = Item?.projectId;
  return typeof projectId === 'string' && projectId !== '' ? projectId : undefined;
}

export interface StoredDayUsage {
  readonly date: string;
  readonly allowed: number;
  readonly denied: number;
  readonly byRoute: Readonly<Record<string, number>>;
  readonly byError: Readonly<Record<string, number>>;
}

/** The key's day items from `fromDate` to `toDate` (inclusive), oldest first: one Query. */
export async function readUsage(
  store: Pick<UsageStore, 'documents' | 'dataTable'>,
  projectId: string,
  keyId: string,
  fromDate: string,
  toDate: string,
): Promise<StoredDayUsage[]> {
  const days: StoredDayUsage[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.documents.send(
      new QueryCommand({
        TableName: store.dataTable,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': projectPartition(projectId),
          ':from': usageKey(projectId, keyId, fromDate).sk,
          ':to': usageKey(projectId, keyId, toDate).sk,
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) days.push(dayOf(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return days;
}

function dayOf(item: Record<string, unknown>): StoredDayUsage {
  const byRoute: Record<string, number> = {};
  const byError: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (typeof value !== 'number') continue;
    if (name.startsWith(ROUTE_COUNTER_PREFIX)) byRoute[name.slice(ROUTE_COUNTER_PREFIX.length)] = value;
    if (name.startsWith(ERROR_COUNTER_PREFIX)) byError[name.slice(ERROR_COUNTER_PREFIX.length)] = value;
  }
  return {
    date: typeof item.date === 'string' ? item.date : String(item.sk).slice(-10),
    allowed: typeof item.allowed === 'number' ? item.allowed : 0,
    denied: typeof item.denied === 'number' ? item.denied : 0,
    byRoute,
    byError,
  };
}
