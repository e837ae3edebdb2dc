/**
 * A broadcast's recipients: one item per contact under the broadcast's own shard partitions
 * (`PROJECT#<projectId>#BROADCAST#<id>#<nn>`, lambdas/shared/broadcast-recipients.ts: still under
 * the project's prefix, so tenancy and the LeadingKeys grants hold, while its writes stay off the
 * project's own partition and spread over 16 keys), sort key `RECIPIENT#<contactId>`.
 *
 * Exactly once: a recipient is written `queued` once (conditional put), claimed `sending` by exactly
 * one sender (conditional on `queued`) before its SES call, and settled once, conditional on the
 * claim, in the same transaction as the broadcast's counters, so every recipient ends with one record
 * and the counts are the records'. A claim whose sender died is settled `failed` /
 * `unknown_outcome` once its lease has passed, never sent again.
 */
import {
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isTransactionConflict } from '../aws/conflicts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { emailKey, sesMessageIndexPut } from '../sending/email-store.js';
import { type BroadcastStore, broadcastKey, COUNTER_ATTRIBUTES } from './broadcast-store.js';
import {
  type BroadcastRef,
  RECIPIENT_PREFIX,
  recipientItems,
  recipientPartition,
  type RecipientsPage,
} from '../shared/broadcast-recipients.js';
import { type BroadcastCounts, counterOf, type StoredRecipientStatus } from './state.js';

const recipientKey = (ref: BroadcastRef, contactId: string) => ({
  pk: recipientPartition(ref, contactId),
  sk: `${RECIPIENT_PREFIX}${contactId}`,
});

export interface RecipientRecord {
  readonly contactId: string;
  readonly email: string;
  readonly status: StoredRecipientStatus;
  readonly emailId?: string | undefined;
  readonly claimId?: string | undefined;
  readonly claimedAt?: string | undefined;
  readonly failureReason?: string | undefined;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type CounterChange = Partial<Record<keyof BroadcastCounts | 'pending', number>>;

/** An ADD of the broadcast's counters, as one transaction item. */
function countersUpdate(store: BroadcastStore, ref: BroadcastRef, change: CounterChange): TransactItem {
  const entries = Object.entries(change).filter(([, value]) => value !== 0);
  return {
    Update: {
      TableName: store.dataTable,
      Key: broadcastKey(ref.projectId, ref.broadcastId),
      UpdateExpression: `ADD ${entries.map(([name]) => `#${name} :${name}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(
        entries.map(([name]) => [`#${name}`, COUNTER_ATTRIBUTES[name as keyof CounterChange]]),
      ),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])),
    },
  };
}

export interface NewRecipient {
  readonly contactId: string;
  readonly email: string;
  readonly status: 'queued' | 'suppressed' | 'unsubscribed';
}

/** Recipients per transaction: one put each and one counter update, within DynamoDB's 100 items. */
const RECIPIENTS_PER_TRANSACTION = 40;

/**
 * Writes recipients not written before, with their counts. A page read again (a resolve message
 * delivered twice) finds its recipients there: those are left as they are and not counted again.
 */
export async function addRecipients(
  store: BroadcastStore,
  ref: BroadcastRef,
  recipients: readonly NewRecipient[],
  now: Date,
): Promise<void> {
  for (let start = 0; start < recipients.length; start += RECIPIENTS_PER_TRANSACTION) {
    const chunk = recipients.slice(start, start + RECIPIENTS_PER_TRANSACTION);
    const codes = await runTransaction(store, [
      ...chunk.map((recipient) => recipientPut(store, ref, recipient, now)),
      countersUpdate(store, ref, countsOfNew(chunk)),
    ]);
    if (codes === undefined) continue;
    // Some were written before: one by one, each with its own count.
    for (const recipient of chunk) {
      await runTransaction(store, [
        recipientPut(store, ref, recipient, now),
        countersUpdate(store, ref, countsOfNew([recipient])),
      ]);
    }
  }
}

