/**
 * Scheduled emails in the Data table. Beside the email record (`PROJECT#<p>` / `EMAIL#<id>`, status
 * `scheduled` and `scheduledAt`), a scheduled email has:
 *
 * - `PROJECT#<p>` / `SCHEDULED_EMAIL#<id>`: what is sent (bodies, headers, attachments), gzipped,
 *   and the month its send was counted in; deleted once the email is sent, failed or canceled;
 * - `SCHEDULED#<minute>` / `<scheduledAt>#<emailId>`: its due entry. One partition per minute, so a
 *   sweep reads only the minutes that are due, each with one Query (docs/decisions/0033-scheduled-emails.md);
 * - `SCHEDULED#CURSOR` / `CURSOR`: the first minute not yet drained by the sweep.
 *
 * Every change is conditioned on the status it leaves (./scheduled-state.ts), in one transaction with
 * the due entry it moves or deletes and the event it records.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../aws/aws-clients.js';
import { cancellationCodes } from '../aws/conflicts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { eventItem } from '../shared/outbox.js';
import { projectPartition } from '../aws/tables.js';
import type { AttachmentInput } from './attachments.js';
import { type EmailRecord, emailJson, sesMessageIndexPut, unshardedEmailKey } from './email-store.js';

export interface ScheduledStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export const SCHEDULED_PARTITION_PREFIX = 'SCHEDULED#';
export const CURSOR_KEY = { pk: `${SCHEDULED_PARTITION_PREFIX}CURSOR`, sk: 'CURSOR' } as const;
const CONTENT_SORT_PREFIX = 'SCHEDULED_EMAIL#';

/** DynamoDB's item limit is 400 KB; what is stored beside the content stays well under it. */
export const MAX_STORED_CONTENT_BYTES = 380_000;

/** What a scheduled email sends, kept until then. */
export interface ScheduledContent {
  readonly html?: string | undefined;
  readonly text?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly attachments?: readonly AttachmentInput[] | undefined;
}

/** Whose monthly count a scheduled email is in, so a cancel gives it back. */
export interface QuotaCharge {
  readonly teamId: string;
  readonly month: string;
}

/** `2026-12-07T09:31`: the minute an instant falls in (UTC). */
export const minuteOf = (at: Date): string => at.toISOString().slice(0, 16);
export const duePartition = (minute: string): string => `${SCHEDULED_PARTITION_PREFIX}${minute}`;
export const nextMinute = (minute: string): string =>
  minuteOf(new Date(Date.parse(`${minute}:00.000Z`) + 60_000));

export function dueKey(email: Pick<EmailRecord, 'id'> & { scheduledAt: string }) {
  return { pk: duePartition(minuteOf(new Date(email.scheduledAt))), sk: `${email.scheduledAt}#${email.id}` };
}

// Scheduled emails keep the project's own partition (docs/decisions/0036-write-sharded-hot-items.md).
const emailKey = (email: Pick<EmailRecord, 'projectId' | 'id'>) =>
  unshardedEmailKey(email.projectId, email.id);
const contentKey = (email: Pick<EmailRecord, 'projectId' | 'id'>) => ({
  pk: projectPartition(email.projectId),
  sk: `${CONTENT_SORT_PREFIX}${email.id}`,
});

/** The due entry's item: what the sweep needs to find the email. */
const dueItem = (email: Pick<EmailRecord, 'projectId' | 'id'> & { scheduledAt: string }) => ({
  ...dueKey(email),
  projectId: email.projectId,
  emailId: email.id,
});

/** What goes once a scheduled email is settled (sent, failed or canceled): its due entry and content. */
const retired = (table: string, email: Pick<EmailRecord, 'projectId' | 'id'> & { scheduledAt: string }) => [
  { Delete: { TableName: table, Key: dueKey(email) } },
  { Delete: { TableName: table, Key: contentKey(email) } },
];

/** The content as stored: gzipped JSON. Its size decides whether the email may be scheduled. */
export function packContent(content: ScheduledContent): Uint8Array {
  return gzipSync(JSON.stringify(content));
}

function unpackContent(packed: unknown): ScheduledContent | undefined {
  if (!(packed instanceof Uint8Array)) return undefined;
  const parsed: unknown = JSON.parse(gunzipSync(packed).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('headers' in parsed)) return undefined;
  return parsed as ScheduledContent;
}

