/**
 * Webhook records in the Data table, under their project's partition (`WEBHOOK#<id>`). The signing
 * secrets live on the record so the deliveries Lambda can sign; only the create and rotate answers
 * ever show one, and nothing logs a record.
 */
import type { Documents } from '../aws/aws-clients.js';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { ApiError } from '../api/errors.js';
import type { EventType } from '../shared/event-types.js';
import { isIdOf } from '../shared/ids.js';
import { queryProjectPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';

export const WEBHOOK_ID_PREFIX = 'wh';
export const WEBHOOK_SORT_PREFIX = 'WEBHOOK#';
export type WebhookStatus = 'enabled' | 'disabled';
/** The surfaces whose webhooks are delivered with extra headers. */
export type WebhookSurface = 'resend';

export interface WebhookRecord {
  readonly id: string;
  readonly projectId: string;
  readonly url: string;
  readonly events: readonly EventType[];
  readonly description?: string;
  readonly status: WebhookStatus;
  readonly disabledReason?: string;
  readonly secret: string;
  /** The secret replaced by the last rotation, which keeps signing until `previousSecretExpiresAt`. */
  readonly previousSecret?: string;
  readonly previousSecretExpiresAt?: string;
  /** Deliveries that ended `failed` since the last success (see lambdas/deliveries/decisions.ts). */
  readonly consecutiveFailures: number;
  /**
   * The API surface it was created on, when not `/v1`: a webhook created through Resend's API gets
   * Svix's header names beside the Standard Webhooks ones (see ./signing.ts, `deliveryHeaders`).
   */
  readonly surface?: WebhookSurface;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface WebhookStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

const sortKey = (id: string): string => `${WEBHOOK_SORT_PREFIX}${id}`;
const key = (projectId: string, id: string) => ({ pk: projectPartition(projectId), sk: sortKey(id) });

export async function putWebhook(store: WebhookStore, webhook: WebhookRecord): Promise<void> {
  await store.documents.send(
    new PutCommand({
      TableName: store.dataTable,
      Item: { ...key(webhook.projectId, webhook.id), ...webhook },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function findWebhook(
  store: WebhookStore,
  projectId: string,
  id: string,
): Promise<WebhookRecord | undefined> {
  if (!isIdOf(WEBHOOK_ID_PREFIX, id)) return undefined;
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: key(projectId, id), ConsistentRead: true }),
  );
  return Item ? toRecord(Item) : undefined;
}

/** A missing webhook and another project's webhook are the same 404. */
export async function getWebhook(store: WebhookStore, projectId: string, id: string): Promise<WebhookRecord> {
  const webhook = await findWebhook(store, projectId, id);
  if (!webhook) throw notFound();
  return webhook;
}

export async function listWebhooks(
  store: WebhookStore,
  projectId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ webhooks: WebhookRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, WEBHOOK_SORT_PREFIX, page);
  return { webhooks: items.map(toRecord), nextAfter };
}

/** Every webhook of a project, for the fan-out (a project holds at most MAX_WEBHOOKS_PER_PROJECT). */
export async function allWebhooks(store: WebhookStore, projectId: string): Promise<WebhookRecord[]> {
  const webhooks: WebhookRecord[] = [];
  let after: string | undefined;
  do {
    const page = await listWebhooks(store, projectId, { limit: 100, after });
    webhooks.push(...page.webhooks);
    after = page.nextAfter;
  } while (after !== undefined);
  return webhooks;
}

export type WebhookChange = Partial<
  Pick<
    WebhookRecord,
    | 'url'
    | 'events'
    | 'description'
    | 'status'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
    | 'consecutiveFailures'
  >
> & {
  /** `null` removes the reason (re-enabling). */
  readonly disabledReason?: string | null;
  readonly updatedAt: string;
};

/** Changes a stored webhook; a missing one (deleted meanwhile) is the same 404 as ever. */
export async function updateWebhook(
  store: WebhookStore,
  projectId: string,
  id: string,
  change: WebhookChange,
  condition?: { readonly status: WebhookStatus },
): Promise<WebhookRecord> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    if (value === null) {
      removes.push(`#${field}`);
    } else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  let conditionExpression = 'attribute_exists(pk)';
  if (condition) {
    names['#currentStatus'] = 'status';
    values[':currentStatus'] = condition.status;
    conditionExpression += ' AND #currentStatus = :currentStatus';
  }
  try {
    const { Attributes } = await store.documents.send(
      new UpdateCommand({
        TableName: store.dataTable,
        Key: key(projectId, id),
        UpdateExpression: [
          sets.length > 0 ? `SET ${sets.join(', ')}` : '',
          removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
        ].join(' '),
        ConditionExpression: conditionExpression,
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRecord(Attributes ?? {});
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw notFound();
    throw error;
  }
}

export async function deleteWebhook(store: WebhookStore, projectId: string, id: string): Promise<void> {
  if (!isIdOf(WEBHOOK_ID_PREFIX, id)) throw notFound();
  try {
    await store.documents.send(
      new DeleteCommand({
        TableName: store.dataTable,
        Key: key(projectId, id),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw notFound();
    throw error;
  }
}

function notFound(): ApiError {
  return new ApiError('not_found', { message: 'Webhook not found.' });
}

function toRecord(item: Record<string, unknown>): WebhookRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as WebhookRecord;
}

/** One more delivery ended `failed`: the new length of the webhook's run of failures. */
export async function countFailedDelivery(
  store: WebhookStore,
  projectId: string,
  id: string,
): Promise<number | undefined> {
  try {
    const { Attributes } = await store.documents.send(
      new UpdateCommand({
        TableName: store.dataTable,
        Key: key(projectId, id),
        UpdateExpression: 'ADD consecutiveFailures :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count: unknown = Attributes?.consecutiveFailures;
    return typeof count === 'number' ? count : undefined;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return undefined; // deleted meanwhile
    throw error;
  }
}
