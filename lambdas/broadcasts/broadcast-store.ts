/**
 * Broadcast items in the Data table, under the project's partition (`BROADCAST#<id>`), with their
 * counters as top-level numbers so that a sender adds to them in the same transaction as the
 * recipient change it counts (./recipient-store.ts). Every status change is conditional on the
 * statuses ./state.ts allows it from, and writes its `broadcast.*` event in the same transaction.
 */
import { BROADCAST_ID_PREFIX } from '../shared/broadcast-recipients.js';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../aws/aws-clients.js';
import { cancellationCodes } from '../aws/conflicts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { ApiError } from '../api/errors.js';
import { eventItem } from '../shared/outbox.js';
import { isIdOf } from '../shared/ids.js';
import { type ProjectPage, queryProjectPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';
import type { VariableValues } from '../templates/render.js';
import type { BroadcastContent } from './content.js';
import type { BroadcastJson } from './contracts.js';
import { allowedFrom, type BroadcastAction, type BroadcastCounts, type BroadcastStatus } from './state.js';

export const BROADCAST_PREFIX = 'BROADCAST#';
/** Scheduled broadcasts by due time, across projects: swept every minute (./scheduled-start.ts). */
export const BROADCAST_DUE_PARTITION = 'BROADCAST_DUE';

export interface BroadcastStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export type Audience = { readonly listId: string } | { readonly segmentId: string };

/** What a send renders: fixed when sending starts, so an edit of its template cannot change a broadcast mid-way. */
/** The content fixed when sending starts (lambdas/broadcasts/content.ts composes it). */
export type { BroadcastContent };

export interface BroadcastRecord {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly from: string;
  readonly replyTo: readonly string[];
  readonly subject?: string | undefined;
  readonly html?: string | undefined;
  readonly text?: string | undefined;
  readonly template?: { readonly id: string; readonly variables: VariableValues } | undefined;
  readonly audience: Audience;
  readonly tags: readonly { name: string; value: string }[];
  readonly status: BroadcastStatus;
  readonly failureReason?: string | undefined;
  readonly scheduledAt?: string | undefined;
  readonly startedAt?: string | undefined;
  readonly completedAt?: string | undefined;
  /** Set when sending starts (./routes.ts): what every recipient's email is rendered from. */
  readonly content?: BroadcastContent | undefined;
  /** The key that started it: its emails' `keyId`. */
  readonly sentByKeyId?: string | undefined;
  readonly counts: BroadcastCounts;
  /** Recipients queued and not yet settled. */
  readonly pending: number;
  /** The audience has been read to its end. */
  readonly resolved: boolean;
  /** Where reading the audience continues (`''` at its start): one resolve message holds it at a time. */
  readonly resolveCursor: string;
  /** Pages of the audience read so far: the `page` the next resolve message must carry. */
  readonly resolvedPages: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const broadcastKey = (projectId: string, id: string) => ({
  pk: projectPartition(projectId),
  sk: `${BROADCAST_PREFIX}${id}`,
});

/** The stored names of the counters (`ADD`ed to by the senders). */
export const COUNTER_ATTRIBUTES: Readonly<Record<keyof BroadcastCounts | 'pending', string>> = {
  recipients: 'recipientsCount',
  sent: 'sentCount',
  failed: 'failedCount',
  suppressed: 'suppressedCount',
  unsubscribed: 'unsubscribedCount',
  skipped: 'skippedCount',
  pending: 'pendingCount',
};

export async function putBroadcast(store: BroadcastStore, broadcast: BroadcastRecord): Promise<void> {
  await store.documents.send(
    new PutCommand({
      TableName: store.dataTable,
      Item: toItem(broadcast),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function findBroadcast(
  store: BroadcastStore,
  projectId: string,
  id: string,
): Promise<BroadcastRecord | undefined> {
  if (!isIdOf(BROADCAST_ID_PREFIX, id)) return undefined;
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: broadcastKey(projectId, id), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : undefined;
}

/** A missing broadcast and another project's are the same 404. */
export async function getBroadcast(
  store: BroadcastStore,
  projectId: string,
  id: string,
): Promise<BroadcastRecord> {
  const broadcast = await findBroadcast(store, projectId, id);
  if (!broadcast) throw new ApiError('not_found', { message: 'Broadcast not found.' });
  return broadcast;
}

export async function listBroadcasts(
  store: BroadcastStore,
  projectId: string,
  page: ProjectPage,
): Promise<{ broadcasts: BroadcastRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, BROADCAST_PREFIX, page);
  return { broadcasts: items.map(fromItem), nextAfter };
}

/** Replaces a broadcast that `action` may change (a draft's edit), or answers 409 invalid_state. */
export async function replaceBroadcast(
  store: BroadcastStore,
  broadcast: BroadcastRecord,
  action: BroadcastAction,
): Promise<void> {
  const from = allowedFrom(action);
  try {
    await store.documents.send(
      new PutCommand({
        TableName: store.dataTable,
        Item: toItem(broadcast),
        ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: Object.fromEntries(from.map((status, i) => [`:from${i}`, status])),
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw invalidState(action);
    throw error;
  }
}

export async function deleteDraft(store: BroadcastStore, projectId: string, id: string): Promise<void> {
  try {
    await store.documents.send(
      new DeleteCommand({
        TableName: store.dataTable,
        Key: broadcastKey(projectId, id),
        ConditionExpression: '#status = :draft',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':draft': 'draft' },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw invalidState('delete');
    throw error;
  }
}

export interface Transition {
  readonly action: BroadcastAction;
  readonly to: BroadcastStatus;
  /** Attributes set with it (camelCase record names). */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Its `broadcast.*` event, written in the same transaction. */
  readonly event?: { readonly type: string; readonly data: Readonly<Record<string, unknown>> };
  /** Further conditions (e.g. every recipient settled), `ExpressionAttributeValues` included in `values`. */
  readonly condition?: { readonly expression: string; readonly values: Readonly<Record<string, unknown>> };
  /** Items written in the same transaction (the due-index entry of a schedule). */
  readonly alsoWrite?: readonly Record<string, unknown>[];
}

/**
 * Moves a broadcast along ./state.ts's table, conditionally; answers false when its status (or the
 * extra condition) no longer allows it.
 */
export async function transition(
  store: BroadcastStore,
  broadcast: Pick<BroadcastRecord, 'projectId' | 'id'>,
  change: Transition,
  now: Date,
): Promise<boolean> {
  const from = allowedFrom(change.action);
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':to': change.to,
    ':now': now.toISOString(),
    ...change.condition?.values,
  };
  from.forEach((status, i) => (values[`:from${i}`] = status));
  const sets = ['#status = :to', 'updatedAt = :now'];
  for (const [name, value] of Object.entries(change.set ?? {})) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  const update = {
    TableName: store.dataTable,
    Key: broadcastKey(broadcast.projectId, broadcast.id),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: [
      `attribute_exists(pk) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
      ...(change.condition ? [change.condition.expression] : []),
    ].join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
  const extra = [
    ...(change.event ? [eventItem(broadcast.projectId, change.event.type, change.event.data, now)] : []),
    ...(change.alsoWrite ?? []),
  ].map((Item) => ({ Put: { TableName: store.dataTable, Item } }));
  try {
    if (extra.length === 0) await store.documents.send(new UpdateCommand(update));
    else
      await store.documents.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...extra] }));
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

export function invalidState(action: BroadcastAction): ApiError {
  const allowed = allowedFrom(action).join(' or ');
  return new ApiError('invalid_state', {
    message: `A broadcast can be ${pastTense(action)} only while ${allowed}.`,
  });
}

function pastTense(action: BroadcastAction): string {
  const words: Record<BroadcastAction, string> = {
    update: 'changed',
    delete: 'deleted',
    send: 'sent',
    schedule: 'scheduled',
    start: 'started',
    advance: 'advanced',
    cancel: 'canceled',
    complete: 'completed',
    fail: 'failed',
  };
  return words[action];
}

function toItem(broadcast: BroadcastRecord): Record<string, unknown> {
  const { counts, pending, ...rest } = broadcast;
  return {
    ...broadcastKey(broadcast.projectId, broadcast.id),
    ...rest,
    ...Object.fromEntries(
      Object.entries(counts).map(([name, value]) => [
        COUNTER_ATTRIBUTES[name as keyof BroadcastCounts],
        value,
      ]),
    ),
    [COUNTER_ATTRIBUTES.pending]: pending,
  };
}

const num = (value: unknown) => (typeof value === 'number' ? value : 0);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function fromItem(item: Record<string, unknown>): BroadcastRecord {
  const counter = (name: keyof typeof COUNTER_ATTRIBUTES) => num(item[COUNTER_ATTRIBUTES[name]]);
  const audience = item.audience as Record<string, unknown> | undefined;
  return {
    id: String(item.id),
    projectId: String(item.projectId),
    name: String(item.name),
    from: String(item.from),
    replyTo: Array.isArray(item.replyTo) ? item.replyTo.map(String) : [],
    subject: str(item.subject),
    html: str(item.html),
    text: str(item.text),
    template: item.template as BroadcastRecord['template'],
    audience:
      typeof audience?.listId === 'string'
        ? { listId: audience.listId }
        : { segmentId: String(audience?.segmentId) },
    tags: Array.isArray(item.tags) ? (item.tags as { name: string; value: string }[]) : [],
    status: item.status as BroadcastStatus,
    failureReason: str(item.failureReason),
    scheduledAt: str(item.scheduledAt),
    startedAt: str(item.startedAt),
    completedAt: str(item.completedAt),
    content: item.content as BroadcastContent | undefined,
    sentByKeyId: str(item.sentByKeyId),
    counts: {
      recipients: counter('recipients'),
      sent: counter('sent'),
      failed: counter('failed'),
      suppressed: counter('suppressed'),
      unsubscribed: counter('unsubscribed'),
      skipped: counter('skipped'),
    },
    pending: counter('pending'),
    resolved: item.resolved === true,
    resolveCursor: str(item.resolveCursor) ?? '',
    resolvedPages: num(item.resolvedPages),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

export function broadcastJson(broadcast: BroadcastRecord): BroadcastJson {
  return {
    object: 'broadcast',
    id: broadcast.id,
    name: broadcast.name,
    from: broadcast.from,
    reply_to: [...broadcast.replyTo],
    subject: broadcast.subject ?? null,
    html: broadcast.html ?? null,
    text: broadcast.text ?? null,
    template: broadcast.template
      ? { id: broadcast.template.id, variables: { ...broadcast.template.variables } }
      : null,
    audience:
      'listId' in broadcast.audience
        ? { list_id: broadcast.audience.listId }
        : { segment_id: broadcast.audience.segmentId },
    tags: broadcast.tags.map(({ name, value }) => ({ name, value })),
    status: broadcast.status,
    failure_reason: broadcast.failureReason ?? null,
    scheduled_at: broadcast.scheduledAt ?? null,
    started_at: broadcast.startedAt ?? null,
    completed_at: broadcast.completedAt ?? null,
    counts: { ...broadcast.counts },
    created_at: broadcast.createdAt,
    updated_at: broadcast.updatedAt,
  };
}
