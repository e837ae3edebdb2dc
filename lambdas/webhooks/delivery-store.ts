/**
 * Delivery attempts: one item per attempt under the webhook's project (`DELIVERY#<webhookId>#<del_id>`,
 * time-ordered ids, so a webhook's deliveries list newest first with one Query). The deliveries
 * Lambda writes them; `GET /v1/webhooks/{id}/deliveries` reads them. They expire after 30 days
 * (the table's TTL), which also clears the attempts of a deleted webhook.
 */
import type { Documents } from '../aws/aws-clients.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '../shared/ids.js';
import { queryPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';

export const DELIVERY_ID_PREFIX = 'del';
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 60 * 60;
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryRecord {
  readonly id: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempt: number;
  readonly status: DeliveryStatus;
  readonly responseStatus?: number;
  readonly durationMs?: number;
  readonly error?: string;
  readonly nextAttemptAt?: string;
  readonly createdAt: string;
}

export interface DeliveryStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

const partitionPrefix = (webhookId: string): string => `DELIVERY#${webhookId}#`;

export function newDeliveryRecord(
  fields: Omit<DeliveryRecord, 'id' | 'createdAt'>,
  now: Date,
): DeliveryRecord {
  return { id: newId(DELIVERY_ID_PREFIX, now), createdAt: now.toISOString(), ...fields };
}

export async function putDelivery(
  store: DeliveryStore,
  projectId: string,
  delivery: DeliveryRecord,
): Promise<void> {
  const createdSeconds = Math.floor(Date.parse(delivery.createdAt) / 1000);
  await store.documents.send(
    new PutCommand({
      TableName: store.dataTable,
      Item: {
        pk: projectPartition(projectId),
        sk: `${partitionPrefix(delivery.webhookId)}${delivery.id}`,
        ttl: createdSeconds + DELIVERY_RETENTION_SECONDS,
        ...delivery,
      },
    }),
  );
}

/** Newest first. The caller has checked that the webhook is the project's. */
export async function listDeliveries(
  store: DeliveryStore,
  projectId: string,
  webhookId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ deliveries: DeliveryRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryPage({
    documents: store.documents,
    table: store.dataTable,
    partition: projectPartition(projectId),
    prefix: partitionPrefix(webhookId),
    limit: page.limit,
    after: page.after,
  });
  return {
    deliveries: items.map((item) => {
      const { pk: _pk, sk: _sk, ttl: _ttl, ...record } = item;
      return record as unknown as DeliveryRecord;
    }),
    nextAfter,
  };
}
