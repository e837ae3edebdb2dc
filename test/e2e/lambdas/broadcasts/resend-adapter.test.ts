/**
 * Resend's broadcasts, called with Resend's own SDK against the local stack's `/resend` surface and
 * sent by the local sender loops into the run's local SES: each method's answer in Resend's shape,
 * and behind it the broadcast, its recipients and the per-recipient emails the local SES received.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentHeaders } from '../../../../local/ses-throttle.js';
import { call } from '../../../support/http-client.js';
import { sentEmails } from '../../../support/local-aws.js';
import { type BroadcastTestStack, startBroadcastTestStack } from '../../../support/broadcast-stack.js';
import type { TestStack } from '../../../support/local-stack.js';
import { resendClient } from '../../../support/resend-client.js';

let stack: TestStack;
let broadcasting: BroadcastTestStack;
let key: string;
let domain: string;

beforeAll(async () => {
  broadcasting = await startBroadcastTestStack();
  stack = broadcasting.stack;
  ({ key, domain } = await stack.freshProject());
});
afterAll(async () => {
  await broadcasting?.close();
});

const api = (method: string, path: string, body?: unknown) =>
  call(stack.url, { method, path, key, ...(body === undefined ? {} : { body }) });
const resend = () => resendClient(stack.url, key);

/** A list of contacts (`first_name` when given; the last one unsubscribed when asked): its id and tag. */
async function listOf(firstNames: readonly (string | undefined)[], lastUnsubscribed = false) {
  const tag = randomBytes(4).toString('hex');
  const list = await api('POST', '/v1/lists', { name: `news ${tag}` });
  for (const [index, firstName] of firstNames.entries()) {
    const contact = await api('POST', '/v1/contacts', {
      email: `c${index}-${tag}@example.org`,
      ...(firstName === undefined ? {} : { first_name: firstName }),
      properties: { plan: 'pro' },
      unsubscribed: lastUnsubscribed && index === firstNames.length - 1,
    });
    await api('PUT', `/v1/lists/${String(list.json.id)}/contacts/${String(contact.json.id)}`);
  }
  return { listId: String(list.json.id), tag };
}

