/** Sending, listing and reading emails over HTTP through the local gateway, with the local SES. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES } from '../../../../local/gateway.js';
import { call } from '../../../support/http-client.js';
import { sentEmails } from '../../../support/local-aws.js';
import { OTHER_DOMAIN, OTHER_PROJECT, startTestStack, type TestStack } from '../../../support/local-stack.js';

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
const email = (overrides: Record<string, unknown> = {}) => ({
  from: 'Scopegate <hello@example.com>',
  to: `to-${unique()}@example.com`,
  subject: `Subject ${unique()}`,
  text: 'Hello',
  ...overrides,
});
const send = (body: unknown, headers: Record<string, string> = {}, withKey = key) =>
  call(stack.url, { method: 'POST', path: '/v1/emails', key: withKey, body, headers });

describe('POST /v1/emails', () => {
  it('sends through SES, answers the id and records the email as sent', async () => {
    // Arrange
    const body = email({
      cc: ['cc@example.com'],
      html: '<p>Hello</p>',
      tags: [{ name: 'kind', value: 'welcome' }],
    });
    // Act
    const response = await send(body);
    // Assert
    expect(response.status).toBe(200);
    const id = String(response.json.id);
    expect(id).toMatch(/^em_[0-9A-Za-z]{22}$/);
    const delivered = (await sentEmails(stack.aws.sesEndpoint)).filter(
      (sent) => sent.subject === body.subject,
    );
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.destination.to).toEqual([body.to]);
    expect(delivered[0]?.destination.cc).toEqual(['cc@example.com']);
    const stored = await call(stack.url, { path: `/v1/emails/${id}`, key });
    expect(stored.status).toBe(200);
    expect(stored.json).toMatchObject({ id, to: [body.to], subject: body.subject });
    // The local SES's Delivery event may already have been recorded (test/e2e/lambdas/sending/email-events-store.test.ts).
    expect(['sent', 'delivered']).toContain(stored.json.status);
    expect(stored.json.tags).toEqual([{ name: 'kind', value: 'welcome' }]);
    expect(stored.json.ses_message_id).toBe(delivered[0]?.messageId);
  });

  it('sends once for a retried request with the same Idempotency-Key and body', async () => {
    const body = email();
    const headers = { 'Idempotency-Key': `retry-${unique()}` };
    const first = await send(body, headers);
    const second = await send(body, headers);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.json.id).toBe(first.json.id);
    expect(
      (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === body.subject),
    ).toHaveLength(1);
  });

  it('answers 409 for the same Idempotency-Key with another body, and sends nothing', async () => {
    const headers = { 'Idempotency-Key': `conflict-${unique()}` };
    await send(email(), headers);
    const other = email();
    const response = await send(other, headers);
    expect(response.status).toBe(409);
    expect(response.json.error_code).toBe('idempotency_conflict');
    expect(
      (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === other.subject),
    ).toHaveLength(0);
  });

  it('keeps Idempotency-Keys of two projects apart', async () => {
    const otherKey = (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;
    const headers = { 'Idempotency-Key': `shared-${unique()}` };
    const body = email();
    const mine = await send(body, headers);
    const theirs = await send({ ...body, from: `a@${OTHER_DOMAIN}` }, headers, otherKey);
    expect(theirs.status).toBe(200);
    expect(theirs.json.id).not.toBe(mine.json.id);
  });

  it.each([
    ['no recipient', { to: undefined }, 'to'],
    ['an invalid address', { to: 'not-an-address' }, 'to'],
    ['neither html nor text', { text: undefined }, 'html'],
    ['an unknown field', { attachment: [] }, 'attachment'],
    ['a subject with a line break', { subject: 'a\r\nBcc: victim@example.com' }, 'subject'],
    ['a reserved header', { headers: { Bcc: 'victim@example.com' } }, 'headers'],
    ['a resent header (RFC 5322)', { headers: { 'Resent-From': 'ceo@victim.example' } }, 'headers'],
    ['more than 50 recipients', { to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) }, 'to'],
  ])('answers 400 validation_error for %s', async (_case, overrides, path) => {
    const response = await send(email(overrides));
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('validation_error');
    expect(response.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it.each([
    [
      '51 addresses in to',
      { to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) },
      'to must not, with cc and bcc, name more than 50 recipients.',
    ],
    ['no to at all', { to: undefined }, 'to must be an email address or a list of them.'],
    ['an empty to list', { to: [] }, 'to must name at least one address.'],
    [
      'a tag name with a space',
      { tags: [{ name: 'a b', value: 'x' }] },
      'tags.0.name must be 1 to 256 letters, digits, _ or -.',
    ],
  ])('says what is wrong with %s once, in a sentence naming the field', async (_case, overrides, message) => {
    const response = await send(email(overrides));
    expect(response.status).toBe(400);
    const path = message.split(' ')[0];
    expect(response.json).toMatchObject({ message, errors: [{ path, message }] });
  });

  it('names the Idempotency-Key header when its value is invalid', async () => {
    const response = await send(email(), { 'Idempotency-Key': 'has a space' });
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([
      {
        path: 'idempotency-key',
        message: 'The Idempotency-Key header must be 1 to 256 printable ASCII characters, without spaces.',
      },
    ]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await call(stack.url, { method: 'POST', path: '/v1/emails', key, rawBody: '{"from":' });
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('validation_error');
  });

  it('answers 413 payload_too_large above API Gateway’s 10 MB limit', async () => {
    const response = await send(email({ text: 'x'.repeat(MAX_PAYLOAD_BYTES) }));
    expect(response.status).toBe(413);
    expect(response.json).toEqual({
      statusCode: 413,
      name: 'validation_error',
      message: 'The request body is larger than 10 MB.',
      error_code: 'payload_too_large',
    });
  });

  it('answers 403 domain_not_allowed when the key may not send from the domain', async () => {
    // example.com is verified; the key narrows it to mail.example.com and its subdomains.
    const restricted = (await stack.putKey({ allowedDomains: new Set(['mail.example.com']) })).key.key;
    const denied = await send(email({ from: 'a@example.com' }), {}, restricted);
    const allowed = await send(email({ from: 'A <a@MAIL.example.com>' }), {}, restricted);
    const deeper = await send(email({ from: 'a@eu.mail.example.com' }), {}, restricted);
    const lookalike = await send(email({ from: 'a@evilmail.example.com' }), {}, restricted);
    expect(denied.status).toBe(403);
    expect(denied.json.error_code).toBe('domain_not_allowed');
    expect(allowed.status).toBe(200);
    expect(deeper.status).toBe(200);
    expect(lookalike.status).toBe(403);
  });

  it('answers 403, not 422, when the key does not allow a domain the project has not verified either', async () => {
    const restricted = (await stack.putKey({ allowedDomains: new Set(['mail.example.com']) })).key.key;
    const response = await send(email({ from: 'a@unverified.example.org' }), {}, restricted);
    expect(response.status).toBe(403);
    expect(response.json.error_code).toBe('domain_not_allowed');
  });

  it('answers 422 domain_not_verified when a key allows a domain its project has not verified', async () => {
    const wide = (await stack.putKey({ allowedDomains: new Set(['example.org']) })).key.key;
    const response = await send(email({ from: 'a@example.org' }), {}, wide);
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({
      error_code: 'domain_not_verified',
      message: 'example.org is not on a verified domain of this project.',
    });
  });
});

describe('GET /v1/emails', () => {
  it('lists the project’s emails newest first, page by page with a cursor', async () => {
    // Arrange: a project of its own so other tests' emails don't interleave.
    const { key: own, domain } = await stack.freshProject();
    const ids: string[] = [];
    for (let index = 0; index < 5; index++)
      ids.push(String((await send(email({ from: `a@${domain}` }), {}, own)).json.id));
    // Act
    const first = await call(stack.url, { path: '/v1/emails?limit=2', key: own });
    const second = await call(stack.url, {
      path: `/v1/emails?limit=2&cursor=${first.json.next_cursor}`,
      key: own,
    });
    const third = await call(stack.url, {
      path: `/v1/emails?limit=2&cursor=${second.json.next_cursor}`,
      key: own,
    });
    // Assert
    const pageIds = (page: typeof first) => (page.json.data as { id: string }[]).map((item) => item.id);
    expect([...pageIds(first), ...pageIds(second), ...pageIds(third)]).toEqual([...ids].reverse());
    expect(first.json.has_more).toBe(true);
    expect(third.json.has_more).toBe(false);
    expect(third.json.next_cursor).toBeNull();
  });

  it.each([['limit=0'], ['limit=101'], ['limit=abc'], ['cursor=not-a-cursor']])(
    'answers 400 for %s',
    async (query) => {
      const response = await call(stack.url, { path: `/v1/emails?${query}`, key });
      expect(response.status).toBe(400);
      expect(response.json.error_code).toBe('validation_error');
    },
  );
});

describe('GET /v1/emails/{id}', () => {
  it('answers 404 for another project’s email, exactly like a missing one', async () => {
    const otherKey = (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;
    const theirs = String((await send(email({ from: `a@${OTHER_DOMAIN}` }), {}, otherKey)).json.id);
    const foreign = await call(stack.url, { path: `/v1/emails/${theirs}`, key });
    const missing = await call(stack.url, { path: '/v1/emails/em_0000000000000000000000', key });
    const garbage = await call(stack.url, { path: '/v1/emails/..%2F..%2Fx', key });
    expect(foreign.status).toBe(404);
    const { request_id: _foreignId, ...foreignBody } = foreign.json;
    const { request_id: _missingId, ...missingBody } = missing.json;
    expect(foreignBody).toEqual(missingBody);
    expect(garbage.status).toBe(404);
  });
});

interface StoredWithAttachments {
  readonly messageId: string;
  readonly subject: string;
  readonly attachments: { filename?: string; contentType: string; content: string; size: number }[];
}

/** The local SES's store, with the attachments it parsed out of the raw messages. */
async function storeBySubject(subjects: readonly string[]): Promise<StoredWithAttachments[]> {
  const response = await fetch(`${stack.aws.sesEndpoint}/store`);
  const { emails } = (await response.json()) as { emails: StoredWithAttachments[] };
  return emails.filter((sent) => subjects.includes(sent.subject));
}

