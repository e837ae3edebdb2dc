/**
 * Resend's `contacts.*`, `contacts.segments.*`, `segments.*` and `audiences.*`, called with Resend's
 * own SDK against the local stack's `/resend` surface, with the contacts and lists checked behind them
 * through `/v1`: a Resend segment is a scopegate list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import { startTestStack, type TestStack } from '../../../support/local-stack.js';
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
const emailOf = (name: string) => `${name}-${unique()}@example.org`;
const v1 = (path: string) => call(stack.url, { path, key });

async function newSegment(name = `Segment ${unique()}`): Promise<string> {
  const created = await resendClient(stack.url, key).segments.create({ name });
  expect(created.error).toBeNull();
  return String(created.data?.id);
}

describe('resend.segments and resend.audiences', () => {
  it('creates, gets, lists after an id, renames and removes a segment: a scopegate list', async () => {
    const resend = resendClient(stack.url, key);
    const name = `Segment ${unique()}`;
    const created = await resend.segments.create({ name });
    const id = String(created.data?.id);
    expect(created.data).toEqual({ object: 'segment', id: expect.stringMatching(/^lst_/), name });
    expect((await v1(`/v1/lists/${id}`)).json).toMatchObject({ id, name, contact_count: 0 });

    const got = await resend.segments.get(id);
    expect(got.data).toEqual({ object: 'segment', id, name, created_at: expect.any(String) });
    const newer = await newSegment();
    const page = await resend.segments.list({ limit: 1 });
    expect(page.data).toMatchObject({ object: 'list', has_more: true, data: [{ id: newer }] });
    const next = await resend.segments.list({ limit: 1, after: newer });
    expect(next.data?.data.map((segment) => segment.id)).toEqual([id]);

    const renamed = await resend.segments.update(id, { name: 'Renamed' });
    expect(renamed.data).toEqual({ object: 'segment', id });
    expect((await v1(`/v1/lists/${id}`)).json).toMatchObject({ name: 'Renamed' });

    const removed = await resend.segments.remove(id);
    expect(removed.data).toEqual({ object: 'segment', id, deleted: true });
    expect((await resend.segments.get(id)).error).toMatchObject({ statusCode: 404, name: 'not_found' });
  });

  it('serves resend.audiences (SDK 6 calls them segments) from the same lists', async () => {
    const resend = resendClient(stack.url, key);
    const created = await resend.audiences.create({ name: 'Newsletter' });
    expect(created.data).toMatchObject({ object: 'segment', name: 'Newsletter' });
    expect((await resend.audiences.get(String(created.data?.id))).data).toMatchObject({ name: 'Newsletter' });
  });
});

describe('resend.contacts', () => {
  it('creates a contact in segments, gets it by id and by email in Resend’s shape, and lists it', async () => {
    const resend = resendClient(stack.url, key);
    const segment = await newSegment();
    const email = emailOf('ada');
    const created = await resend.contacts.create({
      email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      unsubscribed: false,
      properties: { plan: 'pro', seats: 3 },
      segments: [{ id: segment }],
    });
    expect(created.error).toBeNull();
    const id = String(created.data?.id);
    expect(created.data).toEqual({ object: 'contact', id: expect.stringMatching(/^ct_/) });
    expect((await v1(`/v1/contacts/${id}`)).json).toMatchObject({
      email,
      first_name: 'Ada',
      properties: { plan: 'pro', seats: 3 },
      lists: [segment],
    });

    const expected = {
      object: 'contact',
      id,
      email,
      first_name: 'Ada',
      last_name: 'Lovelace',
      unsubscribed: false,
      created_at: expect.any(String),
      properties: { plan: { type: 'string', value: 'pro' }, seats: { type: 'number', value: 3 } },
    };
    expect((await resend.contacts.get(id)).data).toEqual(expected);
    expect((await resend.contacts.get({ email: email.toUpperCase() })).data).toEqual(expected);

    const all = await resend.contacts.list({ limit: 100 });
    expect(all.data?.data).toContainEqual({
      id,
      email,
      first_name: 'Ada',
      last_name: 'Lovelace',
      unsubscribed: false,
      created_at: expect.any(String),
    });
    const inSegment = await resend.contacts.list({ segmentId: segment });
    expect(inSegment.data).toMatchObject({ object: 'list', has_more: false, data: [{ id }] });
  });

  it('pages contacts with limit and after', async () => {
    const resend = resendClient(stack.url, key);
    const older = await resend.contacts.create({ email: emailOf('older') });
    const newer = await resend.contacts.create({ email: emailOf('newer') });
    const first = await resend.contacts.list({ limit: 1 });
    expect(first.data?.data.map((contact) => contact.id)).toEqual([newer.data?.id]);
    const second = await resend.contacts.list({ limit: 1, after: String(newer.data?.id) });
    expect(second.data?.data.map((contact) => contact.id)).toEqual([older.data?.id]);
  });

  it('updates and removes a contact by email', async () => {
    const resend = resendClient(stack.url, key);
    const email = emailOf('grace');
    const created = await resend.contacts.create({ email, properties: { plan: 'free', team: 'a' } });
    const id = String(created.data?.id);

    const updated = await resend.contacts.update({
      email,
      unsubscribed: true,
      firstName: 'Grace',
      properties: { plan: 'pro', team: null },
    });
    expect(updated.data).toEqual({ object: 'contact', id });
    expect((await v1(`/v1/contacts/${id}`)).json).toMatchObject({
      unsubscribed: true,
      first_name: 'Grace',
      properties: { plan: 'pro' },
    });

    const removed = await resend.contacts.remove({ email });
    expect(removed.data).toEqual({ object: 'contact', contact: id, deleted: true });
    expect((await v1(`/v1/contacts/${id}`)).status).toBe(404);
    expect((await resend.contacts.get({ email })).error).toMatchObject({
      statusCode: 404,
      name: 'not_found',
    });
  });

  it('adds, lists and removes a contact’s segments by id and by email', async () => {
    const resend = resendClient(stack.url, key);
    const segment = await newSegment('Customers');
    const email = emailOf('linus');
    const id = String((await resend.contacts.create({ email })).data?.id);

    const added = await resend.contacts.segments.add({ email, segmentId: segment });
    expect(added.data).toEqual({ id: segment });
    const listed = await resend.contacts.segments.list({ contactId: id });
    expect(listed.data).toEqual({
      object: 'list',
      has_more: false,
      data: [{ id: segment, name: 'Customers', created_at: expect.any(String) }],
    });
    const removed = await resend.contacts.segments.remove({ contactId: id, segmentId: segment });
    expect(removed.data).toEqual({ id: segment, deleted: true });
    expect((await v1(`/v1/contacts/${id}`)).json).toMatchObject({ lists: [] });
  });

  it('serves the audienceId paths: a contact of an audience (a list)', async () => {
    const resend = resendClient(stack.url, key);
    const audienceId = await newSegment();
    const email = emailOf('legacy');
    const created = await resend.contacts.create({ audienceId, email, firstName: 'Old' });
    const id = String(created.data?.id);
    expect((await v1(`/v1/contacts/${id}`)).json).toMatchObject({ lists: [audienceId] });

    expect((await resend.contacts.get({ audienceId, email })).data).toMatchObject({ id, first_name: 'Old' });
    const updated = await resend.contacts.update({ audienceId, id, lastName: 'Timer' });
    expect(updated.data).toEqual({ object: 'contact', id });
    const otherAudience = await newSegment();
    expect((await resend.contacts.get({ audienceId: otherAudience, id })).error).toMatchObject({
      statusCode: 404,
    });
    const removed = await resend.contacts.remove({ audienceId, email });
    expect(removed.data).toEqual({ object: 'contact', contact: id, deleted: true });
  });

  it('refuses topics by name and creates nothing; a missing segment is a 404 before the contact exists', async () => {
    const resend = resendClient(stack.url, key);
    const email = emailOf('topics');
    const topics = await resend.contacts.create({ email, topics: [{ id: 'tp_1', subscription: 'opt_in' }] });
    expect(topics.error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
    expect(topics.error?.message).toContain('topics');
    const missing = await resend.contacts.create({ email, segments: [{ id: 'lst_0000000000000000000000' }] });
    expect(missing.error).toMatchObject({ statusCode: 404, name: 'not_found' });
    expect((await resend.contacts.get({ email })).error).toMatchObject({ statusCode: 404 });
    const topicList = await resend.contacts.topics.list({ email });
    expect(topicList.error).toMatchObject({ statusCode: 404, name: 'not_found' });
  });

  it('answers a key that may only read with restricted_api_key on a write', async () => {
    const reader = (
      await stack.putKey({ type: 'general', permission: 'custom', scopes: new Set(['audience:read']) })
    ).key.key;
    const refused = await resendClient(stack.url, reader).contacts.create({ email: emailOf('no') });
    expect(refused.error).toMatchObject({ statusCode: 403, name: 'restricted_api_key' });
  });
});
