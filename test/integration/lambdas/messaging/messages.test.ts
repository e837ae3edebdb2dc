/**
 * The local SMS and WhatsApp stand-in against the services' SDK clients (what they send, it accepts;
 * its errors reach the senders as the services' own), and the message records and their provider
 * events against DynamoDB Local: recorded once, status forward only, whatever the order.
 */
import { SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SendWhatsAppMessageCommand } from '@aws-sdk/client-socialmessaging';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsClient, createSocialMessagingClient } from '../../../../lambdas/aws/aws-clients.js';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { processQueueMessage } from '../../../../lambdas/provider-events/process.js';
import {
  markMessageSent,
  type MessageRecord,
  messageKey,
  putMessage,
} from '../../../../lambdas/messaging/message-store.js';
import { smsSender } from '../../../../lambdas/messaging/sms-sender.js';
import { whatsappSender } from '../../../../lambdas/messaging/whatsapp-sender.js';
import { localTarget } from '../../../../local/config.js';
import { type MessagingStandIn, startMessagingStandIn } from '../../../../local/messaging.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { outboxEvents } from '../../../support/outbox.js';

let standIn: MessagingStandIn;
let aws: TestAws;
let sms: ReturnType<typeof createSmsClient>;
let social: ReturnType<typeof createSocialMessagingClient>;

beforeAll(async () => {
  standIn = await startMessagingStandIn({ host: '127.0.0.1', port: 0 });
  sms = createSmsClient(localTarget(standIn.endpoint));
  social = createSocialMessagingClient(localTarget(standIn.endpoint));
  aws = await createTestAws();
});
afterAll(async () => {
  sms?.destroy();
  social?.destroy();
  await standIn?.stop();
});

const store = async () =>
  (await (await fetch(`${standIn.endpoint}/store`)).json()) as {
    sms: Record<string, unknown>[];
    whatsapp: Record<string, unknown>[];
  };

describe("the stand-in, with the services' SDK clients", () => {
  it('accepts SendTextMessage as the client sends it (AWS JSON 1.0) and stores it', async () => {
    const result = await sms.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: '+14155550111',
        OriginationIdentity: 'SENDER',
        MessageBody: 'hello',
        MessageType: 'TRANSACTIONAL',
        ConfigurationSetName: 'cs',
      }),
    );
    expect(result.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await store()).sms).toContainEqual(
      expect.objectContaining({
        message_id: result.MessageId,
        to: '+14155550111',
        from: 'SENDER',
        body: 'hello',
        configuration_set: 'cs',
        status: 'delivered',
      }),
    );
  });

  it('accepts SendWhatsAppMessage as the client sends it (REST-JSON, the message base64) and stores it', async () => {
    const message = { messaging_product: 'whatsapp', to: '+14155550112', type: 'text', text: { body: 'hi' } };
    const result = await social.send(
      new SendWhatsAppMessageCommand({
        originationPhoneNumberId: 'pn-1',
        message: new TextEncoder().encode(JSON.stringify(message)),
        metaApiVersion: 'v20.0',
      }),
    );
    expect(result.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await store()).whatsapp).toContainEqual(
      expect.objectContaining({
        message_id: result.messageId,
        phone_number_id: 'pn-1',
        to: '+14155550112',
        text: { body: 'hi' },
      }),
    );
  });

  it('stores a number ending in 0000 as failed (its failure comes as an event, not an error)', async () => {
    await smsSender(sms)({
      to: '+14155550000',
      body: 'x',
      originationIdentity: 'S',
      messageType: 'transactional',
    });
    expect((await store()).sms.find((item) => item.to === '+14155550000')).toMatchObject({
      status: 'failed',
    });
  });

  it('answers ValidationException in each protocol, which the senders turn into 422 message_rejected', async () => {
    const smsRefusal = smsSender(sms)({
      to: '+1',
      body: 'x',
      originationIdentity: 'S',
      messageType: 'transactional',
    });
    await expect(smsRefusal).rejects.toMatchObject({ code: 'message_rejected', status: 422 });
    await expect(smsRefusal).rejects.toThrow(/E\.164/);
    const whatsappRefusal = whatsappSender(social)({ phoneNumberId: 'pn', message: { to: '+14155550123' } });
    await expect(whatsappRefusal).rejects.toBeInstanceOf(ApiError);
    await expect(whatsappRefusal).rejects.toMatchObject({ code: 'message_rejected' });
  });

  it('answers a 503 upstream_unavailable when the stand-in is gone', async () => {
    const gone = await startMessagingStandIn({ host: '127.0.0.1', port: 0 });
    await gone.stop();
    const client = createSmsClient(localTarget(gone.endpoint));
    try {
      await expect(
        smsSender(client)({
          to: '+14155550123',
          body: 'x',
          originationIdentity: 'S',
          messageType: 'transactional',
        }),
      ).rejects.toMatchObject({ code: 'upstream_unavailable' });
    } finally {
      client.destroy();
    }
  });
});

