/**
 * SMS and WhatsApp over HTTP through the local gateway, the same SDK clients pointed at the local
 * stand-in (local/messaging.ts), and their delivery events through the deployed events code and the
 * local webhook pipeline to a receiver on 127.0.0.1.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredSms, StoredWhatsapp } from '../../../../local/messaging.js';
import { LOCAL } from '../../../../local/config.js';
import { type LocalQueue, type WebhookPipeline } from '../../../../local/webhook-pipeline.js';
import { call } from '../../../support/http-client.js';
import { startTestPipeline } from '../../../support/webhook-pipeline.js';
import { startTestStack, type TestStack } from '../../../support/local-stack.js';
import { type Receiver, startReceiver } from '../../../support/webhook-receiver.js';

let stack: TestStack;
let queue: LocalQueue;
let pipeline: WebhookPipeline;
let sendingOnlyKey: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  const started = new Date(Date.now() - 1000);
  stack = await startTestStack();
  ({ queue, pipeline } = await startTestPipeline(stack, { since: started }));
  sendingOnlyKey = (await stack.putKey({ permission: 'sending_only' })).key.key;
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await queue?.stop();
  await stack?.close();
});

const send = (path: '/v1/sms' | '/v1/whatsapp', body: unknown, key = sendingOnlyKey, headers = {}) =>
  call(stack.url, { method: 'POST', path, key, body, headers });

async function store(): Promise<{ sms: StoredSms[]; whatsapp: StoredWhatsapp[] }> {
  const response = await fetch(`${stack.messaging.endpoint}/store`);
  return (await response.json()) as { sms: StoredSms[]; whatsapp: StoredWhatsapp[] };
}

/** A phone number no other test uses: the stand-in's store is shared by this file's tests. */
let counter = 100;
const uniqueNumber = () => `+1415555${String(counter++).padStart(4, '0')}`;
const FAILING_SMS_NUMBER = '+14155550000';
const FAILING_WHATSAPP_NUMBER = '+14155560000';

/** A project of its own with a webhook subscribed to `events`, delivering to a fresh receiver. */
async function projectWithWebhook(events: string[]) {
  const project = await stack.freshProject();
  const receiver = await startReceiver();
  receivers.push(receiver);
  const created = await call(stack.url, {
    method: 'POST',
    path: '/v1/webhooks',
    key: project.key,
    body: { url: receiver.url, events },
  });
  expect(created.status).toBe(201);
  return { key: project.key, receiver, secret: String(created.json.signing_secret) };
}

/**
 * The events arrive after the send answered (as deployed); drains the pipeline until the receiver
 * holds `count` deliveries, with a deadline.
 */
async function deliveries(receiver: Receiver, secret: string, count: number) {
  const deadline = Date.now() + 10_000;
  while (receiver.received.length < count && Date.now() < deadline) {
    await pipeline.drain();
    if (receiver.received.length < count) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const webhook = new Webhook(secret);
  return receiver.received.map(
    (delivery) =>
      webhook.verify(delivery.body, delivery.headers as Record<string, string>) as {
        type: string;
        data: Record<string, unknown>;
      },
  );
}

describe('POST /v1/sms', () => {
  it('sends with a sending_only key: 200 {id}, and the message shows up in the local store', async () => {
    const to = uniqueNumber();
    const response = await send('/v1/sms', { to, body: 'Your code is 123456' });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ id: expect.stringMatching(/^sms_[0-9A-Za-z]{22}$/) });
    expect((await store()).sms.filter((sms) => sms.to === to)).toEqual([
      expect.objectContaining({
        to,
        body: 'Your code is 123456',
        from: LOCAL.smsOriginationIdentity,
        message_type: 'TRANSACTIONAL',
        status: 'delivered',
      }),
    ]);
  });

  it('sends promotional messages from the named configured origination identity', async () => {
    const to = uniqueNumber();
    const response = await send('/v1/sms', {
      to,
      body: 'Sale!',
      type: 'promotional',
      from: LOCAL.smsOriginationIdentity,
    });
    expect(response.status).toBe(200);
    expect((await store()).sms.find((sms) => sms.to === to)).toMatchObject({ message_type: 'PROMOTIONAL' });
  });

  it.each([
    ['a number without +', { to: '14155550123', body: 'x' }, 'to'],
    ['a number with spaces', { to: '+1 415 555 0123', body: 'x' }, 'to'],
    ['a number too short for its country', { to: '+1415555012', body: 'x' }, 'to'],
    ['an empty body', { to: '+14155550123', body: '' }, 'body'],
    ['a body over 1600 characters', { to: '+14155550123', body: 'x'.repeat(1601) }, 'body'],
    [
      'an origination identity this deployment does not have',
      { to: '+14155550123', body: 'x', from: 'OTHER' },
      'from',
    ],
    ['an unknown type', { to: '+14155550123', body: 'x', type: 'marketing' }, 'type'],
    ['an unknown field', { to: '+14155550123', body: 'x', media: 'y' }, 'media'],
  ])('refuses %s with a 400 naming the field, and sends nothing', async (_case, body, path) => {
    const before = (await store()).sms.length;
    const response = await send('/v1/sms', body);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error_code: 'validation_error', errors: [{ path }] });
    expect((await store()).sms.length).toBe(before);
  });

  it('answers a retry with the same Idempotency-Key and body with the first id, sending once', async () => {
    const to = uniqueNumber();
    const headers = { 'Idempotency-Key': `sms-${to}` };
    const first = await send('/v1/sms', { to, body: 'once' }, sendingOnlyKey, headers);
    const retry = await send('/v1/sms', { to, body: 'once' }, sendingOnlyKey, headers);
    const other = await send('/v1/sms', { to, body: 'twice' }, sendingOnlyKey, headers);
    expect(first.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect(other.status).toBe(409);
    expect(other.json.error_code).toBe('idempotency_conflict');
    expect((await store()).sms.filter((sms) => sms.to === to)).toHaveLength(1);
  });
});

