/**
 * Rate limits and billing over HTTP through the local gateway, with the same frame and handlers as
 * deployed: a limited key is held to its limit (the clock pinned to one second), a key without one
 * costs no DynamoDB call, billing keys call only billing routes, and a team's monthly cap holds.
 */
import { recordingCalls } from '../../../support/sdk-calls.js';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import { startTestStack, TEST_DOMAIN, TEST_PROJECT, type TestStack } from '../../../support/local-stack.js';

let stack: TestStack;
let clock = new Date('2026-11-24T14:30:00.100Z');
/** Every DynamoDB call the stack makes: its command and the partition key it names. */
const dynamoCalls: { command: string; pk: unknown }[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    now: () => clock,
    wrapDocuments: (documents) => recordingCalls(documents, dynamoCalls),
  });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  // A second of its own for each test: no window is shared between tests.
  clock = new Date(Math.floor(clock.getTime() / 1000) * 1000 + 10_000 + 100);
});

const rateWindowCalls = (keyId: string) =>
  dynamoCalls.filter((entry) => entry.pk === `RATE#${keyId}` && entry.command === 'UpdateItem');

describe('rate limits', () => {
  it('a key limited to 2/s firing 5 requests at once: exactly 2 pass, 3 get 429 with Retry-After', async () => {
    const { key } = await stack.putKey({ rateLimitPerSecond: 2 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call(stack.url, { path: '/v1/projects', key: key.key })),
    );
    expect(results.map((result) => result.status).sort()).toEqual([200, 200, 429, 429, 429]);
    for (const refused of results.filter((result) => result.status === 429)) {
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json).toMatchObject({
        error_code: 'rate_limited',
        message: 'This API key is limited to 2 requests per second.',
      });
    }
    expect(rateWindowCalls(key.keyId)).toHaveLength(5);

    clock = new Date(clock.getTime() + 1000);
    expect((await call(stack.url, { path: '/v1/projects', key: key.key })).status).toBe(200);
  });

  it('a key without a limit makes no rate-limit call; a limited one exactly one per request', async () => {
    const unlimited = await stack.putKey();
    const limited = await stack.putKey({ rateLimitPerSecond: 100 });
    const before = dynamoCalls.length;
    expect((await call(stack.url, { path: '/v1/projects', key: unlimited.key.key })).status).toBe(200);
    const unlimitedCalls = dynamoCalls.slice(before);
    expect(unlimitedCalls.filter((entry) => String(entry.pk).startsWith('RATE#'))).toEqual([]);
    expect(unlimitedCalls.some((entry) => entry.command === 'UpdateItem')).toBe(false);

    const between = dynamoCalls.length;
    expect((await call(stack.url, { path: '/v1/projects', key: limited.key.key })).status).toBe(200);
    const limitedCalls = dynamoCalls.slice(between);
    // The same calls as the unlimited key's, plus the one window update.
    expect(limitedCalls.length).toBe(unlimitedCalls.length + 1);
    expect(rateWindowCalls(limited.key.keyId)).toHaveLength(1);
  });

  it('a hand edit of rateLimitPerSecond takes effect on the next request, and so does its removal', async () => {
    const { key } = await stack.putKey();
    const edit = (UpdateExpression: string, values?: Record<string, unknown>) =>
      stack.aws.documents.send(
        new UpdateCommand({
          TableName: stack.aws.tables.apiKeys,
          Key: { keyId: key.keyId },
          UpdateExpression,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    expect((await call(stack.url, { path: '/v1/projects', key: key.key })).status).toBe(200);
    await edit('SET rateLimitPerSecond = :limit', { ':limit': 1 });
    expect((await call(stack.url, { path: '/v1/projects', key: key.key })).status).toBe(200);
    expect((await call(stack.url, { path: '/v1/projects', key: key.key })).status).toBe(429);
    await edit('REMOVE rateLimitPerSecond');
    expect((await call(stack.url, { path: '/v1/projects', key: key.key })).status).toBe(200);
  });

  it('an unreadable hand-edited limit holds the key to 0, it never lifts the limit', async () => {
    const { key } = await stack.putKey({ rateLimitPerSecond: 'unlimited' });
    const result = await call(stack.url, { path: '/v1/projects', key: key.key });
    expect(result.status).toBe(429);
    expect(rateWindowCalls(key.keyId)).toEqual([]);
  });
});

describe('billing keys and monthly caps', () => {
  const billingKey = () =>
    stack.putKey({
      type: 'billing',
      permission: 'custom',
      scopes: new Set(['billing:read', 'billing:write']),
    });
  const BILLING_ROUTES = [
    { method: 'GET', path: '/v1/billing/usage' },
    { method: 'GET', path: '/v1/billing/limits' },
    { method: 'PUT', path: '/v1/billing/limits', body: {} },
  ] as const;

  it('a general full_access key gets 403 on every billing route', async () => {
    const { key } = await stack.putKey({ permission: 'full_access' });
    for (const route of BILLING_ROUTES) {
      const result = await call(stack.url, { ...route, key: key.key });
      expect(result.status, `${route.method} ${route.path}`).toBe(403);
      expect(result.json).toMatchObject({ error_code: 'insufficient_scope' });
    }
  });

  it('a billing key calls the billing routes, and no other', async () => {
    const { key } = await billingKey();
    for (const route of BILLING_ROUTES) {
      expect((await call(stack.url, { ...route, key: key.key })).status, route.path).toBe(200);
    }
    for (const path of ['/v1/projects', '/v1/emails', '/v1/templates']) {
      expect((await call(stack.url, { path, key: key.key })).status, path).toBe(403);
    }
  });

  // The only test of this file (and of its stack's team) that sends email, so the month starts at 0.
  it('PUT limits email=1: the first email is sent, the second is 429 quota_exceeded, usage reports 1', async () => {
    const { key: billing } = await billingKey();
    const { key: sender } = await stack.putKey({ permission: 'sending_only' });
    const email = (subject: string) => ({
      from: `billing@${TEST_DOMAIN}`,
      to: 'friend@example.com',
      subject,
      text: 'x',
    });
    const put = await call(stack.url, {
      method: 'PUT',
      path: '/v1/billing/limits',
      key: billing.key,
      body: { email: 1 },
    });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ email: 1, sms: null, whatsapp: null });
    const first = await call(stack.url, {
      method: 'POST',
      path: '/v1/emails',
      key: sender.key,
      body: email('one'),
    });
    expect(first.status).toBe(200);
    const second = await call(stack.url, {
      method: 'POST',
      path: '/v1/emails',
      key: sender.key,
      body: email('two'),
    });
    expect(second.status).toBe(429);
    expect(second.json).toMatchObject({ error_code: 'quota_exceeded' });
    // A batch is refused whole, before any of it is sent.
    await call(stack.url, {
      method: 'PUT',
      path: '/v1/billing/limits',
      key: billing.key,
      body: { email: 2 },
    });
    const batch = await call(stack.url, {
      method: 'POST',
      path: '/v1/emails/batch',
      key: sender.key,
      body: [email('b1'), email('b2')],
    });
    expect(batch.status).toBe(429);
    expect(batch.json).toMatchObject({ error_code: 'quota_exceeded' });

    const usage = await call(stack.url, { path: '/v1/billing/usage', key: billing.key });
    expect(usage.status).toBe(200);
    expect(usage.json).toMatchObject({
      month: '2026-11',
      total: { email: 1, sms: 0, whatsapp: 0 },
    });
    expect(usage.json.data).toContainEqual({
      project_id: TEST_PROJECT,
      email: 1,
      sms: 0,
      whatsapp: 0,
    });
    const limits = await call(stack.url, { path: '/v1/billing/limits', key: billing.key });
    expect(limits.json).toEqual({ email: 2, sms: null, whatsapp: null });
  });

  // The only test of this file that sends SMS or WhatsApp messages: their months start at 0.
  it('PUT limits sms=1, whatsapp=1: the second message of each channel is 429 quota_exceeded', async () => {
    const { key: billing } = await billingKey();
    const { key: sender } = await stack.putKey({ permission: 'sending_only' });
    const put = await call(stack.url, {
      method: 'PUT',
      path: '/v1/billing/limits',
      key: billing.key,
      body: { sms: 1, whatsapp: 1 },
    });
    expect(put.json).toEqual({ email: null, sms: 1, whatsapp: 1 });
    const sends = [
      { path: '/v1/sms', body: { to: '+14155550123', body: 'hello' } },
      { path: '/v1/whatsapp', body: { to: '+14155550123', text: { body: 'hello' } } },
    ];
    for (const send of sends) {
      const first = await call(stack.url, { method: 'POST', ...send, key: sender.key });
      expect(first.status, send.path).toBe(200);
      const second = await call(stack.url, { method: 'POST', ...send, key: sender.key });
      expect(second.status, send.path).toBe(429);
      expect(second.json).toMatchObject({ error_code: 'quota_exceeded' });
    }
    const usage = await call(stack.url, { path: '/v1/billing/usage', key: billing.key });
    expect(usage.json).toMatchObject({ total: { sms: 1, whatsapp: 1 } });
  });

  it('refuses a cap that is not a whole number of messages', async () => {
    const { key } = await billingKey();
    for (const body of [{ email: -1 }, { email: 1.5 }, { email: '10' }, { fax: 3 }]) {
      const result = await call(stack.url, { method: 'PUT', path: '/v1/billing/limits', key: key.key, body });
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.json).toMatchObject({ error_code: 'validation_error' });
    }
  });
});
