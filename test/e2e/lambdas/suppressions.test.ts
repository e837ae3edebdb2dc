/**
 * Suppressions and one-click unsubscribe over HTTP through the local stack: the API, sends that drop
 * suppressed recipients (or are refused when none is left), bounces and complaints that suppress,
 * and the public /u/{token} pages (GET never unsubscribes; POST does, once, idempotently).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stackSecret } from '../../../lambdas/http/cursor-secret.js';
import { signUnsubscribeToken } from '../../../lambdas/unsubscribe/token.js';
import { call } from '../../support/http-client.js';
import { sentEmails } from '../../support/local-aws.js';
import { OTHER_DOMAIN, OTHER_PROJECT, startTestStack, type TestStack } from '../../support/local-stack.js';
import { outboxEvents } from '../../support/outbox.js';

let stack: TestStack;
let project: { projectId: string; key: string; domain: string };
beforeAll(async () => {
  stack = await startTestStack();
  project = await stack.freshProject();
});
afterAll(async () => {
  await stack?.close();
});

const unique = (name: string) => `${name}-${randomBytes(5).toString('hex')}@example.org`;

const suppress = (email: string, key = project.key, reason?: string) =>
  call(stack.url, {
    method: 'POST',
    path: '/v1/suppressions',
    key,
    body: { email, ...(reason ? { reason } : {}) },
  });

const send = (body: Record<string, unknown>, key = project.key, domain = project.domain) =>
  call(stack.url, {
    method: 'POST',
    path: '/v1/emails',
    key,
    body: { from: `news@${domain}`, subject: 'hello', text: 'x', ...body },
  });

async function projectEvents(projectId: string, type: string) {
  return (await outboxEvents(stack.aws, projectId)).filter((item) => item.type === type);
}

describe('the suppressions API', () => {
  it('adds, finds (any case), lists and removes an address; adding again keeps the first', async () => {
    const address = unique('Ada');
    const created = await suppress(address.toUpperCase());
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      email: address.toLowerCase(),
      reason: 'manual',
      created_at: expect.any(String) as string,
    });
    const again = await suppress(address, project.key, 'complaint');
    expect(again.json).toEqual(created.json);

    const found = await call(stack.url, {
      path: `/v1/suppressions?email=${encodeURIComponent(address.toUpperCase())}`,
      key: project.key,
    });
    expect(found.json).toEqual({ object: 'list', data: [created.json], has_more: false, next_cursor: null });
    const listed = await call(stack.url, { path: '/v1/suppressions?limit=100', key: project.key });
    expect(listed.json).toMatchObject({ object: 'list' });
    expect(listed.json.data).toContainEqual(created.json);

    const removed = await call(stack.url, {
      method: 'DELETE',
      path: `/v1/suppressions/${encodeURIComponent(address.toUpperCase())}`,
      key: project.key,
    });
    expect(removed.json).toEqual({ email: address.toLowerCase(), deleted: true });
    const gone = await call(stack.url, {
      method: 'DELETE',
      path: `/v1/suppressions/${encodeURIComponent(address)}`,
      key: project.key,
    });
    expect(gone.status).toBe(404);
  });

  it('pages the list with limit and cursor', async () => {
    const fresh = await stack.freshProject();
    for (const name of ['a', 'b', 'c']) await suppress(unique(name), fresh.key);
    const first = await call(stack.url, { path: '/v1/suppressions?limit=2', key: fresh.key });
    expect(first.json).toMatchObject({ has_more: true });
    const cursor = encodeURIComponent(String(first.json.next_cursor));
    const rest = await call(stack.url, { path: `/v1/suppressions?limit=2&cursor=${cursor}`, key: fresh.key });
    expect(rest.json).toMatchObject({ has_more: false, next_cursor: null });
    expect((rest.json.data as unknown[]).length + (first.json.data as unknown[]).length).toBe(3);
  });

  it('refuses what is not an address and an unknown reason', async () => {
    expect((await suppress('not-an-address')).status).toBe(400);
    expect((await suppress(unique('x'), project.key, 'spam')).status).toBe(400);
  });

  it("never shows or applies another project's suppressions", async () => {
    const theirKey = (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;
    const address = unique('theirs');
    expect((await suppress(address, theirKey)).status).toBe(201);
    const seen = await call(stack.url, { path: `/v1/suppressions?email=${address}`, key: project.key });
    expect(seen.json.data).toEqual([]);
    const deleted = await call(stack.url, {
      method: 'DELETE',
      path: `/v1/suppressions/${address}`,
      key: project.key,
    });
    expect(deleted.status).toBe(404);
    const sent = await send({ to: address });
    expect(sent.status).toBe(200);
    const theirs = await send({ to: address }, theirKey, OTHER_DOMAIN);
    expect(theirs.status).toBe(422);
  });
});

describe('sends to suppressed addresses', () => {
  it('drops them from to, cc and bcc, lists them on the email and records email.suppressed', async () => {
    const [gone, kept, goneBcc] = [unique('gone'), unique('kept'), unique('gone-bcc')];
    await suppress(gone);
    await suppress(goneBcc);
    const sent = await send({ to: [`Gone <${gone.toUpperCase()}>`, kept], bcc: goneBcc });
    expect(sent.status).toBe(200);
    const id = String(sent.json.id);

    const email = await call(stack.url, { path: `/v1/emails/${id}`, key: project.key });
    expect(email.json).toMatchObject({ to: [kept], bcc: [], suppressed: [gone, goneBcc] });
    const delivered = (await sentEmails(stack.aws.sesEndpoint)).find((e) => e.destination.to.includes(kept));
    expect(delivered?.destination).toEqual({ to: [kept], cc: [], bcc: [] });
    const events = await projectEvents(project.projectId, 'email.suppressed');
    expect(events.map((event) => event.data)).toContainEqual({ email_id: id, suppressed: [gone, goneBcc] });
  });

  it('answers 422 recipient_suppressed and sends nothing when every recipient is suppressed', async () => {
    const gone = unique('all-gone');
    await suppress(gone);
    const before = (await sentEmails(stack.aws.sesEndpoint)).length;
    const refused = await send({ to: gone, subject: 'never' });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ error_code: 'recipient_suppressed', name: 'validation_error' });
    const after = await sentEmails(stack.aws.sesEndpoint);
    expect(after.length).toBe(before);
  });

  it('fails a batch whose email has no recipient left, naming its index, before sending any', async () => {
    const gone = unique('batch-gone');
    await suppress(gone);
    const before = (await sentEmails(stack.aws.sesEndpoint)).length;
    const from = `news@${project.domain}`;
    const batch = await call(stack.url, {
      method: 'POST',
      path: '/v1/emails/batch',
      key: project.key,
      body: [
        { from, to: unique('fine'), subject: 'one', text: 'x' },
        { from, to: [gone], subject: 'two', text: 'x' },
      ],
    });
    expect(batch.status).toBe(422);
    expect(batch.json).toMatchObject({ error_code: 'recipient_suppressed' });
    expect(String(batch.json.message)).toMatch(/^Email 1: /);
    expect(batch.json.errors).toEqual([{ path: '1.to', message: expect.any(String) as string }]);
    expect((await sentEmails(stack.aws.sesEndpoint)).length).toBe(before);
  });

  it('suppresses a permanently bounced address: the next send to it is refused', async () => {
    const bounced = `bounce+${randomBytes(4).toString('hex')}@simulator.amazonses.com`;
    const first = await send({ to: bounced });
    expect(first.status).toBe(200);
    const suppression = await vi.waitFor(
      async () => {
        const found = await call(stack.url, {
          path: `/v1/suppressions?email=${encodeURIComponent(bounced)}`,
          key: project.key,
        });
        const [entry] = found.json.data as Record<string, unknown>[];
        expect(entry).toBeDefined();
        return entry;
      },
      { timeout: 10_000, interval: 25 },
    );
    expect(suppression).toMatchObject({ reason: 'bounce', source_email_id: first.json.id });
    const second = await send({ to: [bounced, unique('other')] });
    const email = await call(stack.url, { path: `/v1/emails/${String(second.json.id)}`, key: project.key });
    expect(email.json).toMatchObject({ suppressed: [bounced] });
    expect((await send({ to: bounced })).json.error_code).toBe('recipient_suppressed');
  });

  it('suppresses a complaining address with reason complaint', async () => {
    const complained = `complaint+${randomBytes(4).toString('hex')}@simulator.amazonses.com`;
    const sent = await send({ to: complained });
    const suppression = await vi.waitFor(
      async () => {
        const found = await call(stack.url, {
          path: `/v1/suppressions?email=${encodeURIComponent(complained)}`,
          key: project.key,
        });
        const [entry] = found.json.data as Record<string, unknown>[];
        expect(entry).toBeDefined();
        return entry;
      },
      { timeout: 10_000, interval: 25 },
    );
    expect(suppression).toMatchObject({ reason: 'complaint', source_email_id: sent.json.id });
  });
});

describe('the unsubscribe pages, GET and POST /u/{token}', () => {
  async function contactWithToken(): Promise<{ id: string; email: string; token: string }> {
    const email = unique('Reader');
    const created = await call(stack.url, {
      method: 'POST',
      path: '/v1/contacts',
      key: project.key,
      body: { email },
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    const secret = await stackSecret(
      { documents: stack.aws.documents, dataTable: stack.aws.tables.data },
      'UNSUBSCRIBE_SECRET',
    );
    const token = signUnsubscribeToken(secret, {
      projectId: project.projectId,
      contactId: id,
      broadcastId: 'bc_1',
    });
    return { id, email, token };
  }

  const contact = async (id: string) =>
    (await call(stack.url, { path: `/v1/contacts/${id}`, key: project.key })).json;
  const oneClick = (token: string) =>
    call(stack.url, {
      method: 'POST',
      path: `/u/${token}`,
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('GET answers a hardened confirm page and never unsubscribes', async () => {
    const { id, token } = await contactWithToken();
    for (let i = 0; i < 2; i++) {
      const page = await call(stack.url, { path: `/u/${token}` });
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(page.text).toContain('<form method="post">');
      expect(page.text).not.toContain(token);
    }
    expect((await contact(id)).unsubscribed).toBe(false);
  });

  it('one-click POST unsubscribes, suppresses, records contact.unsubscribed, and is idempotent', async () => {
    const { id, email, token } = await contactWithToken();
    const first = await oneClick(token);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await contact(id)).unsubscribed).toBe(true);
    const found = await call(stack.url, { path: `/v1/suppressions?email=${email}`, key: project.key });
    expect(found.json.data).toEqual([
      { email: email.toLowerCase(), reason: 'unsubscribe', created_at: expect.any(String) as string },
    ]);

    expect((await oneClick(token)).status).toBe(200);
    const events = await projectEvents(project.projectId, 'contact.unsubscribed');
    expect(events.filter((event) => (event.data as { id: string }).id === id)).toEqual([
      expect.objectContaining({ data: { id, email, broadcast_id: 'bc_1' } }),
    ]);
    expect((await send({ to: email })).json.error_code).toBe('recipient_suppressed');
  });

  it("the page's form unsubscribes and answers a page", async () => {
    const { id, token } = await contactWithToken();
    const done = await call(stack.url, {
      method: 'POST',
      path: `/u/${token}`,
      rawBody: 'confirm=unsubscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.status).toBe(200);
    expect(done.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(done.text).toContain('Unsubscribed');
    expect((await contact(id)).unsubscribed).toBe(true);
  });

  it('answers 404 to a tampered or unknown token, for GET and POST, and changes nothing', async () => {
    const { id, token } = await contactWithToken();
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [tampered, 'not-a-token', `x${token}`]) {
      expect((await call(stack.url, { path: `/u/${encodeURIComponent(bad)}` })).status).toBe(404);
      expect((await oneClick(encodeURIComponent(bad))).status).toBe(404);
    }
    expect((await contact(id)).unsubscribed).toBe(false);
  });

  it('refuses a POST that is neither one-click nor the form, and needs no key', async () => {
    const { id, token } = await contactWithToken();
    const other = await call(stack.url, { method: 'POST', path: `/u/${token}`, rawBody: 'hello=1' });
    expect(other.status).toBe(400);
    expect((await contact(id)).unsubscribed).toBe(false);
  });
});
