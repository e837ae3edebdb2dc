/**
 * Project events, stored as they will be delivered (`{"id":"evt_…","type","created_at","data"}`)
 * under one of the project's outbox shards (`PROJECT#<p>#EVENTS#<nn>` / `EVENT#<id>`, the shard a
 * hash of the id: lambdas/aws/shards.ts), so a busy project's events do not all land on one
 * partition key. The fan-out delivers them to the project's webhooks; producers only write them, in
 * the same transaction as the change they report, so an event exists exactly when its change does.
 * Events written before the outbox was sharded stay under `PROJECT#<p>` (outboxKeys names both).
 */
import { newId } from './ids.js';
import { projectPartition } from '../aws/tables.js';
import { shardedPartition, shardPartitions } from '../aws/shards.js';

export const EVENT_ID_PREFIX = 'evt';
export const EVENT_SORT_PREFIX = 'EVENT#';

export interface ProjectEvent {
  readonly id: string;
  readonly type: string;
  readonly created_at: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The Data table item of a new event of `projectId`. */
export function eventItem(
  projectId: string,
  type: string,
  data: Readonly<Record<string, unknown>>,
  now: Date,
): Record<string, unknown> & ProjectEvent {
  const id = newId(EVENT_ID_PREFIX, now);
  return {
    ...outboxKey(projectId, id),
    id,
    type,
    created_at: now.toISOString(),
    data,
  };
}

const outboxPartition = (projectId: string) => `${projectPartition(projectId)}#EVENTS`;

/** Where event `eventId` of `projectId` is stored. */
export function outboxKey(projectId: string, eventId: string): { pk: string; sk: string } {
  return { pk: shardedPartition(outboxPartition(projectId), eventId), sk: `${EVENT_SORT_PREFIX}${eventId}` };
}

/** Every partition a project's events may be in: its outbox shards, then its own partition. */
export const outboxPartitions = (projectId: string): string[] => [
  ...shardPartitions(outboxPartition(projectId)),
  projectPartition(projectId),
];

/** Where it is, then where an event written before the outbox was sharded is (a delivery retried across the upgrade). */
export function outboxKeys(projectId: string, eventId: string): { pk: string; sk: string }[] {
  return [
    outboxKey(projectId, eventId),
    { pk: projectPartition(projectId), sk: `${EVENT_SORT_PREFIX}${eventId}` },
  ];
}

/** The project an outbox partition key belongs to (sharded or not); undefined for any other key. */
export function projectOfOutboxPartition(pk: string): string | undefined {
  const match = /^PROJECT#([^#]+)(?:#EVENTS#\d{2})?$/.exec(pk);
  return match?.[1];
}
