/**
 * Resend's `webhooks.*`, called with Resend's own SDK against the local stack's `/resend` surface,
 * with the webhook records in the Data table and the deliveries at a receiver on 127.0.0.1 checked
 * behind them: a webhook created through Resend's API is delivered to with Svix's header names too,
 * and Resend's own `webhooks.verify` accepts the delivery.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalQueue, type WebhookPipeline } from '../../../../local/webhook-pipeline.js';
import { call } from '../../../support/http-client.js';
import { startTestPipeline } from '../../../support/webhook-pipeline.js';
import { startTestStack, TEST_DOMAIN, TEST_PROJECT, type TestStack } from '../../../support/local-stack.js';
import { resendClient } from '../../../support/resend-client.js';
import { type Receiver, startReceiver } from '../../../support/webhook-receiver.js';

let stack: TestStack;
let queue: LocalQueue;
let pipeline: WebhookPipeline;
let key: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  const started = new Date(Date.now() - 1000);
  stack = await startTestStack();
  ({ queue, pipeline } = await startTestPipeline(stack, { since: started }));
  key = (await stack.putKey({ permission: 'full_access' })).key.key;
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await queue?.stop();
  await stack?.close();
});

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2)}`;

async function storedWebhook(id: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await stack.aws.documents.send(
    new GetCommand({
      TableName: stack.aws.tables.data,
      Key: { pk: `PROJECT#${TEST_PROJECT}`, sk: `WEBHOOK#${id}` },
    }),
  );
  return Item;
}

/** Drains the delivery pipeline until the receiver holds a delivery of `type`. */
async function deliveryOf(target: Receiver, type: string) {
  return vi.waitFor(
    async () => {
      await pipeline.drain();
      const found = target.received.find((delivery) => JSON.parse(delivery.body).type === type);
      expect(found).toBeDefined();
      return found as NonNullable<typeof found>;
    },
    { timeout: 15_000, interval: 50 },
  );
}

