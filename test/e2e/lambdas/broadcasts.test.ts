/**
 * Broadcasts over HTTP through the local gateway, sent by the local sender loops over fauxqs into the
 * run's local SES: create → send → recipients and counts → the emails filtered by broadcast_id, each
 * with its one-click List-Unsubscribe headers, as stored and as the local SES received them.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentHeaders } from '../../../local/ses-throttle.js';
import { call } from '../../support/http-client.js';
import { type BroadcastTestStack, startBroadcastTestStack } from '../../support/broadcast-stack.js';
import type { TestStack } from '../../support/local-stack.js';

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

describe('broadcasts over HTTP', () => {
  it('sends a draft to a list, counts it, lists its recipients and emails, with one-click unsubscribe headers', async () => {
    // Arrange: a list of three contacts, one unsubscribed.
    const tag = randomBytes(4).toString('hex');
    const list = await api('POST', '/v1/lists', { name: `news ${tag}` });
    const contacts = [];
    for (const [index, unsubscribed] of [false, false, true].entries()) {
      const contact = await api('POST', '/v1/contacts', {
        email: `c${index}-${tag}@example.org`,
        first_name: `Ada${index}`,
        properties: { plan: 'pro' },
        unsubscribed,
      });
      await api('PUT', `/v1/lists/${String(list.json.id)}/contacts/${String(contact.json.id)}`);
      contacts.push(contact.json);
    }

    // Act
    const created = await api('POST', '/v1/broadcasts', {
      name: 'December',
      from: `news@${domain}`,
      subject: 'Hi {{contact.first_name}} {{contact.last_name}}',
      html: '<p>{{contact.properties.plan}}</p><a href="{{unsubscribe_url}}">Unsubscribe</a>',
      audience: { list_id: list.json.id },
    });
    const id = String(created.json.id);
    const patchedWhileDraft = await api('PATCH', `/v1/broadcasts/${id}`, { name: 'December news' });
    const sent = await api('POST', `/v1/broadcasts/${id}/send`, {});
    const patchedWhileSending = await api('PATCH', `/v1/broadcasts/${id}`, { name: 'too late' });
    await expect
      .poll(async () => (await api('GET', `/v1/broadcasts/${id}`)).json.status, { timeout: 60_000 })
      .toBe('sent');

    // Assert
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'draft', audience: { list_id: list.json.id } });
    expect(patchedWhileDraft.json).toMatchObject({ name: 'December news' });
    expect(sent.json).toMatchObject({ status: 'sending' });
    expect(patchedWhileSending.status).toBe(409);
    expect(patchedWhileSending.json).toMatchObject({ error_code: 'invalid_state', name: 'validation_error' });
    const broadcast = await api('GET', `/v1/broadcasts/${id}`);
    expect(broadcast.json.counts).toEqual({
      recipients: 3,
      sent: 2,
      failed: 0,
      suppressed: 0,
      unsubscribed: 1,
      skipped: 0,
    });
    const recipients = await api('GET', `/v1/broadcasts/${id}/recipients`);
    const statuses = (recipients.json.data as { status: string; email: string }[])
      .map((r) => r.status)
      .sort();
    expect(statuses).toEqual(['delivered', 'delivered', 'unsubscribed']);
    const emails = await api('GET', `/v1/emails?broadcast_id=${id}`);
    const data = emails.json.data as {
      broadcast_id: string;
      subject: string;
      headers: Record<string, string>;
    }[];
    expect(data).toHaveLength(2);
    for (const email of data) {
      expect(email.broadcast_id).toBe(id);
      expect(email.subject).toMatch(/^Hi Ada[01] $/);
      expect(email.headers['List-Unsubscribe']).toMatch(
        new RegExp(`^<${stack.url}/u/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}>$`),
      );
      expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    }
    const received = (await (await fetch(`${stack.aws.sesEndpoint}/store/headers`)).json()) as SentHeaders[];
    const ours = received.filter((entry) => entry.to.some((to) => to.endsWith(`-${tag}@example.org`)));
    expect(ours).toHaveLength(2);
    for (const entry of ours) {
      expect(entry.headers['list-unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/u\/.+>$/);
      expect(entry.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    }
    // Its status poll may take up to 60 s under a loaded machine: the test's own bound must exceed it.
  }, 90_000);

  it('refuses to send from a domain the project has not verified, and to change or delete a broadcast once sent', async () => {
    const list = await api('POST', '/v1/lists', { name: 'empty' });
    const refused = await api('POST', '/v1/broadcasts', {
      name: 'x',
      from: 'news@not-ours.example',
      subject: 's',
      text: 't',
      audience: { list_id: list.json.id },
    });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ error_code: 'domain_not_verified' });
    const created = await api('POST', '/v1/broadcasts', {
      name: 'x',
      from: `n@${domain}`,
      subject: 's',
      text: 't',
      audience: { list_id: list.json.id },
    });
    const id = String(created.json.id);
    await api('POST', `/v1/broadcasts/${id}/send`, {});
    await expect
      .poll(async () => (await api('GET', `/v1/broadcasts/${id}`)).json.status, { timeout: 60_000 })
      .toBe('sent');
    expect((await api('DELETE', `/v1/broadcasts/${id}`)).json).toMatchObject({ error_code: 'invalid_state' });
    expect((await api('POST', `/v1/broadcasts/${id}/cancel`)).status).toBe(409);
    // The poll above may take up to its 60 s under a loaded machine: the test's own bound must exceed it.
  }, 90_000);
});
