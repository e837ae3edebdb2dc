/**
 * Reading the outbox: project events (`PROJECT#<p>#EVENTS#<nn>` / `EVENT#<evt_…>`, lambdas/shared/outbox.ts) as
 * the fan-out needs them. Deployed, they arrive as DynamoDB Streams records (new images of inserts,
 * already narrowed by OUTBOX_STREAM_FILTER on the event source mapping); locally, as items read
 * back from the table. Both become the same OutboxEvent, so one fan-out serves both. Pure.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { EVENT_SORT_PREFIX, projectOfOutboxPartition } from '../shared/outbox.js';

export interface OutboxEvent {
  readonly projectId: string;
  readonly eventId: string;
  readonly type: string;
  /** `webhook.test` names the one webhook it is for. */
  readonly webhookId?: string;
}

/** The event source mapping's filter: only inserted event items wake the fan-out. */
export const OUTBOX_STREAM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { Keys: { sk: { S: [{ prefix: EVENT_SORT_PREFIX }] } } },
} as const;

/** Anything that is not an inserted, well-formed event item is not an event to deliver. */
export function outboxEventFromStreamRecord(record: DynamoDBRecord): OutboxEvent | undefined {
  if (record.eventName !== 'INSERT') return undefined;
  const image = record.dynamodb?.NewImage;
  if (!image) return undefined;
  return outboxEventFrom({
    pk: image.pk?.S,
    sk: image.sk?.S,
    id: image.id?.S,
    type: image.type?.S,
    webhookId: image.data?.M?.webhook_id?.S,
  });
}

/** The same, from an item as the document client reads it (the local outbox poller). */
export function outboxEventFromItem(item: Readonly<Record<string, unknown>>): OutboxEvent | undefined {
  const data = item.data;
  const webhookId =
    typeof data === 'object' && data !== null && 'webhook_id' in data ? data.webhook_id : undefined;
  return outboxEventFrom({
    pk: stringOrUndefined(item.pk),
    sk: stringOrUndefined(item.sk),
    id: stringOrUndefined(item.id),
    type: stringOrUndefined(item.type),
    webhookId: stringOrUndefined(webhookId),
  });
}

function outboxEventFrom(fields: {
  pk: string | undefined;
  sk: string | undefined;
  id: string | undefined;
  type: string | undefined;
  webhookId: string | undefined;
}): OutboxEvent | undefined {
  const { pk, sk, id, type, webhookId } = fields;
  const projectId = pk === undefined ? undefined : projectOfOutboxPartition(pk);
  if (projectId === undefined || !sk?.startsWith(EVENT_SORT_PREFIX)) return undefined;
  // The item's id must be the one its key names: the key is what the consumer reads back.
  if (id === undefined || sk !== `${EVENT_SORT_PREFIX}${id}` || !type) return undefined;
  return { projectId, eventId: id, type, ...(webhookId === undefined ? {} : { webhookId }) };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
