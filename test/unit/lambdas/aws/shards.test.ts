import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../lambdas/shared/ids.js';
import { SHARDS, shardedPartition, shardOf, shardPartitions } from '../../../../lambdas/aws/shards.js';

const anyId = fc.string({ minLength: 1, maxLength: 40 });

describe('shardOf', () => {
  it('is stable: the same id always names the same shard', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        expect(shardOf(id)).toBe(shardOf(id));
      }),
    );
  });

  it('is within 0…shards-1 for any id and shard count', () => {
    fc.assert(
      fc.property(anyId, fc.integer({ min: 1, max: 64 }), (id, shards) => {
        const shard = shardOf(id, shards);
        expect(Number.isInteger(shard) && shard >= 0 && shard < shards).toBe(true);
      }),
    );
  });

  it('spreads time-ordered ids made in one millisecond evenly (each shard within ±25% of its share)', () => {
    // The case that defeats split-for-heat: ids that share their time prefix.
    const at = new Date('2026-12-07T12:00:00.000Z');
    const counts = new Array<number>(SHARDS).fill(0);
    const ids = 16_000;
    for (let i = 0; i < ids; i++) {
      const shard = shardOf(newId('em', at));
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    const share = ids / SHARDS;
    for (const count of counts) expect(Math.abs(count - share)).toBeLessThan(share * 0.25);
  });
});

describe('shard partitions', () => {
  it('names the item partition as one of the shard partitions, two digits after the base', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        const partition = shardedPartition('PROJECT#p#EMAILS', id);
        return shardPartitions('PROJECT#p#EMAILS').includes(partition) && /#\d{2}$/.test(partition);
      }),
    );
    expect(shardPartitions('B')).toHaveLength(SHARDS);
    expect(shardPartitions('B', 3)).toEqual(['B#00', 'B#01', 'B#02']);
  });
});
