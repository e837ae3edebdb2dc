/**
 * One page of a project's items of one kind, newest first (sort keys end in time-ordered ids), or
 * oldest first when asked.
 * DynamoDB ends a Query page at 1 MB, so a page may hold fewer items than asked for: this keeps
 * reading until limit + 1 items (the extra one says whether there is more) or the partition's end.
 */
import type { Documents } from './aws-clients.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { projectPartition } from './tables.js';

export interface PageRequest {
  readonly documents: Documents;
  readonly table: string;
  readonly partition: string;
  /** Sort-key prefix of the kind listed, e.g. `EMAIL#`. */
  readonly prefix: string;
  readonly limit: number;
  /** The sort key of the last item of the previous page (from a verified cursor). */
  readonly after?: string | undefined;
  /** A history (an email's events) reads oldest first; every other list newest first. */
  readonly oldestFirst?: boolean;
}

export interface Page {
  readonly items: Record<string, unknown>[];
  /** The sort key to continue after, when there is a next page. */
  readonly nextAfter: string | undefined;
}

export async function queryPage(request: PageRequest): Promise<Page> {
  const { partition, prefix, limit } = request;
  // A position outside this kind's sort keys is not one this list issued.
  const after = request.after?.startsWith(prefix) ? request.after : undefined;
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined = after ? { pk: partition, sk: after } : undefined;
  do {
    const result = await request.documents.send(
      new QueryCommand({
        TableName: request.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
        ScanIndexForward: request.oldestFirst === true,
        Limit: limit + 1 - items.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey && items.length <= limit);
  const page = items.slice(0, limit);
  const last = page.at(-1)?.sk;
  return { items: page, nextAfter: items.length > limit && typeof last === 'string' ? last : undefined };
}

/** One page of a project's items of one kind in the Data table: what every `GET /v1/<kind>` lists. */
export function queryProjectPage(
  store: { readonly documents: Documents; readonly dataTable: string },
  projectId: string,
  prefix: string,
  page: { readonly limit: number; readonly after?: string | undefined; readonly oldestFirst?: boolean },
): Promise<Page> {
  return queryPage({
    documents: store.documents,
    table: store.dataTable,
    partition: projectPartition(projectId),
    prefix,
    limit: page.limit,
    after: page.after,
    oldestFirst: page.oldestFirst,
  });
}

export interface PartitionRequest {
  readonly documents: Documents;
  readonly table: string;
  readonly partition: string;
  /** Sort-key prefix of the kind read, e.g. `PROJECT#`. */
  readonly prefix: string;
  /** Strongly consistent: for decisions that must see the latest write (e.g. sending domains). */
  readonly consistent?: boolean;
  /** Only these attributes. */
  readonly attributes?: readonly string[];
}

/** Every item of one kind in one partition, across DynamoDB's 1 MB pages (small, bounded kinds only). */
export async function queryAll(request: PartitionRequest): Promise<Record<string, unknown>[]> {
  const names = request.attributes?.map((attribute, index) => [`#a${index}`, attribute] as const) ?? [];
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await request.documents.send(
      new QueryCommand({
        TableName: request.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': request.partition, ':prefix': request.prefix },
        ...(names.length > 0
          ? {
              ProjectionExpression: names.map(([placeholder]) => placeholder).join(', '),
              ExpressionAttributeNames: Object.fromEntries(names),
            }
          : {}),
        ...(request.consistent ? { ConsistentRead: true } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