describe('POST /v1/whatsapp', () => {
  it('sends a text message with a sending_only key as Meta message JSON', async () => {
    const to = uniqueNumber();
    const response = await send('/v1/whatsapp', { to, text: { body: 'Hello' } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ id: expect.stringMatching(/^wa_[0-9A-Za-z]{22}$/) });
    expect((await store()).whatsapp.filter((message) => message.to === to)).toEqual([
      expect.objectContaining({
        to,
        type: 'text',
        text: { body: 'Hello' },
        phone_number_id: LOCAL.whatsappPhoneNumberId,
        status: 'delivered',
      }),
    ]);
  });

  it('sends a template message with its language and components', async () => {
    const to = uniqueNumber();
    const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }] }];
    const response = await send('/v1/whatsapp', {
      to,
      template: { name: 'order_update', language: 'en_US', components },
    });
    expect(response.status).toBe(200);
    expect((await store()).whatsapp.find((message) => message.to === to)).toMatchObject({
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components },
    });
  });

  it.each([
    ['neither text nor template', { to: '+14155550123' }, ''],
    [
      'both text and template',
      { to: '+14155550123', text: { body: 'x' }, template: { name: 'a', language: 'en' } },
      '',
    ],
    [
      'a template name with capitals',
      { to: '+14155550123', template: { name: 'Order', language: 'en' } },
      'template.name',
    ],
    [
      'an invalid language',
      { to: '+14155550123', template: { name: 'order', language: 'english' } },
      'template.language',
    ],
    ['an invalid number', { to: '+999', text: { body: 'x' } }, 'to'],
  ])('refuses %s with a 400', async (_case, body, path) => {
    const response = await send('/v1/whatsapp', body);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error_code: 'validation_error', errors: [{ path }] });
  });
});

describe('delivery events', () => {
  it('delivers sms.sent and sms.delivered, and sms.failed for a number ending in 0000', async () => {
    const { key, receiver, secret } = await projectWithWebhook(['sms.sent', 'sms.delivered', 'sms.failed']);
    const delivered = await send('/v1/sms', { to: uniqueNumber(), body: 'ok' }, key);
    const failed = await send('/v1/sms', { to: FAILING_SMS_NUMBER, body: 'nope' }, key);
    expect([delivered.status, failed.status]).toEqual([200, 200]);

    const events = await deliveries(receiver, secret, 4);
    const of = (id: unknown) =>
      events
        .filter((event) => event.data.sms_id === id)
        .map((event) => event.type)
        .sort();
    expect(of(delivered.json.id)).toEqual(['sms.delivered', 'sms.sent']);
    expect(of(failed.json.id)).toEqual(['sms.failed', 'sms.sent']);
    expect(events.find((event) => event.type === 'sms.failed')?.data).toMatchObject({
      to: FAILING_SMS_NUMBER,
      status: 'failed',
      details: { provider_event: 'TEXT_UNREACHABLE' },
    });
  });

  it('delivers whatsapp.sent, whatsapp.delivered and whatsapp.read, and whatsapp.failed for a number ending in 0000', async () => {
    const { key, receiver, secret } = await projectWithWebhook([
      'whatsapp.sent',
      'whatsapp.delivered',
      'whatsapp.read',
      'whatsapp.failed',
    ]);
    const read = await send('/v1/whatsapp', { to: uniqueNumber(), text: { body: 'hi' } }, key);
    const failed = await send('/v1/whatsapp', { to: FAILING_WHATSAPP_NUMBER, text: { body: 'hi' } }, key);

    const events = await deliveries(receiver, secret, 5);
    const of = (id: unknown) =>
      events
        .filter((event) => event.data.whatsapp_id === id)
        .map((event) => event.type)
        .sort();
    expect(of(read.json.id)).toEqual(['whatsapp.delivered', 'whatsapp.read', 'whatsapp.sent']);
    expect(of(failed.json.id)).toEqual(['whatsapp.failed', 'whatsapp.sent']);
    expect(events.find((event) => event.type === 'whatsapp.failed')?.data).toMatchObject({
      to: FAILING_WHATSAPP_NUMBER,
      details: { error_code: '131026' },
    });
  });
});