/** The email, its content, its due entry and its `email.scheduled` event, all or nothing. */
export async function putScheduledEmail(
  store: ScheduledStore,
  record: EmailRecord & { scheduledAt: string },
  packed: Uint8Array,
  charge: QuotaCharge | undefined,
  now: Date,
): Promise<void> {
  const table = store.dataTable;
  await store.documents.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: table,
            Item: { ...emailKey(record), ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: table, Item: { ...contentKey(record), content: packed, ...(charge ?? {}) } } },
        { Put: { TableName: table, Item: dueItem(record) } },
        {
          Put: {
            TableName: table,
            Item: eventItem(record.projectId, 'email.scheduled', emailJson(record), now),
          },
        },
      ],
    }),
  );
}

/** Moves a `scheduled` email; false when it is no longer `scheduled` at `from`. */
export async function moveScheduledEmail(
  store: ScheduledStore,
  email: EmailRecord & { scheduledAt: string },
  to: string,
  now: Date,
): Promise<boolean> {
  const table = store.dataTable;
  return conditional(
    store.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: emailKey(email),
              UpdateExpression: 'SET scheduledAt = :to, updatedAt = :now',
              ConditionExpression: '#status = :scheduled AND scheduledAt = :from',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':to': to,
                ':now': now.toISOString(),
                ':scheduled': 'scheduled',
                ':from': email.scheduledAt,
              },
            },
          },
          { Delete: { TableName: table, Key: dueKey(email) } },
          { Put: { TableName: table, Item: dueItem({ ...email, scheduledAt: to }) } },
        ],
      }),
    ),
  );
}

/**
 * `scheduled` → `canceled` (by the API, or by the re-check at send time with its reason), with its
 * `email.canceled` event; the content and the due entry go. False when it is no longer `scheduled`
 * at that time.
 */
export async function cancelScheduledEmail(
  store: ScheduledStore,
  email: EmailRecord & { scheduledAt: string },
  failureReason: string | undefined,
  now: Date,
): Promise<boolean> {
  const table = store.dataTable;
  const after: EmailRecord = {
    ...email,
    status: 'canceled',
    updatedAt: now.toISOString(),
    ...(failureReason ? { failureReason } : {}),
  };
  return conditional(
    store.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: emailKey(email),
              UpdateExpression: `SET #status = :canceled, updatedAt = :now${failureReason ? ', failureReason = :reason' : ''}`,
              ConditionExpression: '#status = :scheduled AND scheduledAt = :at',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':canceled': 'canceled',
                ':now': now.toISOString(),
                ':scheduled': 'scheduled',
                ':at': email.scheduledAt,
                ...(failureReason ? { ':reason': failureReason } : {}),
              },
            },
          },
          ...retired(table, email),
          {
            Put: {
              TableName: table,
              Item: eventItem(email.projectId, 'email.canceled', emailJson(after), now),
            },
          },
        ],
      }),
    ),
  );
}

/** `scheduled` → `sending` for one claimant, before SES is called; false when another got there first. */
export async function claimScheduledEmail(
  store: ScheduledStore,
  email: EmailRecord & { scheduledAt: string },
  claimant: string,
  now: Date,
): Promise<boolean> {
  return conditional(
    store.documents.send(
      new UpdateCommand({
        TableName: store.dataTable,
        Key: emailKey(email),
        UpdateExpression: 'SET #status = :sending, claimedBy = :me, claimedAt = :now, updatedAt = :now',
        ConditionExpression: '#status = :scheduled AND scheduledAt = :at',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':me': claimant,
          ':now': now.toISOString(),
          ':scheduled': 'scheduled',
          ':at': email.scheduledAt,
        },
      }),
    ),
  );
}

/** SES accepted it: `sent`, its message id indexed (for SES's events), its entry and content gone. */
export async function markScheduledSent(
  store: ScheduledStore,
  email: EmailRecord & { scheduledAt: string },
  claimant: string,
  sesMessageId: string,
  now: Date,
): Promise<void> {
  const table = store.dataTable;
  await store.documents.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: table,
            Key: emailKey(email),
            UpdateExpression: 'SET #status = :sent, sesMessageId = :messageId, updatedAt = :now',
            ConditionExpression: '#status = :sending AND claimedBy = :me',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sent': 'sent',
              ':messageId': sesMessageId,
              ':now': now.toISOString(),
              ':sending': 'sending',
              ':me': claimant,
            },
          },
        },
        { Put: sesMessageIndexPut(table, sesMessageId, email) },
        ...retired(table, email),
      ],
    }),
  );
}

