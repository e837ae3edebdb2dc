/**
 * SendGrid's `@sendgrid/mail`, called with the real package against the local stack's `/sendgrid`
 * surface (only the base URL and the key changed): what reaches the local SES, what is recorded, what
 * is audited and counted, and what the SDK's errors carry.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import { sentEmails } from '../../../support/local-aws.js';
import { startTestStack, TEST_DOMAIN, type TestStack } from '../../../support/local-stack.js';
import { sendgridClient } from '../../../support/sendgrid-client.js';

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
const from = { email: `hello@${TEST_DOMAIN}`, name: 'Scopegate' };

interface StoredWithAttachments {
  readonly subject: string;
  readonly attachments?: { filename?: string; contentType: string; content: string }[];
}

async function delivered(subject: string) {
  return (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === subject);
}

/** What the SDK rejects with: a ResponseError carrying the status and the parsed body. */
async function refusal(sending: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  const error = (await sending.then(
    () => undefined,
    (reason: unknown) => reason,
  )) as { code?: number; response?: { body?: Record<string, unknown> } } | undefined;
  if (error?.response?.body === undefined) throw new Error('the SDK did not reject with a ResponseError');
  return { code: Number(error.code), body: error.response.body };
}

describe('sgMail.send', () => {
  it('sends through SES with every field: 202, an empty body, X-Message-Id; recorded and audited', async () => {
    // Arrange
    const project = await stack.freshProject();
    const sgMail = sendgridClient(stack.url, project.key);
    const subject = `SendGrid ${unique()}`;
    // Act
    const [response, body] = await sgMail.send({
      from: { email: `hello@${project.domain}`, name: 'Scopegate' },
      to: 'to@example.org',
      cc: 'cc@example.org',
      bcc: 'bcc@example.org',
      replyTo: 'reply@example.org',
      subject,
      text: 'Hello from SendGrid',
      html: '<p>Hello from SendGrid</p>',
      headers: { 'X-Entity-Ref-ID': 'ref-1' },
      categories: ['welcome'],
      customArgs: { user: 'u-7' },
    });
    // Assert
    expect(response.statusCode).toBe(202);
    expect(body).toBe('');
    const id = String(response.headers['x-message-id']);
    expect(id).toMatch(/^em_[0-9A-Za-z]{22}$/);
    const [sent, ...others] = await delivered(subject);
    expect(others).toHaveLength(0);
    expect(sent?.from).toContain(`hello@${project.domain}`);
    expect(sent).toMatchObject({
      destination: { to: ['to@example.org'], cc: ['cc@example.org'] },
      replyTo: ['reply@example.org'],
      body: { html: '<p>Hello from SendGrid</p>', text: 'Hello from SendGrid' },
    });
    const stored = await call(stack.url, { path: `/v1/emails/${id}`, key: project.key });
    expect(stored.json).toMatchObject({
      id,
      bcc: ['bcc@example.org'],
      // The local SES's delivery event may already have moved it on.
      status: expect.stringMatching(/^(sent|delivered)$/) as unknown,
      tags: [
        { name: 'welcome', value: 'category' },
        { name: 'user', value: 'u-7' },
      ],
      headers: { 'X-Entity-Ref-ID': 'ref-1' },
      ses_message_id: sent?.messageId,
    });
    const audit = await call(stack.url, { path: '/v1/audit-log?limit=10', key: project.key });
    expect((audit.json.data as Record<string, unknown>[])[0]).toMatchObject({
      action: 'email.send_batch',
      surface: 'sendgrid',
      status: 202,
    });
  });

  it('sendMultiple: one email per recipient, none seeing the others; X-Message-Id is the first', async () => {
    const subject = `Multiple ${unique()}`;
    const [response] = await sendgridClient(stack.url, key).sendMultiple({
      from,
      to: ['one@example.org', 'two@example.org'],
      subject,
      text: 'x',
    });
    expect(response.statusCode).toBe(202);
    const sent = await delivered(subject);
    expect(sent.map((email) => email.destination.to).toSorted()).toEqual([
      ['one@example.org'],
      ['two@example.org'],
    ]);
    const first = await call(stack.url, {
      path: `/v1/emails/${String(response.headers['x-message-id'])}`,
      key,
    });
    expect(first.json.to).toEqual(['one@example.org']);
  });

  it('renders a scopegate template aliased by its SendGrid d-… id with each personalization’s dynamic_template_data', async () => {
    // Arrange: a template moved from SendGrid keeps its id as its alias.
    const templateId = `d-${randomBytes(16).toString('hex')}`;
    const tag = unique();
    const created = await call(stack.url, {
      method: 'POST',
      path: '/v1/templates',
      key,
      body: {
        name: 'Welcome',
        alias: templateId,
        subject: `Welcome {{name}} ${tag}`,
        html: '<p>Hi {{name}}, you have {{count}} credits</p>',
        variables: [
          { key: 'name', type: 'string' },
          { key: 'count', type: 'number' },
        ],
      },
    });
    expect(created.status).toBe(201);
    // Act
    const [response] = await sendgridClient(stack.url, key).send({
      from,
      templateId,
      personalizations: [
        { to: 'ada@example.org', dynamicTemplateData: { name: 'Ada', count: 3 } },
        { to: 'bob@example.org', dynamicTemplateData: { name: 'Bob', count: 5 } },
      ],
    });
    // Assert
    expect(response.statusCode).toBe(202);
    const ada = await delivered(`Welcome Ada ${tag}`);
    const bob = await delivered(`Welcome Bob ${tag}`);
    expect(ada[0]).toMatchObject({ destination: { to: ['ada@example.org'] } });
    expect(ada[0]?.body.html?.trim()).toBe('<p>Hi Ada, you have 3 credits</p>');
    expect(bob[0]).toMatchObject({ destination: { to: ['bob@example.org'] } });
  });

  it('sends attachments with their name, type and bytes', async () => {
    const subject = `Attachment ${unique()}`;
    const bytes = Buffer.from('hello attachment');
    const [response] = await sendgridClient(stack.url, key).send({
      from,
      to: 'to@example.org',
      subject,
      text: 'see attached',
      attachments: [
        {
          content: bytes.toString('base64'),
          filename: 'notes.txt',
          type: 'text/plain',
          disposition: 'attachment',
        },
      ],
    });
    expect(response.statusCode).toBe(202);
    const store = (await (await fetch(`${stack.aws.sesEndpoint}/store`)).json()) as {
      emails: StoredWithAttachments[];
    };
    const [sent] = store.emails.filter((email) => email.subject === subject);
    expect(sent?.attachments?.map(({ filename, contentType }) => ({ filename, contentType }))).toEqual([
      { filename: 'notes.txt', contentType: 'text/plain' },
    ]);
    expect(Buffer.from(sent?.attachments?.[0]?.content ?? '', 'base64').equals(bytes)).toBe(true);
  });

  it('schedules an email with send_at (unix seconds) instead of sending it', async () => {
    const subject = `Later ${unique()}`;
    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    const [response] = await sendgridClient(stack.url, key).send({
      from,
      to: 'to@example.org',
      subject,
      text: 'later',
      sendAt,
    });
    expect(response.statusCode).toBe(202);
    const stored = await call(stack.url, {
      path: `/v1/emails/${String(response.headers['x-message-id'])}`,
      key,
    });
    expect(stored.json).toMatchObject({
      status: 'scheduled',
      scheduled_at: new Date(sendAt * 1000).toISOString(),
    });
    expect(await delivered(subject)).toHaveLength(0);
  });

  it('sandbox mode checks everything and sends nothing: 200, and an unverified domain is still refused', async () => {
    const subject = `Sandbox ${unique()}`;
    const sgMail = sendgridClient(stack.url, key);
    const mailSettings = { sandboxMode: { enable: true } };
    const [response, body] = await sgMail.send({
      from,
      to: 'to@example.org',
      subject,
      text: 'x',
      mailSettings,
    });
    expect(response.statusCode).toBe(200);
    expect(body).toBe('');
    expect(response.headers['x-message-id']).toBeUndefined();
    expect(await delivered(subject)).toHaveLength(0);
    const refused = await refusal(
      sgMail.send({
        from: 'hello@unverified.example',
        to: 'to@example.org',
        subject,
        text: 'x',
        mailSettings,
      }),
    );
    expect(refused).toMatchObject({ code: 422, body: { error_code: 'domain_not_verified' } });
  });

  it.each([
    ['ipPoolName', { ipPoolName: 'marketing' }, 'ip_pool_name'],
    ['asm', { asm: { groupId: 7 } }, 'asm'],
    ['trackingSettings', { trackingSettings: { clickTracking: { enable: true } } }, 'tracking_settings'],
    ['batchId', { batchId: 'b-1' }, 'batch_id'],
  ])(
    'refuses %s with 422 invalid_parameter naming it in errors[0].field, and sends nothing',
    async (_case, extra, field) => {
      const subject = `Unsupported ${unique()}`;
      const refused = await refusal(
        sendgridClient(stack.url, key).send({ from, to: 'to@example.org', subject, text: 'x', ...extra }),
      );
      expect(refused.code).toBe(422);
      expect(refused.body).toMatchObject({
        errors: [{ field, help: null, message: expect.stringContaining(field) }],
        error_code: 'invalid_parameter',
      });
      expect(await delivered(subject)).toHaveLength(0);
    },
  );

  it('checks every personalization before sending any: a bad one refuses the request with errors[] naming its field', async () => {
    const subject = `Invalid ${unique()}`;
    const refused = await refusal(
      sendgridClient(stack.url, key).send({
        from,
        subject,
        text: 'x',
        personalizations: [{ to: 'good@example.org' }, { to: { email: 'not an address' } }],
      }),
    );
    expect(refused.code).toBe(400);
    expect(refused.body).toMatchObject({
      errors: [{ field: 'personalizations.1.to.0', help: null }],
      error_code: 'validation_error',
    });
    expect(await delivered(subject)).toHaveLength(0);
  });

  it('refuses a key without emails:send (403 insufficient_scope), sending nothing', async () => {
    const reader = (
      await stack.putKey({ type: 'general', permission: 'custom', scopes: new Set(['emails:read']) })
    ).key.key;
    const subject = `Forbidden ${unique()}`;
    const refused = await refusal(
      sendgridClient(stack.url, reader).send({ from, to: 'to@example.org', subject, text: 'x' }),
    );
    // The authorizer refuses before the service runs: API Gateway's body, the same on every surface.
    expect(refused).toMatchObject({
      code: 403,
      body: { error_code: 'insufficient_scope', required_scope: 'emails:send' },
    });
    expect(await delivered(subject)).toHaveLength(0);
  });
});

describe('usage', () => {
  it('counts SendGrid calls under their surface beside their route', async () => {
    const admin = await stack.putKey({ permission: 'full_access' });
    const sender = await stack.putKey({ permission: 'full_access' });
    await sendgridClient(stack.url, sender.key.key).send({
      from,
      to: 'to@example.org',
      subject: unique(),
      text: 'x',
    });
    await call(stack.url, { path: '/v1/emails?limit=1', key: sender.key.key });
    await stack.usage.flush();
    const usage = await call(stack.url, {
      path: `/v1/api-keys/${sender.key.keyId}/usage?days=1`,
      key: admin.key.key,
    });
    expect((usage.json.data as Record<string, unknown>[])[0]).toMatchObject({
      by_route: { 'POST /sendgrid/v3/mail/send': 1, 'GET /v1/emails': 1 },
      by_surface: { v1: 1, resend: 0, sendgrid: 1 },
    });
  });
});
