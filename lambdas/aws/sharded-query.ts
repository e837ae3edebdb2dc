/**
 * One page of a kind of item spread over shard partitions (./shards.ts), in sort-key order across
 * all of them: newest first (time-ordered ids), or oldest first when asked. The same page, cursor and
 * `limit + 1` rule as ./query-page.ts: the position to continue after is the last item's sort key,
 * which names no shard, since sort keys are unique across shards (they end in the item's own id).
 *
 * Every shard is read from that position in parallel, a few items each (about limit / shards + 1),
 * and the heads are merged; a shard whose buffer runs out while it has more is read again. So a page
 * costs one small Query per shard in the common case, never `shards × limit` items.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Documents } from './aws-clients.js';
import type { Page } from './query-page.js';

type Item = Record<string, unknown>;

/** One read of one shard: up to `limit` items after `after`, and whether it has more. */
export type ShardRead = (
  partition: string,
  after: string | undefined,
  limit: number,
) => Promise<{ readonly items: readonly Item[]; readonly more: boolean }>;

export interface ShardedPageRequest {
  readonly partitions: readonly string[];
  /** Sort-key prefix of the kind listed, e.g. `EMAIL#`. */
  readonly prefix: string;
  readonly limit: number;
  /** The sort key of the last item of the previous page (from a verified cursor). */
  readonly after?: string | undefined;
  readonly oldestFirst?: boolean;
}

/** Reads a page through `read` (one Query per call in the store; a fake in the merge's tests). */
export async function mergeShardPages(request: ShardedPageRequest, read: ShardRead): Promise<Page> {
  const { partitions, limit } = request;
  // A position outside this kind's sort keys is not one this list issued.
  const after = request.after?.startsWith(request.prefix) ? request.after : undefined;
  const batch = Math.ceil((limit + 1) / partitions.length) + 1;
  const shards = partitions.map((partition) => ({
    partition,
    buffer: [] as Item[],
    position: after,
    more: true,
  }));
  const before = (a: string, b: string) => (request.oldestFirst === true ? a < b : a > b);
  const merged: Item[] = [];
  while (merged.length <= limit) {
    const empty = shards.filter((shard) => shard.buffer.length === 0 && shard.more);
    await Promise.all(
      empty.map(async (shard) => {
        const { items, more } = await read(shard.partition, shard.position, batch);
        shard.buffer.push(...items);
        shard.more = more;
        const last = items.at(-1)?.sk;
        if (typeof last === 'string') shard.position = last;
      }),
    );
    // Only once every shard that may hold a nearer item has shown its head can the nearest be taken.
    if (shards.some((shard) => shard.buffer.length === 0 && shard.more)) continue;
    let next: (typeof shards)[number] | undefined;
    for (const shard of shards) {
      const head = shard.buffer[0]?.sk;
      if (typeof head !== 'string') continue;
      const best = next?.buffer[0]?.sk;
      if (typeof best !== 'string' || before(head, best)) next = shard;
    }
    if (!next) break;
    merged.push(next.buffer.shift() as Item);
  }
  const page = merged.slice(0, limit);
  const last = page.at(-1)?.sk;
  return { items: page, nextAfter: merged.length > limit && typeof last === 'string' ? last : undefined };
}

/** The store's ShardRead: one Query of one shard's partition. */
export function shardQuery(
  documents: Documents,
  table: string,
  prefix: string,
  oldestFirst = false,
): ShardRead {
  return async (partition, after, limit) => {
    const result = await documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
        ScanIndexForward: oldestFirst,
        Limit: limit,
        ...(after ? { ExclusiveStartKey: { pk: partition, sk: after } } : {}),
      }),
    );
    return { items: result.Items ?? [], more: result.LastEvaluatedKey !== undefined };
  };
}

/** One page of a sharded kind, read from DynamoDB. */
export function queryShardedPage(
  store: { readonly documents: Documents; readonly dataTable: string },
  request: ShardedPageRequest,
): Promise<Page> {
  return mergeShardPages(
    request,
    shardQuery(store.documents, store.dataTable, request.prefix, request.oldestFirst),
  );
}