describe('attachments', () => {
  it('arrive in the local SES with their sanitised name, content type and bytes', async () => {
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, index) => index % 256));
    const body = email({
      from: 'Zoë Ünicode <hello@example.com>',
      attachments: [
        { filename: '../reports/Q3 résumé.pdf', content: bytes.toString('base64') },
        {
          filename: 'notes',
          content: Buffer.from('plain').toString('base64'),
          content_type: 'text/markdown',
        },
      ],
    });
    const response = await send(body);
    expect(response.status).toBe(200);
    const [stored] = await storeBySubject([body.subject]);
    expect(
      stored?.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
    ).toEqual([
      { filename: 'Q3 résumé.pdf', contentType: 'application/pdf', size: 3000 },
      { filename: 'notes', contentType: 'text/markdown', size: 5 },
    ]);
    expect(Buffer.from(stored?.attachments[0]?.content ?? '', 'base64').equals(bytes)).toBe(true);
  });

  it('refuses 4 MB + 1 byte decoded with a 400 naming attachments, and sends nothing', async () => {
    const body = email({
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(4 * 1024 * 1024 + 1).toString('base64') }],
    });
    const response = await send(body);
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([
      {
        path: 'attachments',
        message: 'attachments must not exceed 4 MB (4,194,304 bytes) decoded, all attachments together.',
      },
    ]);
    expect(await storeBySubject([body.subject])).toEqual([]);
  });

  it('refuses a dangerous extension hidden behind another one', async () => {
    const response = await send(email({ attachments: [{ filename: 'invoice.pdf.EXE', content: 'aGk=' }] }));
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([expect.objectContaining({ path: 'attachments.0.filename' })]);
  });
});

