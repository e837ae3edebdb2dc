/**
 * Resend's suppressions, called with Resend's own SDK against the local stack's `/resend` surface:
 * each method's answer in Resend's shape, the project's suppressions behind it as `/v1` reads them,
 * and a send through Resend's `emails.send` to a suppressed address refused in Resend's shape.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import { sentEmails } from '../../../support/local-aws.js';
import { startTestStack, type TestStack } from '../../../support/local-stack.js';
import { resendClient } from '../../../support/resend-client.js';

let stack: TestStack;
let key: string;
let domain: string;
beforeAll(async () => {
  stack = await startTestStack();
  ({ key, domain } = await stack.freshProject());
});
afterAll(async () => {
  await stack?.close();
});

const resend = () => resendClient(stack.url, key);
const address = (name: string) => `${name}-${randomBytes(4).toString('hex')}@example.org`;
const v1Suppression = async (email: string) =>
  (await call(stack.url, { path: `/v1/suppressions?email=${encodeURIComponent(email)}`, key })).json
    .data as unknown[];

describe('resend.suppressions', () => {
  it('adds an address, gets it by id and by address, lists it, and removes it', async () => {
    const email = address('Ada');
    const added = await resend().suppressions.add({ email });
    const id = String(added.data?.id);
    const byId = await resend().suppressions.get(id);
    const byEmail = await resend().suppressions.get(email.toUpperCase());
    const listed = await resend().suppressions.list({ limit: 100 });
    expect(added).toMatchObject({
      data: { object: 'suppression', id: expect.stringMatching(/^sup_/) },
      error: null,
    });
    expect(byId.data).toEqual({
      object: 'suppression',
      id,
      email: email.toLowerCase(),
      origin: 'manual',
      source_id: null,
      created_at: expect.any(String),
    });
    expect(byEmail.data).toEqual(byId.data);
    expect(listed.data?.object).toBe('list');
    const { object: _object, ...entry } = byId.data ?? {};
    expect(listed.data?.data).toContainEqual(entry);
    expect(await v1Suppression(email)).toEqual([expect.objectContaining({ reason: 'manual' })]);

    const removed = await resend().suppressions.remove(email);
    expect(removed).toMatchObject({ data: { object: 'suppression', id, deleted: true }, error: null });
    expect(await v1Suppression(email)).toEqual([]);
    expect((await resend().suppressions.get(id)).error).toMatchObject({ statusCode: 404, name: 'not_found' });
    expect((await resend().suppressions.remove(id)).error).toMatchObject({
      statusCode: 404,
      name: 'not_found',
    });
  });

  it('adds and removes in batches: by address, then by id, an address not suppressed answered not deleted', async () => {
    const emails = [address('one'), address('two')];
    const added = await resend().suppressions.batch.add({ emails });
    const ids = (added.data?.data ?? []).map((item) => item.id);
    expect(added.error).toBeNull();
    expect(added.data?.data).toEqual(ids.map((id) => ({ object: 'suppression', id })));
    for (const email of emails) expect(await v1Suppression(email)).toHaveLength(1);

    const byIds = await resend().suppressions.batch.remove({ ids });
    expect(byIds.data?.data).toEqual(ids.map((id) => ({ object: 'suppression', id, deleted: true })));
    const again = await resend().suppressions.batch.remove({ emails: [emails[0] ?? ''] });
    expect(again.data?.data).toEqual([{ object: 'suppression', id: ids[0], deleted: false }]);
    for (const email of emails) expect(await v1Suppression(email)).toEqual([]);
  });

  it("pages the list with after and before (an item's id)", async () => {
    const emails = [address('a'), address('b'), address('c')];
    await resend().suppressions.batch.add({ emails });
    const all = (await resend().suppressions.list({ limit: 100 })).data?.data ?? [];
    const [first, second, third] = all;
    const after = await resend().suppressions.list({ limit: 1, after: String(first?.id) });
    const before = await resend().suppressions.list({ limit: 1, before: String(third?.id) });
    expect(after.data).toEqual({ object: 'list', data: [second], has_more: true });
    expect(before.data).toEqual({ object: 'list', data: [second], has_more: true });
  });

  it('refuses a list by origin with an invalid_parameter error naming it', async () => {
    const { data, error } = await resend().suppressions.list({ origin: 'bounce' });
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
    expect(error?.message).toContain('origin');
  });

  it("refuses a send through emails.send to a suppressed address in Resend's shape, and sends nothing", async () => {
    const email = address('gone');
    await resend().suppressions.add({ email });
    const subject = `Suppressed ${randomBytes(4).toString('hex')}`;
    const { data, error } = await resend().emails.send({
      from: `hello@${domain}`,
      to: email,
      subject,
      text: 'x',
    });
    expect(data).toBeNull();
    expect(error).toMatchObject({
      statusCode: 422,
      name: 'validation_error',
      error_code: 'recipient_suppressed',
    });
    expect((await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === subject)).toHaveLength(
      0,
    );
  });

  it("answers a key without suppressions:write with the SDK's restricted_api_key error", async () => {
    const reader = (
      await stack.putKey({ type: 'general', permission: 'custom', scopes: new Set(['suppressions:read']) })
    ).key.key;
    const { error } = await resendClient(stack.url, reader).suppressions.add({ email: address('x') });
    expect(error).toMatchObject({ statusCode: 403, name: 'restricted_api_key' });
  });
});