describe('message records and provider events', () => {
  const now = new Date('2026-03-04T05:06:07.000Z');
  let sequence = 0;

  async function sentMessage(
    channel: 'sms' | 'whatsapp',
  ): Promise<{ record: MessageRecord; providerId: string }> {
    sequence += 1;
    const record: MessageRecord = {
      id: `${channel === 'sms' ? 'sms' : 'wa'}_${String(sequence).padStart(22, '0')}`,
      channel,
      projectId: `proj_${sequence}`,
      keyId: 'KEYKEYKEYKEY',
      to: '+14155550123',
      status: 'queued',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const store = { documents: aws.documents, dataTable: aws.tables.data };
    await putMessage(store, record);
    const providerId = `provider-${sequence}`;
    await markMessageSent(store, record, providerId, now);
    return { record, providerId };
  }

  const deps = () => ({ documents: aws.documents, dataTable: aws.tables.data, now: () => now });
  const whatsappEvent = (providerId: string, status: string, seconds: number) =>
    JSON.stringify({
      source: 'aws.social-messaging',
      'detail-type': 'WhatsApp Message Delivered',
      detail: { messageId: providerId, status, eventTimestamp: String(seconds) },
    });
  const stored = async (record: MessageRecord) =>
    (
      await aws.documents.send(
        new GetCommand({
          TableName: aws.tables.data,
          Key: messageKey(record.channel, record.projectId, record.id),
        }),
      )
    ).Item;
  const projectEvents = async (projectId: string) =>
    (await outboxEvents(aws, projectId)).map((item) => item.type);

  it('marks a message sent with its *.sent event in the same write', async () => {
    const { record, providerId } = await sentMessage('sms');
    expect(await stored(record)).toMatchObject({ status: 'sent', providerMessageId: providerId });
    expect(await projectEvents(record.projectId)).toEqual(['sms.sent']);
  });

  it('records each provider event once, however often it comes, and moves the status forward only', async () => {
    const { record, providerId } = await sentMessage('whatsapp');
    const start = Math.floor(now.getTime() / 1000);
    // Read arrives before delivered, and each twice.
    const outcomes = [];
    for (const body of [
      whatsappEvent(providerId, 'read', start + 2),
      whatsappEvent(providerId, 'read', start + 2),
      whatsappEvent(providerId, 'delivered', start + 1),
      whatsappEvent(providerId, 'delivered', start + 1),
    ]) {
      outcomes.push(await processQueueMessage(deps(), body));
    }
    expect(outcomes).toEqual(['recorded', 'duplicate', 'recorded', 'duplicate']);
    expect(await stored(record)).toMatchObject({ status: 'read', lastEventType: 'whatsapp.read' });
    expect((await projectEvents(record.projectId)).sort()).toEqual([
      'whatsapp.delivered',
      'whatsapp.read',
      'whatsapp.sent',
    ]);
  });

  it('lets a failure outrank a delivery, in either order', async () => {
    const { record, providerId } = await sentMessage('sms');
    const sms = (eventType: string, millis: number) =>
      JSON.stringify({
        source: 'aws.sms-voice',
        'detail-type': 'Text Message Delivery Status Updated',
        detail: { eventType, messageId: providerId, eventTimestamp: millis },
      });
    await processQueueMessage(deps(), sms('TEXT_BLOCKED', now.getTime() + 1));
    await processQueueMessage(deps(), sms('TEXT_DELIVERED', now.getTime() + 2));
    expect(await stored(record)).toMatchObject({ status: 'failed' });
  });

  it('answers unknown_message for a provider id it never indexed (retried by the queue), and records nothing', async () => {
    expect(await processQueueMessage(deps(), whatsappEvent('never-sent', 'read', 1_800_000_000))).toBe(
      'unknown_message',
    );
  });

  it("drops an unknown provider id's event once it is older than the grace period: another application's message", async () => {
    const tenMinutesAgo = Math.floor(now.getTime() / 1000) - 600;
    expect(await processQueueMessage(deps(), whatsappEvent('someone-elses', 'read', tenMinutesAgo))).toBe(
      'ignored',
    );
  });

  it('never finds an SMS by a WhatsApp provider id: the index is per channel', async () => {
    const { providerId } = await sentMessage('sms');
    expect(await processQueueMessage(deps(), whatsappEvent(providerId, 'read', 1_800_000_000))).toBe(
      'unknown_message',
    );
  });
});
