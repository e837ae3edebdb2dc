/**
 * An email's SES events in the Data table, under its project's partition
 * (`EMAIL_EVENT#<emailId>#<occurredAt>#<fingerprint>`: oldest first, one item per SES event), and
 * the email's status and last event moved forward by them. Recording the same SES event again, or
 * events out of order, changes nothing that was already right.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { statusesBefore } from '../message-status/email-status.js';
import { eventItem } from '../shared/outbox.js';
import { queryPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';
import { SES_MESSAGE_SORT_KEY, sesMessagePartition } from './email-store.js';
import type { EmailEventFact, EmailEventType } from '../message-status/ses-event.js';
import { ignoringRefusal, isRecordedBefore } from '../message-status/record-steps.js';

export interface EmailEventsStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

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

/** The email SES's message id belongs to: one GetItem on the index item the sending code wrote. */
export async function findEmailBySesMessage(
  store: EmailEventsStore,
  messageId: string,
): Promise<EmailRef | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      Key: { pk: sesMessagePartition(messageId), sk: SES_MESSAGE_SORT_KEY },
      ConsistentRead: true,
    }),
  );
  const projectId = Item?.projectId;
  const emailId = Item?.emailId;
  return typeof projectId === 'string' && typeof emailId === 'string' ? { projectId, emailId } : undefined;
}

/**
 * Records one SES event of `email`: the event item and its project event together (so the project
 * event exists exactly once per SES event), then the status and last event, each moved forward
 * only. Those two run on duplicates too, so a retry after a crash between the steps completes them.
 * Answers whether the event was new.
 */
export async function recordEmailEvent(
  store: EmailEventsStore,
  email: EmailRef,
  event: EmailEventFact,
  now: Date,
): Promise<{ recorded: boolean }> {
  const partition = projectPartition(email.projectId);
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
                pk: partition,
                sk: `${eventsPrefix(email.emailId)}${position}`,
                type: event.type,
                occurredAt: event.occurredAt,
                details: event.details,
                sesMessageId: event.sesMessageId,
                createdAt: now.toISOString(),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: store.dataTable,
              Item: eventItem(
                email.projectId,
                event.type,
                { email_id: email.emailId, occurred_at: event.occurredAt, details: event.details },
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
  const key = { pk: partition, sk: `EMAIL#${email.emailId}` };
  if (event.status) {
    const before = statusesBefore(event.status);
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
  }
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

/** A page of an email's events, oldest first. The caller has checked the email is the project's. */
export async function listEmailEvents(
  store: EmailEventsStore,
  email: EmailRef,
  page: { limit: number; after?: string | undefined },
): Promise<{ events: StoredEmailEvent[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryPage({
    documents: store.documents,
    table: store.dataTable,
    partition: projectPartition(email.projectId),
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
