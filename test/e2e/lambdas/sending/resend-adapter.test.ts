/**
 * Resend's `emails.send`, called with Resend's own SDK against the local stack's `/resend` surface:
 * the email reaches the local SES, is recorded like a `/v1` send and audited under its surface.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import { sentEmails } from '../../../support/local-aws.js';
import { startTestStack, TEST_DOMAIN, type TestStack } from '../../../support/local-stack.js';
import { resendClient } from '../../../support/resend-client.js';

let stack: TestStack;
let key: string;
beforeAll(async () => {
  stack = await startTestStack();
  key = (await stack.putKey({ permission: 'full_access' })).key.key;
});
afterAll(async () => {
  await stack?.close();
});

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2)}`;

describe('resend.emails.send', () => {
  it('sends through SES with every field, answers a scopegate email id, and records and audits the send', async () => {
    // Arrange
    const resend = resendClient(stack.url, key);
    const subject = `Resend ${unique()}`;
    // Act
    const { data, error } = await resend.emails.send({
      from: `Scopegate <hello@${TEST_DOMAIN}>`,
      to: 'to@example.org',
      cc: ['cc@example.org'],
      bcc: 'bcc@example.org',
      replyTo: 'reply@example.org',
      subject,
      html: '<p>Hello from Resend</p>',
      text: 'Hello from Resend',
      headers: { 'X-Entity-Ref-ID': 'ref-1' },
      tags: [{ name: 'kind', value: 'welcome' }],
      attachments: [{ filename: 'hello.txt', content: Buffer.from('hi') }],
    });
    // Assert
    expect(error).toBeNull();
    const id = String(data?.id);
    expect(id).toMatch(/^em_[0-9A-Za-z]{22}$/);
    const delivered = (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === subject);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.from).toContain(`hello@${TEST_DOMAIN}`);
    expect(delivered[0]).toMatchObject({
      destination: { to: ['to@example.org'], cc: ['cc@example.org'] },
      replyTo: ['reply@example.org'],
      body: { html: '<p>Hello from Resend</p>', text: 'Hello from Resend' },
    });
    const stored = await call(stack.url, { path: `/v1/emails/${id}`, key });
    expect(stored.json).toMatchObject({
      id,
      to: ['to@example.org'],
      bcc: ['bcc@example.org'],
      reply_to: ['reply@example.org'],
      subject,
      tags: [{ name: 'kind', value: 'welcome' }],
      headers: { 'X-Entity-Ref-ID': 'ref-1' },
      ses_message_id: delivered[0]?.messageId,
    });
    const audit = await call(stack.url, { path: '/v1/audit-log?limit=100', key });
    const entries = audit.json.data as Record<string, unknown>[];
    expect(entries.find((entry) => entry.resource_id === id)).toMatchObject({
      action: 'email.send',
      surface: 'resend',
      status: 200,
    });
  });

  it('shares the /v1 send’s Idempotency-Key claims: the same key and body send once', async () => {
    const resend = resendClient(stack.url, key);
    const idempotencyKey = `resend-${unique()}`;
    const email = {
      from: `hello@${TEST_DOMAIN}`,
      to: 'to@example.org',
      subject: `Once ${unique()}`,
      text: 'x',
    };
    const first = await resend.emails.send(email, { idempotencyKey });
    const again = await call(stack.url, {
      method: 'POST',
      path: '/v1/emails',
      key,
      body: email,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
    expect(first.error).toBeNull();
    expect(again.json.id).toBe(first.data?.id);
    expect(
      (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === email.subject),
    ).toHaveLength(1);
  });

  it("answers a key without emails:send with the SDK's restricted_api_key error", async () => {
    const reader = (
      await stack.putKey({ type: 'general', permission: 'custom', scopes: new Set(['emails:read']) })
    ).key.key;
    const { data, error } = await resendClient(stack.url, reader).emails.send({
      from: `hello@${TEST_DOMAIN}`,
      to: 'to@example.org',
      subject: 'never sent',
      text: 'x',
    });
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 403, name: 'restricted_api_key' });
    expect(error?.message).toBeTruthy();
  });

  it.each([
    ['topicId', { topicId: 'tp_1' }, 'topic_id'],
    [
      'an attachment fetched from a URL',
      { attachments: [{ filename: 'a.pdf', path: 'https://example.org/a.pdf' }] },
      'attachments.0.path',
    ],
  ])(
    'answers %s with an invalid_parameter error naming it, and sends nothing',
    async (_case, extra, field) => {
      const subject = `Unsupported ${unique()}`;
      const { data, error } = await resendClient(stack.url, key).emails.send({
        from: `hello@${TEST_DOMAIN}`,
        to: 'to@example.org',
        subject,
        text: 'x',
        ...extra,
      });
      expect(data).toBeNull();
      expect(error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
      expect(error?.message).toContain(field);
      expect(
        (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === subject),
      ).toHaveLength(0);
    },
  );

  it('answers a missing field 422 missing_required_field, as Resend does', async () => {
    const { error } = await resendClient(stack.url, key).emails.send({
      from: `hello@${TEST_DOMAIN}`,
      to: 'to@example.org',
      text: 'x',
    } as Parameters<ReturnType<typeof resendClient>['emails']['send']>[0]);
    expect(error).toMatchObject({
      statusCode: 422,
      name: 'missing_required_field',
      message: 'subject is required.',
    });
  });

  it.each(['/resend/nothing', '/resend/emails/em_1/nothing', '/sendgrid/v3/nothing'])(
    'answers an unknown path %s 404 not_found',
    async (path) => {
      const response = await call(stack.url, { method: 'POST', path, key, body: {} });
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ statusCode: 404, name: 'not_found', error_code: 'not_found' });
    },
  );
});
