/**
 * SMS and WhatsApp message records in the Data table, under the sending project's partition
 * (`SMS#<sms_…>`, `WHATSAPP#<wa_…>`), and the index of the provider's message ids
 * (`MSGID#<channel>#<provider id>` / `MSGID` → project and message), written in the same transaction
 * as the `sent` mark and its `sms.sent` / `whatsapp.sent` project event: the provider's delivery
 * events name only its own message id, and this index is written only by our code.
 */
import type { Documents } from '../aws/aws-clients.js';
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { eventItem } from '../shared/outbox.js';
import type { MessageStatus } from '../message-status/message-status.js';
import { projectPartition } from '../aws/tables.js';

export type MessageChannel = 'sms' | 'whatsapp';

export const CHANNELS = {
  sms: { idPrefix: 'sms', sortPrefix: 'SMS#', sentEvent: 'sms.sent' },
  whatsapp: { idPrefix: 'wa', sortPrefix: 'WHATSAPP#', sentEvent: 'whatsapp.sent' },
} as const satisfies Record<MessageChannel, { idPrefix: string; sortPrefix: string; sentEvent: string }>;

/** What is kept of a message: its envelope and status, never its body or template parameters. */
export interface MessageRecord {
  readonly id: string;
  readonly channel: MessageChannel;
  readonly projectId: string;
  readonly keyId: string;
  readonly to: string;
  readonly status: MessageStatus;
  /** SMS: the origination identity used, the message type, its encoding and segment count. */
  readonly from?: string;
  readonly messageType?: 'transactional' | 'promotional';
  readonly encoding?: string;
  readonly segments?: number;
  /** WhatsApp: a text or a template message, and the template's name. */
  readonly kind?: 'text' | 'template';
  readonly templateName?: string;
  readonly providerMessageId?: string;
  readonly failureReason?: string;
  readonly lastEventType?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface MessageStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export const messageKey = (channel: MessageChannel, projectId: string, id: string) => ({
  pk: projectPartition(projectId),
  sk: `${CHANNELS[channel].sortPrefix}${id}`,
});

export const providerMessagePartition = (channel: MessageChannel, providerMessageId: string): string =>
  `MSGID#${channel}#${providerMessageId}`;
export const PROVIDER_MESSAGE_SORT_KEY = 'MSGID';

export async function putMessage(store: MessageStore, record: MessageRecord): Promise<void> {
  try {
    await store.documents.send(
      new PutCommand({
        TableName: store.dataTable,
        Item: { ...messageKey(record.channel, record.projectId, record.id), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    // Ids carry 83 random bits, so the item can only exist because the SDK's retry of a put that
    // timed out found this very put done: the record is there, as wanted.
    if (!isConditionalCheckFailure(error)) throw error;
  }
}

/**
 * The provider accepted the message: `sent`, its provider id, the index item and the project's
 * `<channel>.sent` event, in one transaction (the event exists exactly when the mark does). The
 * status moves only from `queued`: a delivery event cannot have come first, since it finds the
 * message only through the index written here.
 */
export async function markMessageSent(
  store: MessageStore,
  record: MessageRecord,
  providerMessageId: string,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await store.documents.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: store.dataTable,
            Key: messageKey(record.channel, record.projectId, record.id),
            UpdateExpression: 'SET #status = :sent, providerMessageId = :providerId, updatedAt = :at',
            ConditionExpression: '#status = :queued',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sent': 'sent',
              ':queued': 'queued',
              ':providerId': providerMessageId,
              ':at': at,
            },
          },
        },
        {
          Put: {
            TableName: store.dataTable,
            Item: {
              pk: providerMessagePartition(record.channel, providerMessageId),
              sk: PROVIDER_MESSAGE_SORT_KEY,
              projectId: record.projectId,
              messageId: record.id,
              to: record.to,
            },
          },
        },
        {
          Put: {
            TableName: store.dataTable,
            Item: eventItem(record.projectId, CHANNELS[record.channel].sentEvent, sentEventData(record), now),
          },
        },
      ],
    }),
  );
}

/** The provider refused the message: the request answers the error, so no event is written. */
export async function markMessageFailed(
  store: MessageStore,
  record: MessageRecord,
  failureReason: string,
  now: Date,
): Promise<void> {
  await store.documents.send(
    new UpdateCommand({
      TableName: store.dataTable,
      Key: messageKey(record.channel, record.projectId, record.id),
      UpdateExpression: 'SET #status = :failed, failureReason = :reason, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': 'failed', ':reason': failureReason, ':at': now.toISOString() },
    }),
  );
}

/** The `data` of a message's project events: which message, to whom. */
export function messageEventData(
  channel: MessageChannel,
  ref: { messageId: string; to: string },
): Record<string, unknown> {
  return { [`${channel}_id`]: ref.messageId, to: ref.to };
}

function sentEventData(record: MessageRecord): Record<string, unknown> {
  return messageEventData(record.channel, { messageId: record.id, to: record.to });
}
