/**
 * Resend's `templates.*`, called with Resend's own SDK against the local stack's `/resend` surface:
 * a template written with Resend's `{{{VAR}}}` is a `/v1` template whose html escapes the value, and
 * Resend's send with `template: { id, variables }` renders it through SES.
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

describe('resend.templates', () => {
  it('creates a template with {{{VAR}}}, and a Resend send with it renders the value HTML-escaped through SES', async () => {
    // Arrange
    const resend = resendClient(stack.url, key);
    const subject = `Welcome ${unique()}`;
    const created = await resend.templates.create({
      name: 'welcome',
      subject: `${subject} {{{NAME}}}`,
      html: '<p>Hello {{{ NAME }}}, your plan is {{{PLAN}}}.</p>',
      text: 'Hello {{{NAME}}}',
      from: `Team <team@${TEST_DOMAIN}>`,
      variables: [
        { key: 'NAME', type: 'string' },
        { key: 'PLAN', type: 'string', fallbackValue: 'free' },
      ],
    });
    expect(created.error).toBeNull();
    const id = String(created.data?.id);
    expect(created.data).toEqual({ object: 'template', id });
    // Act
    const sent = await resend.emails.send({
      to: 'to@example.org',
      template: { id, variables: { NAME: '<b>Ann</b>' } },
    } as Parameters<typeof resend.emails.send>[0]);
    // Assert
    expect(sent.error).toBeNull();
    const delivered = (await sentEmails(stack.aws.sesEndpoint)).filter((email) =>
      email.subject?.startsWith(subject),
    );
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.from).toContain(`team@${TEST_DOMAIN}`);
    expect(delivered[0]?.body).toMatchObject({
      html: '<p>Hello &lt;b&gt;Ann&lt;&#x2F;b&gt;, your plan is free.</p>',
      text: 'Hello <b>Ann</b>',
    });
    // The stored template is the /v1 one, its html in the escaped form.
    const v1 = await call(stack.url, { path: `/v1/templates/${id}`, key });
    expect(v1.json).toMatchObject({
      html: '<p>Hello {{NAME}}, your plan is {{PLAN}}.</p>',
      variables: [
        { key: 'NAME', type: 'string', fallback: null },
        { key: 'PLAN', type: 'string', fallback: 'free' },
      ],
    });
  });

  it('gets, updates, publishes, duplicates, lists and removes a template in Resend’s shapes', async () => {
    const resend = resendClient(stack.url, key);
    const alias = `t-${unique()}`.slice(0, 60);
    const created = await resend.templates.create({
      name: 'order',
      alias,
      html: '<p>Order {{{ID}}}</p>',
      replyTo: 'help@example.org',
      variables: [{ key: 'ID', type: 'number', fallbackValue: 0 }],
    });
    const id = String(created.data?.id);

    const got = await resend.templates.get(alias);
    expect(got.error).toBeNull();
    expect(got.data).toMatchObject({
      object: 'template',
      id,
      name: 'order',
      alias,
      html: '<p>Order {{ID}}</p>',
      text: null,
      reply_to: ['help@example.org'],
      status: 'published',
      has_unpublished_versions: false,
      current_version_id: id,
      variables: [{ key: 'ID', type: 'number', fallback_value: 0 }],
    });
    expect(got.data?.published_at).toBe(got.data?.updated_at);

    expect(await resend.templates.update(id, { name: 'order v2', html: '<p>#{{{ID}}}</p>' })).toMatchObject({
      data: { object: 'template', id },
      error: null,
    });
    expect((await resend.templates.get(id)).data).toMatchObject({ name: 'order v2', html: '<p>#{{ID}}</p>' });
    expect(await resend.templates.publish(id)).toMatchObject({
      data: { object: 'template', id },
      error: null,
    });

    const copy = await resend.templates.duplicate(id);
    expect(copy.error).toBeNull();
    const copyId = String(copy.data?.id);
    expect(copyId).not.toBe(id);
    expect((await resend.templates.get(copyId)).data).toMatchObject({
      name: 'order v2 (copy)',
      alias: null,
      html: '<p>#{{ID}}</p>',
    });

    const listed = await resend.templates.list({ limit: 100 });
    expect(listed.error).toBeNull();
    expect(listed.data?.data.slice(0, 2)).toMatchObject([
      { id: copyId, status: 'published', alias: null },
      { id, name: 'order v2', alias, status: 'published' },
    ]);
    const after = await resend.templates.list({ limit: 1, after: copyId });
    expect(after.data?.data.map((template) => template.id)).toEqual([id]);
    const before = await resend.templates.list({ limit: 1, before: id });
    expect(before.data).toMatchObject({ data: [{ id: copyId }], has_more: false });

    expect(await resend.templates.remove(id)).toMatchObject({
      data: { object: 'template', id, deleted: true },
      error: null,
    });
    expect((await resend.templates.get(id)).error).toMatchObject({ statusCode: 404, name: 'not_found' });
    expect((await resend.templates.publish(id)).error).toMatchObject({ statusCode: 404, name: 'not_found' });
  });

  it('answers the /v1 rules in Resend’s words: an undeclared variable is a 422 validation_error', async () => {
    const { error } = await resendClient(stack.url, key).templates.create({
      name: 'broken',
      html: '<p>{{{MISSING}}}</p>',
    });
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(error?.message).toContain('MISSING');
  });
});
