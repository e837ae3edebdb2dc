/**
 * A key's usage as the API answers it: the key must be a general key of the caller's project (another
 * project's key, or a billing key, which the API never shows, is a 404 exactly like a missing one), then one Query of its day items, with a zero entry for every
 * day without traffic so a chart needs no gap filling.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isKeyId } from '../keys/api-key.js';
import { ApiError } from '../api/errors.js';
import { countsBySurface, utcDate } from '../usage/aggregate.js';
import { readUsage, type StoredDayUsage } from '../usage/usage-store.js';
import { isBillingType } from './keys.js';
import type { ApiKeyUsageJson } from './usage-audit-contracts.js';

export interface KeyUsageStore {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly apiKeysTable: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function keyUsage(
  store: KeyUsageStore,
  projectId: string,
  keyId: string,
  days: number,
  now: Date,
): Promise<ApiKeyUsageJson> {
  const key = isKeyId(keyId) ? await keyOfProject(store, projectId, keyId) : undefined;
  if (!key) throw new ApiError('not_found', { message: 'No such API key.' });
  const dates = Array.from({ length: days }, (_, index) =>
    utcDate(new Date(now.getTime() - (days - 1 - index) * DAY_MS)),
  );
  const stored = new Map(
    (await readUsage(store, projectId, keyId, dates[0] ?? utcDate(now), dates.at(-1) ?? utcDate(now))).map(
      (day) => [day.date, day] as const,
    ),
  );
  return {
    data: dates.map((date) => dayJson(stored.get(date) ?? emptyDay(date))),
    last_used_at: key.lastUsedAt,
  };
}

async function keyOfProject(
  store: KeyUsageStore,
  projectId: string,
  keyId: string,
): Promise<{ lastUsedAt: string | null } | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.apiKeysTable,
      Key: { keyId },
      ProjectionExpression: 'projectId, lastUsedAt, #type',
      ExpressionAttributeNames: { '#type': 'type' },
      ConsistentRead: true,
    }),
  );
  if (Item?.projectId !== projectId || isBillingType(Item.type)) return undefined;
  return { lastUsedAt: typeof Item.lastUsedAt === 'string' ? Item.lastUsedAt : null };
}

const emptyDay = (date: string): StoredDayUsage => ({
  date,
  allowed: 0,
  denied: 0,
  byRoute: {},
  byError: {},
});

function dayJson(day: StoredDayUsage): ApiKeyUsageJson['data'][number] {
  return {
    date: day.date,
    allowed: day.allowed,
    denied: day.denied,
    by_route: { ...day.byRoute },
    by_surface: countsBySurface(day.byRoute),
    by_error: { ...day.byError },
  };
}
