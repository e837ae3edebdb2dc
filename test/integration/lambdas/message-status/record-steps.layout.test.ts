/**
 * The items the one event store writes for each channel, pinned: the event item, the project event
 * (what webhooks deliver) and the message record it moves. The layout is what tables hold, so it
 * changes only deliberately: since the hot items were write-sharded (decision 0036) an email and its
 * events live in the email's shard and project events in the outbox's shards; what older versions
 * wrote under the project's partition is still read there.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../lambdas/shared/ids.js';
import { projectPartition } from '../../../../lambdas/aws/tables.js';
import { recordEmailEvent } from '../../../../lambdas/sending/email-events-store.js';
import { recordMessageEvent } from '../../../../lambdas/messaging/message-events-store.js';
import {
  EMAIL_ID_PREFIX,
  emailKey,
  emailPartition,
  type EmailRecord,
  markEmail,
  putEmail,
} from '../../../../lambdas/sending/email-store.js';
import {
  markMessageSent,
  type MessageRecord,
  putMessage,
} from '../../../../lambdas/messaging/message-store.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { outboxEvents } from '../../../support/outbox.js';

let aws: TestAws;
let store: { documents: TestAws['documents']; dataTable: string };
beforeAll(async () => {
  aws = await createTestAws();
  store = { documents: aws.documents, dataTable: aws.tables.data };
});

const SENT_AT = new Date('2026-02-01T10:00:00.000Z');
const RECORDED_AT = new Date('2026-02-01T10:05:00.000Z');
const OCCURRED_AT = '2026-02-01T10:01:00.000Z';

async function itemsOf(partitions: readonly string[], prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const partition of partitions) {
    const { Items = [] } = await aws.documents.send(
      new QueryCommand({
        TableName: aws.tables.data,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
        ConsistentRead: true,
      }),
    );
    items.push(...Items);
  }
  return items;
}

async function itemAt(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  const { Item } = await aws.documents.send(
    new GetCommand({ TableName: aws.tables.data, Key: key, ConsistentRead: true }),
  );
  return Item;
}

/** The project events of a project, without the fields that are new each time. */
async function projectEventsOf(projectId: string): Promise<{ type: unknown; data: unknown }[]> {
  return (await outboxEvents(aws, projectId)).map(({ type, data }) => ({ type, data }));
}

describe('the event store item layout', () => {
  it('writes an SES event as EMAIL_EVENT#<email id>#<occurredAt>#<fingerprint>, with its project event', async () => {
    // Arrange: an email SES accepted.
    const projectId = `proj_layout_email_${Date.now()}`;
    const email: EmailRecord = {
      id: newId(EMAIL_ID_PREFIX),
      projectId,
      keyId: 'AAAAAAAAAAAA',
      from: 'a@example.com',
      to: ['x@example.org'],
      cc: [],
      bcc: [],
      replyTo: [],
      subject: 's',
      tags: [],
      status: 'queued',
      createdAt: SENT_AT.toISOString(),
      updatedAt: SENT_AT.toISOString(),
    };
    await putEmail(store, email);
    await markEmail(store, email, { status: 'sent', sesMessageId: 'ses-1', at: SENT_AT.toISOString() });
    // Act
    const result = await recordEmailEvent(
      store,
      { projectId, emailId: email.id },
      {
        sesMessageId: 'ses-1',
        type: 'email.delivered',
        status: 'delivered',
        occurredAt: OCCURRED_AT,
        details: { recipients: ['x@example.org'] },
        fingerprint: 'fp1',
      },
      RECORDED_AT,
    );
    // Assert
    expect(result).toEqual({ recorded: true });
    expect(await itemsOf([emailPartition(projectId, email.id)], 'EMAIL_EVENT#')).toEqual([
      {
        pk: emailPartition(projectId, email.id),
        sk: `EMAIL_EVENT#${email.id}#${OCCURRED_AT}#fp1`,
        type: 'email.delivered',
        occurredAt: OCCURRED_AT,
        details: { recipients: ['x@example.org'] },
        sesMessageId: 'ses-1',
        createdAt: RECORDED_AT.toISOString(),
      },
    ]);
    expect(await projectEventsOf(projectId)).toContainEqual({
      type: 'email.delivered',
      data: { email_id: email.id, occurred_at: OCCURRED_AT, details: { recipients: ['x@example.org'] } },
    });
    expect(await itemAt(emailKey(projectId, email.id))).toMatchObject({
      status: 'delivered',
      updatedAt: RECORDED_AT.toISOString(),
      lastEventType: 'email.delivered',
      lastEventKey: `${OCCURRED_AT}#fp1`,
    });
  });

  it.each(['sms', 'whatsapp'] as const)(
    'writes a %s event as MESSAGE_EVENT#<message id>#<occurredAt>#<fingerprint>, with its project event',
    async (channel) => {
      // Arrange: a message the provider accepted.
      const projectId = `proj_layout_${channel}_${Date.now()}`;
      const record: MessageRecord = {
        id: `${channel === 'sms' ? 'sms' : 'wa'}_${'0'.repeat(21)}1`,
        channel,
        projectId,
        keyId: 'KEYKEYKEYKEY',
        to: '+14155550123',
        status: 'queued',
        createdAt: SENT_AT.toISOString(),
        updatedAt: SENT_AT.toISOString(),
      };
      await putMessage(store, record);
      await markMessageSent(store, record, 'provider-1', SENT_AT);
      const type = channel === 'sms' ? 'sms.delivered' : 'whatsapp.delivered';
      // Act
      const result = await recordMessageEvent(
        store,
        { channel, projectId, messageId: record.id, to: record.to },
        {
          channel,
          providerMessageId: 'provider-1',
          type,
          status: 'delivered',
          occurredAt: OCCURRED_AT,
          details: { carrier: 'x' },
          fingerprint: 'fp2',
        },
        RECORDED_AT,
      );
      // Assert
      expect(result).toEqual({ recorded: true });
      expect(await itemsOf([projectPartition(projectId)], 'MESSAGE_EVENT#')).toEqual([
        {
          pk: projectPartition(projectId),
          sk: `MESSAGE_EVENT#${record.id}#${OCCURRED_AT}#fp2`,
          type,
          occurredAt: OCCURRED_AT,
          details: { carrier: 'x' },
          providerMessageId: 'provider-1',
          createdAt: RECORDED_AT.toISOString(),
        },
      ]);
      expect(await projectEventsOf(projectId)).toContainEqual({
        type,
        data: {
          [`${channel}_id`]: record.id,
          to: '+14155550123',
          status: 'delivered',
          occurred_at: OCCURRED_AT,
          details: { carrier: 'x' },
        },
      });
      const sortPrefix = channel === 'sms' ? 'SMS#' : 'WHATSAPP#';
      expect(
        await itemAt({ pk: projectPartition(projectId), sk: `${sortPrefix}${record.id}` }),
      ).toMatchObject({
        status: 'delivered',
        updatedAt: RECORDED_AT.toISOString(),
        lastEventType: type,
        lastEventKey: `${OCCURRED_AT}#fp2`,
      });
    },
  );
});
