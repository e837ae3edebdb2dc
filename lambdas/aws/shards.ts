/**
 * Write sharding of a project's hot items (emails and their events, the outbox, broadcast
 * recipients): DynamoDB holds one partition key to 1,000 write units a second, and sort keys that
 * only grow (time-ordered ids) defeat its split-for-heat, so a busy project's items are spread over
 * `SHARDS` partition keys, `<partition>#<nn>`. The shard is a hash of the item's own id, so an item is
 * still one GetItem away from its id, and a list reads every shard and merges (./sharded-query.ts).
 * docs/operations.md ("Capacity: one project at 1,000 emails/s") has the arithmetic behind 16.
 */
import { createHash } from 'node:crypto';

/** Shards per sharded partition. Changing it moves every sharded item: a migration, not an edit. */
export const SHARDS = 16;

/** The shard of an id: stable (a hash of the id alone), in 0…shards-1, spread evenly. */
export function shardOf(id: string, shards: number = SHARDS): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % shards;
}

/** `<partition>#<nn>`: the partition key of shard `shard` (two digits, so keys read in order). */
export const shardPartition = (partition: string, shard: number): string =>
  `${partition}#${String(shard).padStart(2, '0')}`;

/** Every shard's partition key of `partition`. */
export const shardPartitions = (partition: string, shards: number = SHARDS): string[] =>
  Array.from({ length: shards }, (_, shard) => shardPartition(partition, shard));

/** The partition key an item with `id` lives under. */
export const shardedPartition = (partition: string, id: string): string =>
  shardPartition(partition, shardOf(id));
