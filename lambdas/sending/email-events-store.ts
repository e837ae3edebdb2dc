/**
 * An email's SES events in the Data table, beside the email in its shard (`PROJECT#<p>#EMAILS#<nn>`,
 * ./email-store.ts; events recorded before the shards stay under `PROJECT#<p>`)
 * (`EMAIL_EVENT#<emailId>#<occurredAt>#<fingerprint>`: oldest first, one item per SES event), and
 * the email's status and last event moved forward by them: the one event store (./record-steps.ts)
 * configured for email. Recording the same SES event again, or events out of order, changes
 * nothing that was already right.
 */
import { statusesBefore } from '../message-status/email-status.js';
import { queryShardedPage } from '../aws/sharded-query.js';
import { projectPartition } from '../aws/tables.js';
import {
  emailKey,
  emailPartition,
  SES_MESSAGE_SORT_KEY,
  sesMessagePartition,
  unshardedEmailKey,
} from './email-store.js';
import {
  type EventChannel,
  type EventsStore,
  findIndexedMessage,
  eventRecorder,
} from '../message-status/record-steps.js';
import type { EmailEventFact, EmailEventType } from '../message-status/ses-event.js';

export type EmailEventsStore = EventsStore;

export interface EmailRef {
  readonly projectId: string;
  readonly emailId: string;
}

export interface StoredEmailEvent {
  readonly type: EmailEventType;
  readonly occurredAt: string;
  readonly details: Record<string, unknown>;
}

const eventsPrefix = (emailId: string) => `EMAIL_EVENT#${emailId}#`;

const EMAIL_CHANNEL: EventChannel<EmailRef, NonNullable<EmailEventFact['status']>, EmailEventFact> = {
  eventsPrefix: (email) => eventsPrefix(email.emailId),
  eventsPartition: (email) => emailPartition(email.projectId, email.emailId),
  messageKeys: (email) => [
    emailKey(email.projectId, email.emailId),
    unshardedEmailKey(email.projectId, email.emailId),
  ],
  eventAttributes: (event) => ({ sesMessageId: event.sesMessageId }),
  projectEventData: (email, event) => ({
    email_id: email.emailId,
    occurred_at: event.occurredAt,
    details: event.details,
  }),
  statusesBefore,
};

/** The email SES's message id belongs to: one GetItem on the index item the sending code wrote. */
export async function findEmailBySesMessage(
  store: EmailEventsStore,
  messageId: string,
): Promise<EmailRef | undefined> {
  return findIndexedMessage(
    store,
    { pk: sesMessagePartition(messageId), sk: SES_MESSAGE_SORT_KEY },
    ({ projectId, emailId }) =>
      typeof projectId === 'string' && typeof emailId === 'string' ? { projectId, emailId } : undefined,
  );
}

/** Records one SES event of `email`; answers whether the event was new. */
export const recordEmailEvent = eventRecorder(EMAIL_CHANNEL);

/** A page of an email's events, oldest first. The caller has checked the email is the project's. */
export async function listEmailEvents(
  store: EmailEventsStore,
  email: EmailRef,
  page: { limit: number; after?: string | undefined },
): Promise<{ events: StoredEmailEvent[]; nextAfter: string | undefined }> {
  // Its shard, and the project's partition where events recorded before the shards are.
  const { items, nextAfter } = await queryShardedPage(store, {
    partitions: [emailPartition(email.projectId, email.emailId), projectPartition(email.projectId)],
    prefix: eventsPrefix(email.emailId),
    limit: page.limit,
    after: page.after,
    oldestFirst: true,
  });
  return {
    events: items.map((item) => ({
      type: item.type as EmailEventType,
      occurredAt: String(item.occurredAt),
      details: (item.details ?? {}) as Record<string, unknown>,
    })),
    nextAfter,
  };
}
