/**
 * An SMS's or WhatsApp message's provider events in the Data table
 * (`MESSAGE_EVENT#<messageId>#<occurredAt>#<fingerprint>`), and the message's status and last event
 * moved forward by them: the one event store (./record-steps.ts) configured for the two channels.
 * The same provider event again, or events out of order, change nothing that was already right.
 */
import { type MessageStatus, messageStatusesBefore } from '../message-status/message-status.js';
import { projectPartition } from '../aws/tables.js';
import {
  type MessageChannel,
  messageEventData,
  messageKey,
  PROVIDER_MESSAGE_SORT_KEY,
  providerMessagePartition,
} from './message-store.js';
import type { MessageEventFact } from '../message-status/messaging-event.js';
import {
  type EventChannel,
  type EventsStore,
  findIndexedMessage,
  eventRecorder,
} from '../message-status/record-steps.js';

export type MessageEventsStore = EventsStore;

export interface MessageRef {
  readonly channel: MessageChannel;
  readonly projectId: string;
  readonly messageId: string;
  readonly to: string;
}

/** SMS and WhatsApp: one configuration, the channel read from the message. */
const MESSAGE_CHANNELS: EventChannel<MessageRef, MessageStatus, MessageEventFact> = {
  eventsPrefix: (message) => `MESSAGE_EVENT#${message.messageId}#`,
  eventsPartition: (message) => projectPartition(message.projectId),
  messageKeys: (message) => [messageKey(message.channel, message.projectId, message.messageId)],
  eventAttributes: (event) => ({ providerMessageId: event.providerMessageId }),
  projectEventData: (message, event) => ({
    ...messageEventData(message.channel, message),
    status: event.status,
    occurred_at: event.occurredAt,
    details: event.details,
  }),
  statusesBefore: messageStatusesBefore,
};

/** The message a provider's message id belongs to: one GetItem on the index the sending code wrote. */
export async function findMessageByProviderId(
  store: MessageEventsStore,
  channel: MessageChannel,
  providerMessageId: string,
): Promise<MessageRef | undefined> {
  return findIndexedMessage(
    store,
    { pk: providerMessagePartition(channel, providerMessageId), sk: PROVIDER_MESSAGE_SORT_KEY },
    ({ projectId, messageId, to }) =>
      typeof projectId === 'string' && typeof messageId === 'string'
        ? { channel, projectId, messageId, to: typeof to === 'string' ? to : '' }
        : undefined,
  );
}

/** Records one provider event of `message`; answers whether the event was new. */
export const recordMessageEvent = eventRecorder(MESSAGE_CHANNELS);
