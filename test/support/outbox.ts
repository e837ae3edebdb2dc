/**
 * A project's outbox as the tables hold it: every event of the project, read from each partition its
 * events may be in (the outbox shards, then the project's own partition, where events written before
 * the outbox was sharded stay: lambdas/shared/outbox.ts), oldest first. Tests that check which events a
 * change wrote read them here rather than querying one partition by hand.
 */
import * as z from 'zod/mini';
import { queryAll } from '../../lambdas/aws/query-page.js';
import { EVENT_SORT_PREFIX, outboxPartitions } from '../../lambdas/shared/outbox.js';
import type { TestAws } from './local-aws.js';

/** An outbox item: the event as it will be delivered, under its key (a malformed one fails the read). */
const outboxItem = z.looseObject({
  pk: z.string(),
  sk: z.string(),
  id: z.string(),
  type: z.string(),
  created_at: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type OutboxItem = z.infer<typeof outboxItem>;

/** Every outbox event of `projectId`, in sort-key order (event ids are time-ordered: oldest first). */
export async function outboxEvents(
  aws: Pick<TestAws, 'documents' | 'tables'>,
  projectId: string,
): Promise<OutboxItem[]> {
  const partitions = await Promise.all(
    outboxPartitions(projectId).map((partition) =>
      queryAll({
        documents: aws.documents,
        table: aws.tables.data,
        partition,
        prefix: EVENT_SORT_PREFIX,
        consistent: true,
      }),
    ),
  );
  const items = z.array(outboxItem).parse(partitions.flat());
  return items.sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
}