describe('POST /v1/emails/batch', () => {
  const sendBatch = (body: unknown, headers: Record<string, string> = {}) =>
    call(stack.url, { method: 'POST', path: '/v1/emails/batch', key, body, headers });

  it('sends every email, in order, and answers their ids in that order', async () => {
    const emails = [email(), email(), email()];
    const response = await sendBatch(emails);
    expect(response.status).toBe(200);
    const ids = (response.json.data as { id: string }[]).map(({ id }) => id);
    expect(ids).toHaveLength(3);
    const subjects = emails.map((sent) => sent.subject);
    expect((await storeBySubject(subjects)).map((sent) => sent.subject)).toEqual(subjects);
    for (const [index, id] of ids.entries()) {
      const stored = await call(stack.url, { path: `/v1/emails/${id}`, key });
      expect(stored.json).toMatchObject({ subject: subjects[index] });
      expect(['sent', 'delivered']).toContain(stored.json.status);
    }
  });

  it('sends none when one email is invalid, naming it by position', async () => {
    const emails = [email(), email({ to: 'not-an-address' }), email()];
    const response = await sendBatch(emails);
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([
      { path: '1.to', message: expect.stringMatching(/^Item 1: to must be an email address/) },
    ]);
    expect(await storeBySubject(emails.map((sent) => sent.subject))).toEqual([]);
  });

  it('replays the same ids for the same Idempotency-Key without sending again, and 409s another body', async () => {
    const emails = [email(), email()];
    const headers = { 'Idempotency-Key': `batch-${unique()}` };
    const first = await sendBatch(emails, headers);
    const second = await sendBatch(emails, headers);
    const other = await sendBatch([email()], headers);
    expect(first.status).toBe(200);
    expect(second.json).toEqual(first.json);
    expect(await storeBySubject(emails.map((sent) => sent.subject))).toHaveLength(2);
    expect(other.status).toBe(409);
    expect(other.json.error_code).toBe('idempotency_conflict');
  });

  it('refuses 101 emails and sends none', async () => {
    const emails = Array.from({ length: 101 }, () => email());
    const response = await sendBatch(emails);
    expect(response.status).toBe(400);
    expect(response.json.message).toBe('The request body must have at most 100 items.');
    expect(await storeBySubject(emails.map((sent) => sent.subject))).toEqual([]);
  });
});