describe('resend.webhooks', () => {
  it('creates a webhook whose delivery of an email sent with the SDK verifies with resend.webhooks.verify and svix headers', async () => {
    // Arrange
    const resend = resendClient(stack.url, key);
    const target = await receiver();
    // Act
    const created = await resend.webhooks.create({ endpoint: target.url, events: ['email.sent'] });
    const subject = `Hooked ${unique()}`;
    const sent = await resend.emails.send({
      from: `hello@${TEST_DOMAIN}`,
      to: 'to@example.org',
      subject,
      text: 'x',
    });
    const delivery = await deliveryOf(target, 'email.sent');
    // Assert
    expect(created.error).toBeNull();
    expect(created.data).toEqual({
      object: 'webhook',
      id: expect.stringMatching(/^wh_/),
      signing_secret: expect.stringMatching(/^whsec_/),
    });
    const secret = String(created.data?.signing_secret);
    expect(await storedWebhook(String(created.data?.id))).toMatchObject({
      url: target.url,
      surface: 'resend',
    });
    const { headers } = delivery;
    expect(headers['svix-id']).toBe(headers['webhook-id']);
    expect(headers['svix-timestamp']).toBe(headers['webhook-timestamp']);
    expect(headers['svix-signature']).toBe(headers['webhook-signature']);
    const payload = resend.webhooks.verify({
      payload: delivery.body,
      headers: {
        id: String(headers['svix-id']),
        timestamp: String(headers['svix-timestamp']),
        signature: String(headers['svix-signature']),
      },
      webhookSecret: secret,
    });
    expect(payload).toMatchObject({ type: 'email.sent', data: { email_id: sent.data?.id } });
    expect(() =>
      resend.webhooks.verify({
        payload: delivery.body.replace('email.sent', 'email.sen1'),
        headers: {
          id: String(headers['svix-id']),
          timestamp: String(headers['svix-timestamp']),
          signature: String(headers['svix-signature']),
        },
        webhookSecret: secret,
      }),
    ).toThrow();
  });

  it('delivers to a webhook created on /v1 without svix headers', async () => {
    const target = await receiver();
    const created = await call(stack.url, {
      method: 'POST',
      path: '/v1/webhooks',
      key,
      body: { url: target.url, events: ['webhook.test'] },
    });
    await call(stack.url, { method: 'POST', path: `/v1/webhooks/${String(created.json.id)}/test`, key });
    const delivery = await deliveryOf(target, 'webhook.test');
    expect(delivery.headers['webhook-signature']).toBeDefined();
    expect(delivery.headers['svix-signature']).toBeUndefined();
  });

  it('gets, lists after an id, updates, rotates and removes a webhook in Resend’s shapes', async () => {
    const resend = resendClient(stack.url, key);
    const first = await resend.webhooks.create({ endpoint: 'https://example.com/a', events: ['email.sent'] });
    const second = await resend.webhooks.create({
      endpoint: 'https://example.com/b',
      events: ['email.delivered', 'contact.created'],
    });
    const id = String(second.data?.id);

    const got = await resend.webhooks.get(id);
    expect(got.error).toBeNull();
    expect(got.data).toEqual({
      object: 'webhook',
      id,
      endpoint: 'https://example.com/b',
      events: ['email.delivered', 'contact.created'],
      status: 'enabled',
      created_at: expect.any(String),
    });
    expect(JSON.stringify(got.data)).not.toContain(String(second.data?.signing_secret));

    const page = await resend.webhooks.list({ limit: 1 });
    expect(page.data).toMatchObject({ object: 'list', has_more: true, data: [{ id }] });
    const next = await resend.webhooks.list({ limit: 1, after: id });
    expect(next.data?.data.map((webhook) => webhook.id)).toEqual([first.data?.id]);
    const before = await resend.webhooks.list({ before: id });
    expect(before.error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
    expect(before.error?.message).toContain('before');

    const updated = await resend.webhooks.update(id, {
      endpoint: 'https://example.com/c',
      events: ['email.bounced'],
      status: 'disabled',
    });
    expect(updated).toMatchObject({ error: null, data: { object: 'webhook', id } });
    const v1 = await call(stack.url, { path: `/v1/webhooks/${id}`, key });
    expect(v1.json).toMatchObject({
      url: 'https://example.com/c',
      events: ['email.bounced'],
      status: 'disabled',
    });

    const rotated = await resend.webhooks.rotateSigningSecret(id);
    expect(rotated.data).toEqual({ object: 'webhook', id, signing_secret: expect.stringMatching(/^whsec_/) });
    expect(rotated.data?.signing_secret).not.toBe(second.data?.signing_secret);
    expect((await storedWebhook(id))?.secret).toBe(rotated.data?.signing_secret);

    const removed = await resend.webhooks.remove(id);
    expect(removed.data).toEqual({ object: 'webhook', id, deleted: true });
    const gone = await resend.webhooks.get(id);
    expect(gone.error).toMatchObject({ statusCode: 404, name: 'not_found' });
  });

  it('refuses a Resend event scopegate does not record with invalid_parameter naming it, and creates nothing', async () => {
    const resend = resendClient(stack.url, key);
    const endpoint = `https://example.com/${unique()}`;
    const refused = await resend.webhooks.create({ endpoint, events: ['email.sent', 'domain.created'] });
    expect(refused.data).toBeNull();
    expect(refused.error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
    expect(refused.error?.message).toContain('events.1');
    expect(refused.error?.message).toContain('domain.created');
    const all = await resend.webhooks.list({ limit: 100 });
    expect(all.data?.data.map((webhook) => webhook.endpoint)).not.toContain(endpoint);
  });

  it('replays a create with the same idempotency key without the secret', async () => {
    const resend = resendClient(stack.url, key);
    const idempotencyKey = `hook-${unique()}`;
    const body = { endpoint: 'https://example.com/once', events: ['email.sent' as const] };
    // The SDK sends `Idempotency-Key` from any post's options, though it types it on sends only.
    const options = { idempotencyKey } as Parameters<typeof resend.webhooks.create>[1];
    const first = await resend.webhooks.create(body, options);
    const again = await resend.webhooks.create(body, options);
    expect(first.data?.signing_secret).toMatch(/^whsec_/);
    expect(again.data).toEqual({ object: 'webhook', id: first.data?.id });
  });

  it('subscribes only to what the key may read: events need their read scopes', async () => {
    const writer = (
      await stack.putKey({ type: 'general', permission: 'custom', scopes: new Set(['webhooks:write']) })
    ).key.key;
    const refused = await resendClient(stack.url, writer).webhooks.create({
      endpoint: 'https://example.com/scoped',
      events: ['email.sent'],
    });
    expect(refused.error).toMatchObject({ statusCode: 403, name: 'restricted_api_key' });
  });
});
