/**
 * The one event store of a sent message, whatever its channel: email (SES events), SMS and WhatsApp
 * (End User Messaging events). Each channel configures it (`EventChannel`: where its events and its
 * message record live, what its project event says) in ./email-events-store.ts and
 * ./message-events-store.ts.
 *
 * Each provider event is recorded once, in the message's project partition
 * (`<events prefix><occurredAt>#<fingerprint>`: oldest first), together with its project event in
 * one conditional transaction (so the project event exists exactly once per provider event); then
 * the message's status and last event are moved forward only. Those two run on duplicates too, so a
 * retry after a crash between the steps completes them. The same provider event again, or events out
 * of order, change nothing that was already right.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes } from '../aws/conflicts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { eventItem } from '../shared/outbox.js';
import { projectPartition } from '../aws/tables.js';

export interface EventsStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

type ItemKey = { readonly pk: string; readonly sk: string };

/** What every channel's provider event says (a channel's fact adds the provider's message id). */
export interface ProviderEvent<Status extends string> {
  readonly type: string;
  /** The message status the event moves to; an event without one (an open) moves none. */
  readonly status: Status | undefined;
  /** ISO 8601: when the provider says it happened. */
  readonly occurredAt: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** The same for every copy of one provider event: what makes recording it idempotent. */
  readonly fingerprint: string;
}

/** A channel's configuration of the store. */
export interface EventChannel<Ref extends { readonly projectId: string }, Status extends string, Fact> {
  /** The sort-key prefix of one message's events (`EMAIL_EVENT#<email id>#`). */
  readonly eventsPrefix: (ref: Ref) => string;
  /** The message's own record, whose status and last event the events move. */
  readonly messageKey: (ref: Ref) => ItemKey;
  /** What the event's item keeps besides the event itself: the provider's message id. */
  readonly eventAttributes: (event: Fact) => Readonly<Record<string, unknown>>;
  /** The data of the project event (what webhooks deliver). */
  readonly projectEventData: (ref: Ref, event: Fact) => Readonly<Record<string, unknown>>;
  /** The statuses a message may move from to `next`: forward only. */
  readonly statusesBefore: (next: Status) => readonly Status[];
}

/** The message a provider's message id belongs to: one GetItem on the index the sending code wrote. */
export async function findIndexedMessage<Ref>(
  store: EventsStore,
  index: ItemKey,
  refOf: (item: Readonly<Record<string, unknown>>) => Ref | undefined,
): Promise<Ref | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: index, ConsistentRead: true }),
  );
  return Item ? refOf(Item) : undefined;
}

/**
 * The store's recording of one channel's events: records one provider event of a message (see
 * above) and answers whether the event was new.
 */
export function eventRecorder<
  Ref extends { readonly projectId: string },
  Status extends string,
  Fact extends ProviderEvent<Status>,
>(
  channel: EventChannel<Ref, Status, Fact>,
): (store: EventsStore, ref: Ref, event: Fact, now: Date) => Promise<{ recorded: boolean }> {
  return (store, ref, event, now) => recordProviderEvent(store, channel, ref, event, now);
}

async function recordProviderEvent<
  Ref extends { readonly projectId: string },
  Status extends string,
  Fact extends ProviderEvent<Status>,
>(
  store: EventsStore,
  channel: EventChannel<Ref, Status, Fact>,
  ref: Ref,
  event: Fact,
  now: Date,
): Promise<{ recorded: boolean }> {
  const position = `${event.occurredAt}#${event.fingerprint}`;
  let recorded = true;
  try {
    await store.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: store.dataTable,
              Item: {
                pk: projectPartition(ref.projectId),
                sk: `${channel.eventsPrefix(ref)}${position}`,
                type: event.type,
                occurredAt: event.occurredAt,
                details: event.details,
                ...channel.eventAttributes(event),
                createdAt: now.toISOString(),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: store.dataTable,
              Item: eventItem(ref.projectId, event.type, channel.projectEventData(ref, event), now),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (!isRecordedBefore(error)) throw error;
    recorded = false;
  }
  const key = channel.messageKey(ref);
  if (event.status) await moveStatus(store, key, event.status, channel.statusesBefore(event.status), now);
  await ignoringRefusal(
    store.documents,
    new UpdateCommand({
      TableName: store.dataTable,
      Key: key,
      UpdateExpression: 'SET lastEventType = :type, lastEventKey = :position',
      // The latest by when it happened (ties broken by fingerprint), whatever order they arrive in.
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(lastEventKey) OR lastEventKey < :position)',
      ExpressionAttributeValues: { ':type': event.type, ':position': position },
    }),
  );
  return { recorded };
}

/** Moves the message's status to `status` if it is still at one of `before`. */
async function moveStatus(
  store: EventsStore,
  key: ItemKey,
  status: string,
  before: readonly string[],
  now: Date,
): Promise<void> {
  const values = Object.fromEntries(before.map((earlier, i) => [`:before${i}`, earlier]));
  await ignoringRefusal(
    store.documents,
    new UpdateCommand({
      TableName: store.dataTable,
      Key: key,
      UpdateExpression: 'SET #status = :status, updatedAt = :now',
      ConditionExpression: `attribute_exists(pk) AND #status IN (${Object.keys(values).join(', ')})`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ':now': now.toISOString(), ...values },
    }),
  );
}

/** The transaction was cancelled because its first item (the event) exists: recorded before. */
function isRecordedBefore(error: unknown): boolean {
  return cancellationCodes(error)?.[0] === 'ConditionalCheckFailed';
}

/** A refused forward-only update means the message is already further along: nothing to do. */
async function ignoringRefusal(documents: Documents, command: UpdateCommand): Promise<void> {
  try {
    await documents.send(command);
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
  }
}
