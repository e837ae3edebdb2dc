/**
 * Email records in the Data table (`EMAIL#<id>`). An email sent at once lives in one of its project's
 * email shards, `PROJECT#<p>#EMAILS#<nn>`, the shard a hash of its id (lambdas/aws/shards.ts), with
 * its SES events beside it (./email-events-store.ts): a busy project's sends spread over 16 partition
 * keys instead of piling onto the tail of one. Scheduled emails (./scheduled-store.ts) and emails
 * stored before the shards stay under `PROJECT#<p>`: a read by id tries the shard, then that
 * partition, and the list merges all of them (docs/decisions/0036-write-sharded-hot-items.md).
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { shardedPartition, shardPartitions } from '../aws/shards.js';
import { queryShardedPage } from '../aws/sharded-query.js';
import type { EmailStatus } from '../message-status/email-status.js';
import { ApiError } from '../api/errors.js';
import { isIdOf } from '../shared/ids.js';
import type { ProjectPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';
import type { EmailEventType } from '../message-status/ses-event.js';
import type { EmailJson } from './contracts.js';
import type { EmailEnvelope } from './envelope.js';

export const EMAIL_ID_PREFIX = 'em';
export type { EmailStatus };

export interface EmailRecord extends EmailEnvelope {
  readonly id: string;
  readonly projectId: string;
  readonly keyId: string;
  readonly status: EmailStatus;
  readonly sesMessageId?: string;
  readonly failureReason?: string;
  /** When a scheduled email is due (ISO 8601 UTC); absent for an email sent at once. */
  readonly scheduledAt?: string;
  /** The sweeper that claimed a scheduled email, and when (lambdas/sending/scheduled-state.ts). */
  readonly claimedBy?: string;
  readonly claimedAt?: string;
  /** The headers it was sent with beyond its envelope (a broadcast's List-Unsubscribe…). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Set on a broadcast's emails: the broadcast and the contact it went to. */
  readonly broadcastId?: string;
  readonly contactId?: string;
  /** The latest SES event's project event type (`email.delivered`…), kept by lambdas/provider-events. */
  readonly lastEventType?: EmailEventType;
  /** Recipients dropped because the project suppresses them (absent on records older than suppressions). */
  readonly suppressed?: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface EmailStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export const emailSortKey = (id: string): string => `EMAIL#${id}`;
const EMAIL_PREFIX = 'EMAIL#';

const emailsPartition = (projectId: string) => `${projectPartition(projectId)}#EMAILS`;

/** The partition of an email sent at once, and of its SES events: its shard. */
export const emailPartition = (projectId: string, emailId: string): string =>
  shardedPartition(emailsPartition(projectId), emailId);

export type ItemKey = { readonly pk: string; readonly sk: string };

/** Where an email sent at once is stored. */
export const emailKey = (projectId: string, emailId: string): ItemKey => ({
  pk: emailPartition(projectId, emailId),
  sk: emailSortKey(emailId),
});

/** Where a scheduled email, or one stored before the shards, is stored: the project's own partition. */
export const unshardedEmailKey = (projectId: string, emailId: string): ItemKey => ({
  pk: projectPartition(projectId),
  sk: emailSortKey(emailId),
});

/** Every partition a project's email records may be in: its shards, then its own partition. */
export const emailPartitions = (projectId: string): string[] => [
  ...shardPartitions(emailsPartition(projectId)),
  projectPartition(projectId),
];

