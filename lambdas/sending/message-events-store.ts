/**
 * An SMS's or WhatsApp message's provider events in the Data table: each recorded once
 * (`MESSAGE_EVENT#<messageId>#<occurredAt>#<fingerprint>`) with its project event in one conditional
 * transaction, then the message's status and last event moved forward only. The same provider event
 * again, or events out of order, change nothing that was already right.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { eventItem } from '../shared/outbox.js';
import { messageStatusesBefore } from '../message-status/message-status.js';
import { projectPartition } from '../aws/tables.js';
import {
  type MessageChannel,
  messageEventData,
  messageKey,
  PROVIDER_MESSAGE_SORT_KEY,
  providerMessagePartition,
} from './message-store.js';
import type { MessageEventFact } from '../message-status/messaging-event.js';
import { ignoringRefusal, isRecordedBefore } from '../message-status/record-steps.js';

export interface MessageEventsStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export interface MessageRef {
  readonly channel: MessageChannel;
  readonly projectId: string;
  readonly messageId: string;
  readonly to: string;
}

/** The message a provider's message id belongs to: one GetItem on the index the sending code wrote. */
export async function findMessageByProviderId(
  store: MessageEventsStore,
  channel: MessageChannel,
  providerMessageId: string,
): Promise<MessageRef | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      Key: { pk: providerMessagePartition(channel, providerMessageId), sk: PROVIDER_MESSAGE_SORT_KEY },
      ConsistentRead: true,
    }),
  );
  const { projectId, messageId, to } = Item ?? {};
  return typeof projectId === 'string' && typeof messageId === 'string'
    ? { channel, projectId, messageId, to: typeof to === 'string' ? to : '' }
    : undefined;
}

export async function recordMessageEvent(
  store: MessageEventsStore,
  message: MessageRef,
  event: MessageEventFact,
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
                pk: projectPartition(message.projectId),
                sk: `MESSAGE_EVENT#${message.messageId}#${position}`,
                type: event.type,
                occurredAt: event.occurredAt,
                details: event.details,
                providerMessageId: event.providerMessageId,
                createdAt: now.toISOString(),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: store.dataTable,
              Item: eventItem(
                message.projectId,
                event.type,
                {
                  ...messageEventData(message.channel, message),
                  status: event.status,
                  occurred_at: event.occurredAt,
                  details: event.details,
                },
                now,
              ),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (!isRecordedBefore(error)) throw error;
    recorded = false;
  }
  // Run on duplicates too, so a retry after a crash between the steps completes them.
  const key = messageKey(message.channel, message.projectId, message.messageId);
  const before = messageStatusesBefore(event.status);
  const values = Object.fromEntries(before.map((status, i) => [`:before${i}`, status]));
  await ignoringRefusal(
    store.documents,
    new UpdateCommand({
      TableName: store.dataTable,
      Key: key,
      UpdateExpression: 'SET #status = :status, updatedAt = :now',
      ConditionExpression: `attribute_exists(pk) AND #status IN (${Object.keys(values).join(', ')})`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': event.status, ':now': now.toISOString(), ...values },
    }),
  );
  await ignoringRefusal(
    store.documents,
    new UpdateCommand({
      TableName: store.dataTable,
      Key: key,
      UpdateExpression: 'SET lastEventType = :type, lastEventKey = :position',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(lastEventKey) OR lastEventKey < :position)',
      ExpressionAttributeValues: { ':type': event.type, ':position': position },
    }),
  );
  return { recorded };
}