describe('resend.broadcasts', () => {
  it('creates a draft to a segment, updates, gets and lists it, sends it to sent, each recipient rendered with List-Unsubscribe', async () => {
    // Arrange
    const { listId, tag } = await listOf(['Ada', undefined, 'Eve'], true);
    // Act
    const created = await resend().broadcasts.create({
      segmentId: listId,
      from: `News <news@${domain}>`,
      subject: 'Hi {{{FIRST_NAME|there}}}',
      html: '<p>Plan {{{plan}}}</p><a href="{{{RESEND_UNSUBSCRIBE_URL}}}">Unsubscribe</a>',
      text: 'Hello {{{EMAIL}}}',
    });
    const id = String(created.data?.id);
    const updated = await resend().broadcasts.update(id, {
      name: `December ${tag}`,
      replyTo: ['reply@example.org'],
    });
    const draft = await resend().broadcasts.get(id);
    const listed = await resend().broadcasts.list({ limit: 100 });
    const sent = await resend().broadcasts.send(id);
    await expect
      .poll(async () => (await resend().broadcasts.get(id)).data?.status, { timeout: 60_000 })
      .toBe('sent');
    // Assert
    expect(created.error).toBeNull();
    expect(id).toMatch(/^bc_/);
    expect(updated).toMatchObject({ data: { id }, error: null });
    expect(draft.data).toEqual({
      object: 'broadcast',
      id,
      name: `December ${tag}`,
      segment_id: listId,
      audience_id: listId,
      from: `News <news@${domain}>`,
      subject:
        'Hi {{#contact.first_name}}{{contact.first_name}}{{/contact.first_name}}{{^contact.first_name}}there{{/contact.first_name}}',
      reply_to: ['reply@example.org'],
      preview_text: null,
      status: 'draft',
      created_at: expect.any(String),
      scheduled_at: null,
      sent_at: null,
      topic_id: null,
      html: '<p>Plan {{contact.properties.plan}}</p><a href="{{unsubscribe_url}}">Unsubscribe</a>',
      text: 'Hello {{contact.email}}',
    });
    expect(listed.data?.object).toBe('list');
    expect(listed.data?.data.find((item) => item.id === id)).toEqual({
      id,
      name: `December ${tag}`,
      segment_id: listId,
      audience_id: listId,
      status: 'draft',
      created_at: expect.any(String),
      scheduled_at: null,
      sent_at: null,
    });
    expect(sent).toMatchObject({ data: { id }, error: null });
    expect((await resend().broadcasts.get(id)).data?.sent_at).toEqual(expect.any(String));
    const delivered = (await sentEmails(stack.aws.sesEndpoint)).filter((email) =>
      email.destination.to.some((to) => to.endsWith(`-${tag}@example.org`)),
    );
    expect(delivered.map((email) => email.subject).sort()).toEqual(['Hi Ada', 'Hi there']);
    for (const email of delivered) {
      // The URL is HTML-escaped like every value (`/` as `&#x2F;`), which a browser reads back.
      expect(email.body.html?.replaceAll('&#x2F;', '/')).toMatch(
        /^<p>Plan pro<\/p><a href="http:\/\/127\.0\.0\.1:\d+\/u\/[^"]+">Unsubscribe<\/a>$/,
      );
      expect(email.body.text).toBe(`Hello ${email.destination.to[0]}`);
      expect(email.replyTo).toEqual(['reply@example.org']);
    }
    const received = (await (await fetch(`${stack.aws.sesEndpoint}/store/headers`)).json()) as SentHeaders[];
    const ours = received.filter((entry) => entry.to.some((to) => to.endsWith(`-${tag}@example.org`)));
    expect(ours).toHaveLength(2);
    for (const entry of ours) {
      expect(entry.headers['list-unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/u\/.+>$/);
      expect(entry.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    }
    const sentTo = await resend().broadcasts.recipients(id, { type: 'sent' });
    expect(sentTo.data?.data.map((recipient) => recipient.email).sort()).toEqual([
      `c0-${tag}@example.org`,
      `c1-${tag}@example.org`,
    ]);
    expect(sentTo.data?.data[0]).toEqual({
      id: sentTo.data?.data[0]?.contact_id,
      contact_id: expect.stringMatching(/^ct_/),
      email: expect.any(String),
    });
    const unsubscribed = await resend().broadcasts.recipients(id, { type: 'unsubscribed' });
    expect(unsubscribed.data).toEqual({
      object: 'list',
      data: [expect.objectContaining({ email: `c2-${tag}@example.org` })],
      has_more: false,
    });
    const page = await resend().broadcasts.recipients(id, { type: 'sent', limit: 1 });
    const next = await resend().broadcasts.recipients(id, {
      type: 'sent',
      limit: 1,
      after: String(page.data?.data[0]?.id),
    });
    expect(page.data?.has_more).toBe(true);
    expect(next.data?.data).toHaveLength(1);
    expect(next.data?.data[0]?.id).not.toBe(page.data?.data[0]?.id);
    // The status poll may take up to 60 s under a loaded machine: the test's own bound must exceed it.
  }, 90_000);

  it('creates and schedules at once with send and scheduledAt, reads as queued, and cancels', async () => {
    const { listId } = await listOf(['Ada']);
    const created = await resend().broadcasts.create({
      audienceId: listId,
      from: `news@${domain}`,
      subject: 'Later',
      text: 'later',
      send: true,
      scheduledAt: 'in 1 hour',
    });
    const id = String(created.data?.id);
    const scheduled = await resend().broadcasts.get(id);
    const canceled = await resend().broadcasts.cancel(id);
    expect(created.error).toBeNull();
    expect(scheduled.data).toMatchObject({
      status: 'queued',
      scheduled_at: expect.any(String),
      name: 'Untitled',
    });
    expect(canceled).toMatchObject({ data: { object: 'broadcast', id }, error: null });
    expect((await resend().broadcasts.get(id)).data?.status).toBe('canceled');
    expect((await api('GET', `/v1/broadcasts/${id}`)).json).toMatchObject({ status: 'canceled' });
  });

  it('duplicates a broadcast into a new draft and removes a draft', async () => {
    const { listId } = await listOf(['Ada']);
    const created = await resend().broadcasts.create({
      segmentId: listId,
      from: `news@${domain}`,
      subject: 'Copy me',
      html: '<p>x</p>',
    });
    const id = String(created.data?.id);
    const copy = await resend().broadcasts.duplicate(id);
    const copyId = String(copy.data?.id);
    const removed = await resend().broadcasts.remove(id);
    expect(copy.data).toEqual({ object: 'broadcast', id: copyId });
    expect(copyId).not.toBe(id);
    expect((await resend().broadcasts.get(copyId)).data).toMatchObject({
      status: 'draft',
      subject: 'Copy me',
      html: '<p>x</p>',
      segment_id: listId,
    });
    expect(removed).toMatchObject({ data: { object: 'broadcast', id, deleted: true }, error: null });
    expect((await resend().broadcasts.get(id)).error).toMatchObject({ statusCode: 404, name: 'not_found' });
  });

  it('pages the list with after and before', async () => {
    const { listId } = await listOf([]);
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      const created = await resend().broadcasts.create({
        name,
        segmentId: listId,
        from: `n@${domain}`,
        subject: name,
        text: name,
      });
      ids.push(String(created.data?.id));
    }
    // Newest first: three, two, one.
    const after = await resend().broadcasts.list({ limit: 1, after: ids[2] });
    const before = await resend().broadcasts.list({ limit: 1, before: ids[0] });
    expect(after.data).toMatchObject({ object: 'list', data: [{ id: ids[1] }], has_more: true });
    expect(before.data).toMatchObject({ data: [{ id: ids[1] }], has_more: true });
  });

  it.each([
    ['topicId', { topicId: 'tp_1' }, 'topic_id'],
    ['previewText', { previewText: 'peek' }, 'preview_text'],
  ])(
    'refuses %s with an invalid_parameter error naming it, and creates nothing',
    async (_case, extra, field) => {
      const { listId } = await listOf([]);
      const before = (await api('GET', '/v1/broadcasts?limit=100')).json.data as unknown[];
      const { data, error } = await resend().broadcasts.create({
        segmentId: listId,
        from: `n@${domain}`,
        subject: 'x',
        text: 'x',
        ...extra,
      });
      expect(data).toBeNull();
      expect(error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
      expect(error?.message).toContain(field);
      expect((await api('GET', '/v1/broadcasts?limit=100')).json.data).toHaveLength(before.length);
    },
  );

  it('refuses recipients by opened, and a create without a segment names segment_id', async () => {
    const { listId } = await listOf([]);
    const created = await resend().broadcasts.create({
      segmentId: listId,
      from: `n@${domain}`,
      subject: 'x',
      text: 'x',
    });
    const opened = await resend().broadcasts.recipients(String(created.data?.id), { type: 'opened' });
    expect(opened.error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
    expect(opened.error?.message).toContain('type');
    const missing = await call(stack.url, {
      method: 'POST',
      path: '/resend/broadcasts',
      key,
      body: { from: `n@${domain}`, subject: 'x', text: 'x' },
    });
    expect(missing.status).toBe(422);
    expect(missing.json).toMatchObject({
      name: 'missing_required_field',
      message: 'segment_id is required.',
    });
  });

  it('records a Resend call in the audit log under its surface and /v1 action', async () => {
    const { listId } = await listOf([]);
    const created = await resend().broadcasts.create({
      segmentId: listId,
      from: `n@${domain}`,
      subject: 'x',
      text: 'x',
    });
    const audit = await api('GET', '/v1/audit-log?limit=100');
    const entries = audit.json.data as Record<string, unknown>[];
    expect(entries.find((entry) => entry.resource_id === created.data?.id)).toMatchObject({
      surface: 'resend',
      status: 200,
    });
  });
});