/** Stores a new email record, with the project events that report it in the same transaction. */
export async function putEmail(
  store: EmailStore,
  email: EmailRecord,
  events: readonly Record<string, unknown>[] = [],
): Promise<void> {
  const put = {
    TableName: store.dataTable,
    Item: { ...emailKey(email.projectId, email.id), ...email },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
  if (events.length === 0) {
    await store.documents.send(new PutCommand(put));
    return;
  }
  await store.documents.send(
    new TransactWriteCommand({
      TransactItems: [{ Put: put }, ...events.map((Item) => ({ Put: { TableName: store.dataTable, Item } }))],
    }),
  );
}

export async function markEmail(
  store: EmailStore,
  email: Pick<EmailRecord, 'projectId' | 'id'>,
  change: { status: EmailStatus; sesMessageId?: string; failureReason?: string; at: string },
): Promise<void> {
  // The SES message id is indexed first, so SES's events (which name only the message id) find their
  // email with one GetItem, never a scan. Two plain writes rather than one transaction (which costs
  // twice the write units): an index without the status change is what a crash between them leaves,
  // and the events then move the status themselves.
  if (change.sesMessageId) {
    await store.documents.send(
      new PutCommand(sesMessageIndexPut(store.dataTable, change.sesMessageId, email)),
    );
  }
  await store.documents.send(new UpdateCommand(emailStatusUpdate(store, email, change)));
}

/** The index item of an SES message id: its email's project and id (see lambdas/provider-events). */
export const sesMessagePartition = (messageId: string): string => `SESMSG#${messageId}`;
export const SES_MESSAGE_SORT_KEY = 'SESMSG';

/** The Put of that index item: every send that SES accepts writes one (single, scheduled, broadcast). */
export function sesMessageIndexPut(
  dataTable: string,
  messageId: string,
  email: Pick<EmailRecord, 'projectId' | 'id'>,
) {
  return {
    TableName: dataTable,
    Item: {
      pk: sesMessagePartition(messageId),
      sk: SES_MESSAGE_SORT_KEY,
      projectId: email.projectId,
      emailId: email.id,
    },
  };
}

function emailStatusUpdate(
  store: EmailStore,
  email: Pick<EmailRecord, 'projectId' | 'id'>,
  change: { status: EmailStatus; sesMessageId?: string; failureReason?: string; at: string },
) {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':status': change.status, ':at': change.at };
  const sets = ['#status = :status', 'updatedAt = :at'];
  if (change.sesMessageId) {
    sets.push('sesMessageId = :messageId');
    values[':messageId'] = change.sesMessageId;
  }
  if (change.failureReason) {
    sets.push('failureReason = :reason');
    values[':reason'] = change.failureReason;
  }
  return {
    TableName: store.dataTable,
    Key: emailKey(email.projectId, email.id),
    UpdateExpression: `SET ${sets.join(', ')}`,
    // Never create a partial record: only an email that was stored can change status.
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** A missing email and another project's email are the same 404. */
export async function getEmail(store: EmailStore, projectId: string, id: string): Promise<EmailRecord> {
  const email = isIdOf(EMAIL_ID_PREFIX, id) ? await findEmail(store, projectId, id) : undefined;
  if (!email) throw new ApiError('not_found', { message: 'Email not found.' });
  return email;
}

export async function findEmail(
  store: EmailStore,
  projectId: string,
  id: string,
): Promise<EmailRecord | undefined> {
  const found = await locateEmail(store, projectId, id);
  return found ? toRecord(found.item) : undefined;
}

/** The email's item and where it is: its shard, else the project's own partition (one more read). */
export async function locateEmail(
  store: EmailStore,
  projectId: string,
  id: string,
): Promise<{ readonly key: ItemKey; readonly item: Record<string, unknown> } | undefined> {
  for (const key of [emailKey(projectId, id), unshardedEmailKey(projectId, id)]) {
    const { Item } = await store.documents.send(
      new GetCommand({ TableName: store.dataTable, Key: key, ConsistentRead: true }),
    );
    if (Item) return { key, item: Item };
  }
  return undefined;
}

export interface EmailPage {
  readonly emails: EmailRecord[];
  /** The position to continue after (a sort key), when there is a next page. */
  readonly nextAfter: string | undefined;
}

/** Newest first (ids sort by creation time), or oldest first from `after` when asked (a Resend `before`), merged across the email shards and the project's partition. */
export async function listEmails(
  store: EmailStore,
  projectId: string,
  page: ProjectPage,
): Promise<EmailPage> {
  const { items, nextAfter } = await queryShardedPage(store, {
    partitions: emailPartitions(projectId),
    prefix: EMAIL_PREFIX,
    limit: page.limit,
    after: page.after,
    oldestFirst: page.backwards === true,
  });
  return { emails: items.map(toRecord), nextAfter };
}

function toRecord(item: Record<string, unknown>): EmailRecord {
  const { pk: _pk, sk: _sk, lastEventKey: _lastEventKey, ...record } = item;
  return record as unknown as EmailRecord;
}

/** The JSON shape the API returns (the `Email` schema of contracts.ts). */
export function emailJson(email: EmailRecord): EmailJson {
  return {
    object: 'email',
    id: email.id,
    from: email.from,
    to: [...email.to],
    cc: [...email.cc],
    bcc: [...email.bcc],
    reply_to: [...email.replyTo],
    subject: email.subject,
    tags: email.tags.map(({ name, value }) => ({ name, value })),
    status: email.status,
    ses_message_id: email.sesMessageId ?? null,
    failure_reason: email.failureReason ?? null,
    scheduled_at: email.scheduledAt ?? null,
    headers: { ...email.headers },
    broadcast_id: email.broadcastId ?? null,
    last_event: email.lastEventType ?? null,
    suppressed: [...(email.suppressed ?? [])],
    created_at: email.createdAt,
    updated_at: email.updatedAt,
  };
}