/**
 * `sending` → `failed` with its reason, for the claim made at `claimedAt` only (a takeover after the
 * lock names the claim it read, so it never fails a newer one); entry and content gone.
 */
export async function failClaimedEmail(
  store: ScheduledStore,
  email: EmailRecord & { scheduledAt: string },
  claimedAt: string,
  failureReason: string,
  now: Date,
): Promise<boolean> {
  const table = store.dataTable;
  return conditional(
    store.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: emailKey(email),
              UpdateExpression: 'SET #status = :failed, failureReason = :reason, updatedAt = :now',
              ConditionExpression: '#status = :sending AND claimedAt = :claimedAt',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':failed': 'failed',
                ':reason': failureReason,
                ':now': now.toISOString(),
                ':sending': 'sending',
                ':claimedAt': claimedAt,
              },
            },
          },
          ...retired(table, email),
        ],
      }),
    ),
  );
}

/** Throttled: SES sent nothing, so the claim is given back and the next run tries again. */
export async function unclaimScheduledEmail(
  store: ScheduledStore,
  email: Pick<EmailRecord, 'projectId' | 'id'>,
  claimant: string,
): Promise<void> {
  await store.documents.send(
    new UpdateCommand({
      TableName: store.dataTable,
      Key: emailKey(email),
      UpdateExpression: 'SET #status = :scheduled REMOVE claimedBy, claimedAt',
      ConditionExpression: '#status = :sending AND claimedBy = :me',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':scheduled': 'scheduled', ':sending': 'sending', ':me': claimant },
    }),
  );
}

export interface StoredContent {
  readonly content: ScheduledContent;
  readonly charge: QuotaCharge | undefined;
}

export async function readScheduledContent(
  store: ScheduledStore,
  email: Pick<EmailRecord, 'projectId' | 'id'>,
): Promise<StoredContent | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: contentKey(email), ConsistentRead: true }),
  );
  const content = Item ? unpackContent(Item.content) : undefined;
  if (!Item || !content) return undefined;
  const charge =
    typeof Item.teamId === 'string' && typeof Item.month === 'string'
      ? { teamId: Item.teamId, month: Item.month }
      : undefined;
  return { content, charge };
}

export interface DueEntry {
  readonly key: { readonly pk: string; readonly sk: string };
  readonly projectId: string;
  readonly emailId: string;
  /** The time the entry was written for (its sort key's first part). */
  readonly at: string;
}

export interface DuePage {
  readonly entries: DueEntry[];
  /** True when the minute holds more due entries than this page. */
  readonly more: boolean;
}

/** The entries of one minute due by `now`, oldest first, at most `limit`. */
export async function dueEntries(
  store: ScheduledStore,
  minute: string,
  now: Date,
  limit: number,
): Promise<DuePage> {
  const pk = duePartition(minute);
  const { Items, LastEvaluatedKey } = await store.documents.send(
    new QueryCommand({
      TableName: store.dataTable,
      KeyConditionExpression: 'pk = :pk AND sk <= :now',
      ExpressionAttributeValues: { ':pk': pk, ':now': `${now.toISOString()}#~` },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  const entries = (Items ?? []).flatMap((item) =>
    typeof item.sk === 'string' && typeof item.projectId === 'string' && typeof item.emailId === 'string'
      ? [
          {
            key: { pk, sk: item.sk },
            projectId: item.projectId,
            emailId: item.emailId,
            at: item.sk.split('#')[0] ?? '',
          },
        ]
      : [],
  );
  return { entries, more: LastEvaluatedKey !== undefined };
}

export async function dropDueEntry(store: ScheduledStore, key: DueEntry['key']): Promise<void> {
  await store.documents.send(new DeleteCommand({ TableName: store.dataTable, Key: key }));
}

export async function readCursor(store: ScheduledStore): Promise<string | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: CURSOR_KEY, ConsistentRead: true }),
  );
  return typeof Item?.minute === 'string' ? Item.minute : undefined;
}

/** Forward only: two sweeps racing never move it back. */
export async function advanceCursor(store: ScheduledStore, minute: string): Promise<void> {
  await conditional(
    store.documents.send(
      new PutCommand({
        TableName: store.dataTable,
        Item: { ...CURSOR_KEY, minute },
        ConditionExpression: 'attribute_not_exists(pk) OR #minute < :minute',
        ExpressionAttributeNames: { '#minute': 'minute' },
        ExpressionAttributeValues: { ':minute': minute },
      }),
    ),
  );
}

/** True when the write happened, false when its condition failed; anything else throws. */
async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}
