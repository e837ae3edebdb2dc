import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeShardPages, type ShardRead } from '../../../../lambdas/aws/sharded-query.js';

type Item = { pk: string; sk: string };

/** Shards held in memory and read as DynamoDB reads a Query: sorted, from after a position, up to a limit. */
function memoryShards(items: readonly Item[], oldestFirst: boolean) {
  const calls: { partition: string; limit: number }[] = [];
  const read: ShardRead = async (partition, after, limit) => {
    calls.push({ partition, limit });
    const sorted = items.filter((item) => item.pk === partition).sort((a, b) => (a.sk < b.sk ? -1 : 1));
    const ordered = oldestFirst ? sorted : sorted.reverse();
    const rest =
      after === undefined
        ? ordered
        : ordered.filter((item) => (oldestFirst ? item.sk > after : item.sk < after));
    const items_ = rest.slice(0, limit);
    return { items: items_, more: rest.length > limit };
  };
  return { read, calls };
}

const partitions = ['S#00', 'S#01', 'S#02', 'S#03'];
/** Items with unique sort keys, each in one of the shards. */
const shardedItems = fc
  .uniqueArray(
    fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') }),
    {
      maxLength: 60,
    },
  )
  .chain((keys) =>
    fc.tuple(
      fc.constant(keys),
      fc.array(fc.integer({ min: 0, max: partitions.length - 1 }), {
        minLength: keys.length,
        maxLength: keys.length,
      }),
    ),
  )
  .map(([keys, shards]) => keys.map((key, i) => ({ pk: `S#0${shards[i] ?? 0}`, sk: `K#${key}` })));

/** Follows cursors to the end, as a client does. */
async function allPages(items: readonly Item[], limit: number, oldestFirst: boolean) {
  const { read } = memoryShards(items, oldestFirst);
  const pages: string[][] = [];
  let after: string | undefined;
  do {
    const page = await mergeShardPages({ partitions, prefix: 'K#', limit, after, oldestFirst }, read);
    pages.push(page.items.map((item) => String(item.sk)));
    after = page.nextAfter;
  } while (after !== undefined && pages.length < 200);
  return pages;
}

describe('mergeShardPages', () => {
  it.each([false, true])(
    'lists every item once, in order across the shards, page by page (oldest first: %s)',
    async (oldestFirst) => {
      await fc.assert(
        fc.asyncProperty(shardedItems, fc.integer({ min: 1, max: 12 }), async (items, limit) => {
          const pages = await allPages(items, limit, oldestFirst);
          const listed = pages.flat();
          const expected = items.map((item) => item.sk).sort();
          expect(listed).toEqual(oldestFirst ? expected : expected.reverse());
          // Full pages until the last; a cursor only when there is more.
          for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
          expect(pages.at(-1)?.length ?? 0).toBeLessThanOrEqual(limit);
        }),
      );
    },
  );

  it('answers no cursor on the last page, and ignores a position outside the listed kind', async () => {
    const items = [
      { pk: 'S#00', sk: 'K#b' },
      { pk: 'S#01', sk: 'K#a' },
    ];
    const { read } = memoryShards(items, false);
    const page = await mergeShardPages({ partitions, prefix: 'K#', limit: 2, after: 'OTHER#x' }, read);
    expect(page.items.map((item) => item.sk)).toEqual(['K#b', 'K#a']);
    expect(page.nextAfter).toBeUndefined();
  });

  it('reads each shard for a few items, not for a whole page', async () => {
    const items = Array.from({ length: 200 }, (_, i) => ({
      pk: `S#0${i % partitions.length}`,
      sk: `K#${String(i).padStart(4, '0')}`,
    }));
    const { read, calls } = memoryShards(items, false);
    await mergeShardPages({ partitions, prefix: 'K#', limit: 20 }, read);
    expect(Math.max(...calls.map((call) => call.limit))).toBeLessThanOrEqual(
      Math.ceil(21 / partitions.length) + 1,
    );
    expect(calls.length).toBeLessThanOrEqual(2 * partitions.length);
  });
});
