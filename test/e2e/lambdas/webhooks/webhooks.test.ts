/**
 * Webhooks over HTTP through the local gateway, and their deliveries through the local pipeline
 * (fauxqs, the outbox poller and the consumer) to receivers on 127.0.0.1. The consumer's clock is
 * the test's: a retry becomes due when the test moves the clock, never by waiting.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventItem } from '../../../../lambdas/shared/outbox.js';
import { type LocalQueue, type WebhookPipeline } from '../../../../local/webhook-pipeline.js';
import { call } from '../../../support/http-client.js';
import { startTestPipeline } from '../../../support/webhook-pipeline.js';
import { OTHER_PROJECT, TEST_PROJECT, startTestStack, type TestStack } from '../../../support/local-stack.js';
import { type Receiver, startReceiver } from '../../../support/webhook-receiver.js';

let stack: TestStack;
let queue: LocalQueue;
let pipeline: WebhookPipeline;
let key: string;
let otherKey: string;
let clock = new Date();
const receivers: Receiver[] = [];

beforeAll(async () => {
  const started = new Date(Date.now() - 1000);
  stack = await startTestStack();
  ({ queue, pipeline } = await startTestPipeline(stack, { since: started, now: () => clock }));
  key = (await stack.putKey({ permission: 'full_access' })).key.key;
  otherKey = (await stack.putKey({ permission: 'full_access', projectId: OTHER_PROJECT })).key.key;
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

async function createWebhook(body: Record<string, unknown>, withKey = key) {
  const response = await call(stack.url, { method: 'POST', path: '/v1/webhooks', key: withKey, body });
  expect(response.status).toBe(201);
  return response.json as { id: string; signing_secret: string; status: string };
}

const get = (path: string, withKey = key) => call(stack.url, { method: 'GET', path, key: withKey });
const post = (path: string, withKey = key) => call(stack.url, { method: 'POST', path, key: withKey });

describe('webhook resources', () => {
  it('creates, reads, lists, changes and deletes a webhook; the secret is shown only at create', async () => {
    const created = await createWebhook({
      url: 'https://example.com/hook',
      events: ['email.sent', 'email.sent', 'domain.verified'],
      description: 'mine',
    });
    expect(created).toMatchObject({
      url: 'https://example.com/hook',
      events: ['email.sent', 'domain.verified'],
      status: 'enabled',
    });
    expect(created.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const read = await get(`/v1/webhooks/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.json).not.toHaveProperty('signing_secret');
    expect(read.text).not.toContain(created.signing_secret);
    const listed = await get('/v1/webhooks');
    expect((listed.json.data as { id: string }[]).map((webhook) => webhook.id)).toContain(created.id);
    expect(listed.text).not.toContain(created.signing_secret);

    const patched = await call(stack.url, {
      method: 'PATCH',
      path: `/v1/webhooks/${created.id}`,
      key,
      body: { events: ['email.bounced'], status: 'disabled' },
    });
    expect(patched.json).toMatchObject({ events: ['email.bounced'], status: 'disabled' });

    const deleted = await call(stack.url, { method: 'DELETE', path: `/v1/webhooks/${created.id}`, key });
    expect(deleted.json).toEqual({ id: created.id, deleted: true });
    expect((await get(`/v1/webhooks/${created.id}`)).status).toBe(404);
  });

  it.each([
    ['http://10.0.0.1/hook', 'a private address'],
    ['http://169.254.169.254/latest/meta-data', 'a link-local address'],
    ['http://[fe80::1]/hook', 'a link-local address'],
    ['https://192.168.1.1/hook', 'a private address'],
    ['http://[::ffff:169.254.169.254]/', 'IPv4-mapped'],
    ['https://user:pass@example.com/', 'credentials'],
    ['https://metadata/computeMetadata', 'fully qualified'],
  ])('refuses %s at create with a 400 on url (%s)', async (url, words) => {
    const response = await call(stack.url, {
      method: 'POST',
      path: '/v1/webhooks',
      key,
      body: { url, events: ['email.sent'] },
    });
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('validation_error');
    expect(response.json.errors).toEqual([{ path: 'url', message: expect.stringContaining(words) }]);
  });

  it('refuses an unknown event type and an empty list', async () => {
    for (const events of [['email.nope'], []]) {
      const response = await call(stack.url, {
        method: 'POST',
        path: '/v1/webhooks',
        key,
        body: { url: 'https://example.com/hook', events },
      });
      expect(response.status).toBe(400);
    }
  });
});

describe('deliveries', () => {
  it('delivers a webhook.test event signed so that standardwebhooks verifies it, and lists the attempt', async () => {
    const target = await receiver();
    const webhook = await createWebhook({ url: target.url, events: ['email.sent'] });

    const tested = await post(`/v1/webhooks/${webhook.id}/test`);
    await pipeline.drain();

    expect(tested.status).toBe(200);
    expect(target.received).toHaveLength(1);
    const [delivery] = target.received;
    const payload = new Webhook(webhook.signing_secret).verify(
      delivery?.body ?? '',
      delivery?.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({ type: 'webhook.test', data: { webhook_id: webhook.id } });
    expect(delivery?.headers['webhook-id']).toBe(tested.json.id);
    const deliveries = await get(`/v1/webhooks/${webhook.id}/deliveries`);
    expect(deliveries.json.data).toEqual([
      expect.objectContaining({
        event_id: tested.json.id,
        event_type: 'webhook.test',
        attempt: 1,
        status: 'succeeded',
        response_status: 200,
      }),
    ]);
  });

  it('retries a failed delivery when it is due, with the same webhook-id', async () => {
    const target = await receiver();
    target.answer(500);
    const webhook = await createWebhook({ url: target.url, events: ['email.sent'] });

    const tested = await post(`/v1/webhooks/${webhook.id}/test`);
    const first = await pipeline.drain();
    const beforeDue = await pipeline.drain();
    clock = new Date(clock.getTime() + 10_000); // the first retry is due after about 5 s
    const afterDue = await pipeline.drain();

    expect(first).toContain('retry_scheduled');
    expect(beforeDue.every((outcome) => outcome === 'not_due')).toBe(true);
    expect(afterDue).toContain('succeeded');
    expect(target.received.map((request) => request.headers['webhook-id'])).toEqual([
      tested.json.id,
      tested.json.id,
    ]);
    const deliveries = (await get(`/v1/webhooks/${webhook.id}/deliveries`)).json.data;
    expect(deliveries).toEqual([
      expect.objectContaining({ attempt: 2, status: 'succeeded' }),
      expect.objectContaining({ attempt: 1, status: 'pending', response_status: 500, error: 'HTTP 500.' }),
    ]);
    expect((deliveries as { next_attempt_at?: string }[])[1]?.next_attempt_at).toEqual(expect.any(String));
  });

  it('disables a webhook whose endpoint answers 410, and delivers nothing more to it', async () => {
    const target = await receiver();
    target.answer(410);
    const webhook = await createWebhook({ url: target.url, events: ['email.sent'] });

    await post(`/v1/webhooks/${webhook.id}/test`);
    await pipeline.drain();
    const read = await get(`/v1/webhooks/${webhook.id}`);
    const testAgain = await post(`/v1/webhooks/${webhook.id}/test`);

    expect(read.json).toMatchObject({
      status: 'disabled',
      disabled_reason: 'The endpoint answered 410 Gone.',
    });
    expect(testAgain.status).toBe(400);
    expect(target.received).toHaveLength(1);
    const reEnabled = await call(stack.url, {
      method: 'PATCH',
      path: `/v1/webhooks/${webhook.id}`,
      key,
      body: { status: 'enabled' },
    });
    expect(reEnabled.json.status).toBe('enabled');
    expect(reEnabled.json).not.toHaveProperty('disabled_reason');
  });

  it("delivers a project's events to its own subscribed webhooks only", async () => {
    const mine = await receiver();
    const unsubscribed = await receiver();
    const theirs = await receiver();
    await createWebhook({ url: mine.url, events: ['domain.verified'] });
    await createWebhook({ url: unsubscribed.url, events: ['email.sent'] });
    await createWebhook({ url: theirs.url, events: ['domain.verified'] }, otherKey);
    const event = eventItem(TEST_PROJECT, 'domain.verified', { domain: 'example.com' }, new Date());

    await stack.aws.documents.send(new PutCommand({ TableName: stack.aws.tables.data, Item: event }));
    await pipeline.drain();

    expect(mine.received.map((request) => request.headers['webhook-id'])).toEqual([event.id]);
    expect(unsubscribed.received).toHaveLength(0);
    expect(theirs.received).toHaveLength(0);
  });

  it('signs with the old and the new secret for a day after a rotation', async () => {
    const target = await receiver();
    const webhook = await createWebhook({ url: target.url, events: ['email.sent'] });

    const rotated = await post(`/v1/webhooks/${webhook.id}/rotate-secret`);
    await post(`/v1/webhooks/${webhook.id}/test`);
    await pipeline.drain();

    const newSecret = String(rotated.json.signing_secret);
    expect(newSecret).not.toBe(webhook.signing_secret);
    const [delivery] = target.received;
    for (const secret of [webhook.signing_secret, newSecret]) {
      expect(() =>
        new Webhook(secret).verify(delivery?.body ?? '', delivery?.headers as Record<string, string>),
      ).not.toThrow();
    }
  });
});

describe('Idempotency-Key on POST /v1/webhooks', () => {
  it('answers a retried create 200 with the same webhook but never its secret again, and creates one', async () => {
    const description = `idempotent ${Date.now().toString(36)}`;
    const body = { url: 'https://example.com/idempotent', events: ['email.sent'], description };
    const headers = { 'Idempotency-Key': `wh-${description.replace(' ', '-')}` };
    const post = () => call(stack.url, { method: 'POST', path: '/v1/webhooks', key, body, headers });
    const first = await post();
    const retry = await post();
    expect(first.status).toBe(201);
    expect(first.json.signing_secret).toMatch(/^whsec_/);
    // The secret is shown once: it is not stored for a replay (rotate-secret shows a new one).
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const { signing_secret: _secret, ...withoutSecret } = first.json;
    expect(retry.json).toEqual(withoutSecret);
    const listed = await get('/v1/webhooks?limit=100');
    const described = (listed.json.data as { description?: string }[]).filter(
      (webhook) => webhook.description === description,
    );
    expect(described).toHaveLength(1);
  });
});