function recipientPut(
  store: BroadcastStore,
  ref: BroadcastRef,
  recipient: NewRecipient,
  now: Date,
): TransactItem {
  return {
    Put: {
      TableName: store.dataTable,
      Item: { ...recipientKey(ref, recipient.contactId), ...recipient, updatedAt: now.toISOString() },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function countsOfNew(recipients: readonly NewRecipient[]): CounterChange {
  const count = (status: NewRecipient['status']) =>
    recipients.filter((recipient) => recipient.status === status).length;
  return {
    recipients: recipients.length,
    pending: count('queued'),
    suppressed: count('suppressed'),
    unsubscribed: count('unsubscribed'),
  };
}

export type ClaimResult =
  | { readonly claimed: true; readonly emailId: string }
  | { readonly claimed: false; readonly current: RecipientRecord | undefined };

/**
 * Claims a queued recipient for one send. `emailId` is kept from an earlier claim that was released
 * (a throttled send), so a recipient has one email record however often it is tried.
 */
export async function claimRecipient(
  store: BroadcastStore,
  ref: BroadcastRef,
  contactId: string,
  claim: { readonly claimId: string; readonly emailId: string; readonly at: Date },
): Promise<ClaimResult> {
  try {
    const { Attributes } = await store.documents.send(
      new UpdateCommand({
        TableName: store.dataTable,
        Key: recipientKey(ref, contactId),
        UpdateExpression:
          'SET #status = :sending, claimId = :claim, claimedAt = :at, emailId = if_not_exists(emailId, :email), updatedAt = :at',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':queued': 'queued',
          ':claim': claim.claimId,
          ':at': claim.at.toISOString(),
          ':email': claim.emailId,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { claimed: true, emailId: String(Attributes?.emailId ?? claim.emailId) };
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    return { claimed: false, current: await findRecipient(store, ref, contactId) };
  }
}

export async function findRecipient(
  store: BroadcastStore,
  ref: BroadcastRef,
  contactId: string,
): Promise<RecipientRecord | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: recipientKey(ref, contactId), ConsistentRead: true }),
  );
  return Item ? recipientFromItem(Item) : undefined;
}

/** Gives a claim back (SES throttled the send, or answered 5xx: nothing was sent): queued again. */
export async function releaseClaim(
  store: BroadcastStore,
  ref: BroadcastRef,
  contactId: string,
  claimId: string,
  now: Date,
): Promise<void> {
  try {
    await store.documents.send(
      new UpdateCommand({
        TableName: store.dataTable,
        Key: recipientKey(ref, contactId),
        UpdateExpression: 'SET #status = :queued, updatedAt = :at REMOVE claimId, claimedAt',
        ConditionExpression: '#status = :sending AND claimId = :claim',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':queued': 'queued',
          ':sending': 'sending',
          ':claim': claimId,
          ':at': now.toISOString(),
        },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
  }
}

/** A recipient's final record, written only over the state it was decided from. */
export interface Settlement {
  readonly contactId: string;
  readonly status: Exclude<StoredRecipientStatus, 'queued' | 'sending'>;
  /** The claim it was decided under; absent: decided over `queued` (a cancel, an unsubscribe). */
  readonly claimId?: string | undefined;
  readonly failureReason?: string | undefined;
  /** The email record it changes too (sent: its SES message id). */
  readonly email?: { readonly id: string; readonly sesMessageId?: string | undefined } | undefined;
}

/**
 * Settles recipients with their emails and counts: one transaction for the whole batch (so the
 * broadcast's item is written once per batch, not once per email); if any condition fails (a claim
 * settled meanwhile), one transaction each, and those that fail are left as they are.
 */
export async function settleRecipients(
  store: BroadcastStore,
  ref: BroadcastRef,
  settlements: readonly Settlement[],
  now: Date,
): Promise<number> {
  if (settlements.length === 0) return 0;
  const all = await runTransaction(store, [
    ...settlements.flatMap((s) => settlementItems(store, ref, s, now)),
    countersUpdate(store, ref, countsOfSettled(settlements)),
  ]);
  if (all === undefined) return settlements.length;
  let settled = 0;
  for (const settlement of settlements) {
    const one = await runTransaction(store, [
      ...settlementItems(store, ref, settlement, now),
      countersUpdate(store, ref, countsOfSettled([settlement])),
    ]);
    if (one === undefined) settled++;
  }
  return settled;
}

function countsOfSettled(settlements: readonly Settlement[]): CounterChange {
  const change: Record<string, number> = { pending: -settlements.length };
  for (const { status } of settlements) {
    const counter = counterOf(status);
    if (counter) change[counter] = (change[counter] ?? 0) + 1;
  }
  return change;
}

function settlementItems(
  store: BroadcastStore,
  ref: BroadcastRef,
  settlement: Settlement,
  now: Date,
): TransactItem[] {
  const at = now.toISOString();
  const values: Record<string, unknown> = { ':status': settlement.status, ':at': at };
  const sets = ['#status = :status', 'updatedAt = :at'];
  if (settlement.failureReason) {
    sets.push('failureReason = :reason');
    values[':reason'] = settlement.failureReason;
  }
  let condition: string;
  if (settlement.claimId !== undefined) {
    condition = '#status = :sending AND claimId = :claim';
    values[':sending'] = 'sending';
    values[':claim'] = settlement.claimId;
  } else {
    condition = '#status = :queued';
    values[':queued'] = 'queued';
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: store.dataTable,
        Key: recipientKey(ref, settlement.contactId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
    },
  ];
  const email = settlement.email;
  if (email) {
    const emailValues: Record<string, unknown> = {
      ':status': settlement.status === 'sent' ? 'sent' : 'failed',
      ':at': at,
    };
    const emailSets = ['#status = :status', 'updatedAt = :at'];
    if (email.sesMessageId) {
      emailSets.push('sesMessageId = :messageId');
      emailValues[':messageId'] = email.sesMessageId;
    }
    if (settlement.failureReason) {
      emailSets.push('failureReason = :reason');
      emailValues[':reason'] = settlement.failureReason;
    }
    items.push({
      Update: {
        TableName: store.dataTable,
        Key: emailKey(ref.projectId, email.id),
        UpdateExpression: `SET ${emailSets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: emailValues,
      },
    });
    if (email.sesMessageId) {
      // As a single send does: SES's events name only the message id (lambdas/provider-events).
      items.push({
        Put: sesMessageIndexPut(store.dataTable, email.sesMessageId, {
          projectId: ref.projectId,
          id: email.id,
        }),
      });
    }
  }
  return items;
}

/** Answers undefined when written, or the cancellation codes when a condition refused it. */
async function runTransaction(
  store: BroadcastStore,
  items: readonly TransactItem[],
): Promise<readonly string[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(new TransactWriteCommand({ TransactItems: [...items] }));
      return undefined;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (codes.includes('ConditionalCheckFailed')) return codes;
      if (!isTransactionConflict(codes) || attempt >= 5) throw error;
    }
  }
}

export async function listRecipients(
  store: BroadcastStore,
  ref: BroadcastRef,
  page: RecipientsPage,
): Promise<{ recipients: RecipientRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await recipientItems(store, ref, page);
  return { recipients: items.map(recipientFromItem), nextAfter };
}

export function recipientFromItem(item: Record<string, unknown>): RecipientRecord {
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    contactId: String(item.contactId),
    email: String(item.email),
    status: item.status as StoredRecipientStatus,
    emailId: str(item.emailId),
    claimId: str(item.claimId),
    claimedAt: str(item.claimedAt),
    failureReason: str(item.failureReason),
  };
}
