/**
 * The one event store of a sent message, whatever its channel: email (SES events), SMS and WhatsApp
 * (End User Messaging events). Each channel configures it (`EventChannel`: where its events and its
 * message record live, what its project event says) in ./email-events-store.ts and
 * ./message-events-store.ts.
 *
 * Each provider event is recorded once, in the channel's events partition (an email's shard)
 * (`<events prefix><occurredAt>#<fingerprint>`: oldest first), together with its project event in
 * one conditional transaction (so the project event exists exactly once per provider event); then
 * the message's status and last event are moved forward only, decided from one read of the message
 * and written by one update conditional on what was read (./message-change.ts): one write per
 * event instead of two, and none when the event changes nothing. That step runs on duplicates too,
 * so a retry after a crash between the steps completes it. The same provider event again, or events
 * out of order, change nothing that was already right.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes } from '../aws/conflicts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { eventItem } from '../shared/outbox.js';
import { type EventMove, messageChange, type SeenMessage } from './message-change.js';

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
  /** The partition of one message's events (an email's shard). */
  readonly eventsPartition: (ref: Ref) => string;
  /** The sort-key prefix of one message's events (`EMAIL_EVENT#<email id>#`). */
  readonly eventsPrefix: (ref: Ref) => string;
  /** Where the message's own record may be, in the order to try: the events move its status and last event. */
  readonly messageKeys: (ref: Ref) => readonly ItemKey[];
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
                pk: channel.eventsPartition(ref),
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
  await moveMessage(store, channel.messageKeys(ref), {
    status: event.status,
    before: event.status ? channel.statusesBefore(event.status) : [],
    type: event.type,
    position,
    now,
  });
  return { recorded };
}

/** Tries a change decided from a read again this often when a concurrent event changed the message first. */
const MOVE_ATTEMPTS = 5;

/**
 * Moves the message's status and last event forward: reads it (where it is), decides (pure), and
 * writes only what changes, conditional on the status and last event it read still being there.
 */
async function moveMessage(
  store: EventsStore,
  keys: readonly ItemKey[],
  move: Omit<EventMove, 'now'> & { readonly now: Date },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const found = await readMessage(store, keys);
    if (!found) return;
    const change = messageChange(found.seen, move);
    if (!change) return;
    try {
      await store.documents.send(
        new UpdateCommand(changeUpdate(store.dataTable, found.key, found.seen, change, move)),
      );
      return;
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      if (attempt >= MOVE_ATTEMPTS)
        throw new Error('the message kept changing while its events were recorded', { cause: error });
    }
  }
}

async function readMessage(
  store: EventsStore,
  keys: readonly ItemKey[],
): Promise<{ key: ItemKey; seen: SeenMessage } | undefined> {
  for (const key of keys) {
    const { Item } = await store.documents.send(
      new GetCommand({
        TableName: store.dataTable,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: '#status, lastEventKey',
        ExpressionAttributeNames: { '#status': 'status' },
      }),
    );
    if (Item) {
      const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
      return { key, seen: { status: text(Item.status), lastEventKey: text(Item.lastEventKey) } };
    }
  }
  return undefined;
}

function changeUpdate(
  table: string,
  key: ItemKey,
  seen: SeenMessage,
  change: NonNullable<ReturnType<typeof messageChange>>,
  move: { readonly type: string; readonly position: string; readonly now: Date },
) {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  if (change.status !== undefined) {
    sets.push('#status = :status', 'updatedAt = :now');
    values[':status'] = change.status;
    values[':now'] = move.now.toISOString();
  }
  if (change.lastEvent) {
    sets.push('lastEventType = :type', 'lastEventKey = :position');
    values[':type'] = move.type;
    values[':position'] = move.position;
  }
  const conditions = ['attribute_exists(pk)'];
  if (seen.status === undefined) conditions.push('attribute_not_exists(#status)');
  else {
    conditions.push('#status = :seenStatus');
    values[':seenStatus'] = seen.status;
  }
  if (seen.lastEventKey === undefined) conditions.push('attribute_not_exists(lastEventKey)');
  else {
    conditions.push('lastEventKey = :seenKey');
    values[':seenKey'] = seen.lastEventKey;
  }
  return {
    TableName: table,
    Key: key,
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The transaction was cancelled because its first item (the event) exists: recorded before. */
function isRecordedBefore(error: unknown): boolean {
  return cancellationCodes(error)?.[0] === 'ConditionalCheckFailed';
}
