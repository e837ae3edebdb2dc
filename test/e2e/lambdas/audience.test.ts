/** Contacts, lists and segments over HTTP through the local gateway. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACTS } from '../../../docs/route-contracts.js';
import type { RouteId } from '../../../lambdas/api/routes.js';
import { projectPartition } from '../../../lambdas/aws/tables.js';
import { call, type CallResult } from '../../support/http-client.js';
import { startTestStack, type TestStack } from '../../support/local-stack.js';
import { outboxEvents } from '../../support/outbox.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** A project of its own for each test: counts, lists and events are then exactly the test's. */
async function project() {
  const { projectId, key } = await stack.freshProject();
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(stack.url, { method, path, key, body, headers });
  const contact = async (body: Record<string, unknown>) => {
    const created = await api('POST', '/v1/contacts', body);
    expect(created.status).toBe(201);
    return created.json as { id: string; email: string };
  };
  const list = async (name = 'Newsletter') => {
    const created = await api('POST', '/v1/lists', { name });
    expect(created.status).toBe(201);
    return created.json as { id: string };
  };
  return { projectId, key, api, contact, list };
}

const eventsOf = (projectId: string) => outboxEvents(stack.aws, projectId);

describe('contacts', () => {
  it('creates, finds by email in any case, changes and deletes a contact, with contact.* events', async () => {
    const { projectId, api, contact } = await project();
    const created = await contact({
      email: 'Ada@Example.com',
      first_name: 'Ada',
      properties: { plan: 'pro', seats: 3, beta: true },
    });
    expect(created).toMatchObject({
      object: 'contact',
      email: 'Ada@Example.com',
      first_name: 'Ada',
      last_name: null,
      phone: null,
      unsubscribed: false,
      lists: [],
      properties: { plan: 'pro', seats: 3, beta: true },
    });
    expect(created.id).toMatch(/^ct_/);

    const found = await api('GET', '/v1/contacts?email=ADA%40example.COM');
    expect(found.json).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect((found.json.data as { id: string }[]).map((c) => c.id)).toEqual([created.id]);

    const patched = await api('PATCH', `/v1/contacts/${created.id}`, {
      email: 'ada@lovelace.org',
      last_name: 'Lovelace',
      properties: { seats: 4, beta: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ email: 'ada@lovelace.org', properties: { plan: 'pro', seats: 4 } });
    // The old email is free again, the new one taken.
    expect((await api('GET', '/v1/contacts?email=ada@example.com')).json.data).toEqual([]);
    expect((await api('POST', '/v1/contacts', { email: 'ADA@lovelace.org' })).status).toBe(409);
    expect((await api('POST', '/v1/contacts', { email: 'ada@example.com' })).status).toBe(201);

    const deleted = await api('DELETE', `/v1/contacts/${created.id}`);
    expect(deleted.json).toEqual({ id: created.id, deleted: true });
    expect((await api('GET', `/v1/contacts/${created.id}`)).status).toBe(404);
    expect((await api('POST', '/v1/contacts', { email: 'ada@lovelace.org' })).status).toBe(201);

    const events = (await eventsOf(projectId)).filter((event) => event.data.id === created.id);
    expect(events.map((event) => event.type)).toEqual([
      'contact.created',
      'contact.updated',
      'contact.deleted',
    ]);
    expect(events[1]?.data).toMatchObject({ email: 'ada@lovelace.org', last_name: 'Lovelace' });
  });

  it('refuses a second contact with the same email in another case: 409 already_exists', async () => {
    const { api, contact } = await project();
    await contact({ email: 'grace@example.com' });
    const again = await api('POST', '/v1/contacts', { email: 'GRACE@EXAMPLE.COM' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error_code: 'already_exists', errors: [{ path: 'email' }] });
  });

  it('replays a create with the same Idempotency-Key', async () => {
    const { api } = await project();
    const headers = { 'idempotency-key': 'contact-1' };
    const first = await api('POST', '/v1/contacts', { email: 'once@example.com' }, headers);
    const second = await api('POST', '/v1/contacts', { email: 'once@example.com' }, headers);
    expect(second.status).toBe(201);
    expect(second.json.id).toBe(first.json.id);
  });

  it('lists contacts newest first, page by page', async () => {
    const { api, contact } = await project();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await contact({ email: `p${n}@example.com` })).id);
    const first = await api('GET', '/v1/contacts?limit=2');
    expect((first.json.data as { id: string }[]).map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const second = await api('GET', `/v1/contacts?limit=2&cursor=${String(first.json.next_cursor)}`);
    expect((second.json.data as { id: string }[]).map((c) => c.id)).toEqual([ids[0]]);
    expect(second.json.has_more).toBe(false);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no email', {}, 'email'],
    ['a bad email', { email: 'not an email' }, 'email'],
    ['a bad phone', { email: 'a@example.com', phone: '555' }, 'phone'],
    ['a property name with a dot', { email: 'a@example.com', properties: { 'a.b': 1 } }, 'properties.a.b'],
    [
      'an object as a property value',
      { email: 'a@example.com', properties: { a: { b: 1 } } },
      'properties.a',
    ],
    [
      'a property string over 512',
      { email: 'a@example.com', properties: { a: 'x'.repeat(513) } },
      'properties.a',
    ],
    [
      '51 properties',
      {
        email: 'a@example.com',
        properties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, i])),
      },
      'properties',
    ],
    [
      '10,000 properties',
      {
        email: 'a@example.com',
        properties: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, i])),
      },
      'properties',
    ],
    [
      'properties over 8 KB in all',
      {
        email: 'a@example.com',
        properties: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, 'x'.repeat(500)])),
      },
      'properties',
    ],
    ['a number beyond 2^53', { email: 'a@example.com', properties: { big: 1e300 } }, 'properties.big'],
    ['an unknown field', { email: 'a@example.com', age: 3 }, 'age'],
  ])('answers 400 for %s', async (_case, body, path) => {
    const { api } = await project();
    const response = await api('POST', '/v1/contacts', body);
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('validation_error');
    expect((response.json.errors as { path: string }[]).map((error) => error.path)).toContain(path);
  });

  it('refuses a PATCH that would take the properties past their bound', async () => {
    const { api, contact } = await project();
    const created = await contact({
      email: 'full@example.com',
      properties: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, i])),
    });
    const response = await api('PATCH', `/v1/contacts/${created.id}`, { properties: { one_more: 1 } });
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([
      { path: 'properties', message: expect.stringMatching(/at most 50/) },
    ]);
  });

  it('does not let a sending-only key read or write contacts', async () => {
    const { contact } = await project();
    await contact({ email: 'secret@example.com' });
    const { key } = await stack.putKey({ permission: 'sending_only' });
    for (const [method, path] of [
      ['GET', '/v1/contacts'],
      ['GET', '/v1/contacts?email=secret@example.com'],
      ['GET', '/v1/lists'],
      ['GET', '/v1/segments'],
      ['POST', '/v1/contacts'],
    ] as const) {
      const response = await call(stack.url, {
        method,
        path,
        key: key.key,
        body: { email: 'x@example.com' },
      });
      expect(response.status).toBe(403);
      expect(response.json.error_code).toBe('insufficient_scope');
    }
  });
});

describe('lists and membership', () => {
  it('puts contacts in a list, counts them, lists them with one query, and takes them out', async () => {
    const { api, contact, list } = await project();
    const news = await list();
    const ada = await contact({ email: 'ada@example.com' });
    const bob = await contact({ email: 'bob@example.com' });
    const put = await api('PUT', `/v1/lists/${news.id}/contacts/${ada.id}`);
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id: ada.id, lists: [news.id] });
    // Idempotent: a second PUT changes nothing.
    await api('PUT', `/v1/lists/${news.id}/contacts/${ada.id}`);
    await api('PUT', `/v1/lists/${news.id}/contacts/${bob.id}`);
    expect((await api('GET', `/v1/lists/${news.id}`)).json).toMatchObject({ contact_count: 2 });

    const page = await api('GET', `/v1/lists/${news.id}/contacts?limit=1`);
    expect((page.json.data as { id: string }[]).map((c) => c.id)).toEqual([bob.id]);
    const next = await api(
      'GET',
      `/v1/lists/${news.id}/contacts?limit=1&cursor=${String(page.json.next_cursor)}`,
    );
    expect((next.json.data as { id: string }[]).map((c) => c.id)).toEqual([ada.id]);

    // A cursor of one list is refused by another.
    const other = await list('Other');
    const foreignCursor = await api(
      'GET',
      `/v1/lists/${other.id}/contacts?cursor=${String(page.json.next_cursor)}`,
    );
    expect(foreignCursor.status).toBe(400);

    const removed = await api('DELETE', `/v1/lists/${news.id}/contacts/${ada.id}`);
    expect(removed.json).toEqual({ id: ada.id, deleted: true });
    expect((await api('DELETE', `/v1/lists/${news.id}/contacts/${ada.id}`)).status).toBe(404);
    expect((await api('GET', `/v1/contacts/${ada.id}`)).json.lists).toEqual([]);
    expect((await api('GET', `/v1/lists/${news.id}`)).json).toMatchObject({ contact_count: 1 });
  });

  it('deleting a contact leaves no membership behind and lowers the counts', async () => {
    const { projectId, api, contact, list } = await project();
    const [a, b] = [await list('A'), await list('B')];
    const ada = await contact({ email: 'ada@example.com' });
    await api('PUT', `/v1/lists/${a.id}/contacts/${ada.id}`);
    await api('PUT', `/v1/lists/${b.id}/contacts/${ada.id}`);
    await api('DELETE', `/v1/contacts/${ada.id}`);
    for (const l of [a, b]) {
      expect((await api('GET', `/v1/lists/${l.id}`)).json).toMatchObject({ contact_count: 0 });
      expect((await api('GET', `/v1/lists/${l.id}/contacts`)).json.data).toEqual([]);
    }
    expect(await itemsWithPrefix(projectId, 'LIST_MEMBER#')).toEqual([]);
  });

  it('deleting a list takes every contact out of it and keeps the contacts', async () => {
    const { projectId, api, contact, list } = await project();
    const [doomed, kept] = [await list('Doomed'), await list('Kept')];
    const contacts = [];
    for (let n = 0; n < 30; n++) contacts.push(await contact({ email: `c${n}@example.com` }));
    await Promise.all(contacts.map((c) => api('PUT', `/v1/lists/${doomed.id}/contacts/${c.id}`)));
    await api('PUT', `/v1/lists/${kept.id}/contacts/${contacts[0]?.id ?? ''}`);
    expect((await api('GET', `/v1/lists/${doomed.id}`)).json).toMatchObject({ contact_count: 30 });

    expect((await api('DELETE', `/v1/lists/${doomed.id}`)).json).toEqual({ id: doomed.id, deleted: true });
    expect((await api('GET', `/v1/lists/${doomed.id}`)).status).toBe(404);
    expect((await api('GET', `/v1/lists/${doomed.id}/contacts`)).status).toBe(404);
    expect((await api('DELETE', `/v1/lists/${doomed.id}`)).status).toBe(404);
    const members = await itemsWithPrefix(projectId, 'LIST_MEMBER#');
    expect(members.map((item) => item.listId)).toEqual([kept.id]);
    expect((await api('GET', `/v1/contacts/${contacts[0]?.id ?? ''}`)).json.lists).toEqual([kept.id]);
    expect((await api('GET', `/v1/contacts/${contacts[1]?.id ?? ''}`)).json.lists).toEqual([]);
    expect(((await api('GET', '/v1/lists')).json.data as { id: string }[]).map((l) => l.id)).toEqual([
      kept.id,
    ]);
  });

  it('changes a list’s name and clears its description', async () => {
    const { api } = await project();
    const created = await api('POST', '/v1/lists', { name: 'Old', description: 'about' });
    const id = String(created.json.id);
    const patched = await api('PATCH', `/v1/lists/${id}`, { name: 'New', description: null });
    expect(patched.json).toMatchObject({ name: 'New', description: null, contact_count: 0 });
  });
});

async function itemsWithPrefix(projectId: string, prefix: string) {
  const { Items = [] } = await stack.aws.documents.send(
    new QueryCommand({
      TableName: stack.aws.tables.data,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': projectPartition(projectId), ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return Items;
}

describe('segments', () => {
  it('answers the contacts a filter matches now, page by page', async () => {
    const { api, contact, list } = await project();
    const vip = await list('VIP');
    const ids: Record<string, string> = {};
    for (const [name, seats, unsubscribed] of [
      ['ann', 10, false],
      ['ben', 2, false],
      ['cat', 30, true],
      ['dan', 50, false],
      ['eve', 12, false],
    ] as const) {
      ids[name] = (await contact({ email: `${name}@example.com`, properties: { seats }, unsubscribed })).id;
    }
    await api('PUT', `/v1/lists/${vip.id}/contacts/${ids.dan ?? ''}`);
    const created = await api('POST', '/v1/segments', {
      name: 'Big, subscribed',
      filter: {
        match: 'all',
        conditions: [
          { field: 'properties.seats', op: 'gte', value: 10 },
          { field: 'unsubscribed', op: 'eq', value: false },
        ],
      },
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = await api('GET', `/v1/segments/${id}/contacts?limit=2${query}`);
      expect(page.status).toBe(200);
      seen.push(...(page.json.data as { id: string }[]).map((c) => c.id));
      cursor = page.json.next_cursor as string | null;
    } while (cursor !== null);
    expect(seen).toEqual([ids.eve, ids.dan, ids.ann]);

    // Evaluated on read: a change to a contact or the filter shows at once.
    await api('PATCH', `/v1/segments/${id}`, {
      filter: {
        match: 'any',
        conditions: [
          { field: 'list', op: 'eq', value: vip.id },
          { field: 'email', op: 'starts_with', value: 'BEN' },
        ],
      },
    });
    const now = await api('GET', `/v1/segments/${id}/contacts`);
    expect((now.json.data as { id: string }[]).map((c) => c.id)).toEqual([ids.dan, ids.ben]);
    expect((await api('GET', `/v1/segments/${id}`)).json).toMatchObject({ filter: { match: 'any' } });

    expect((await api('DELETE', `/v1/segments/${id}`)).json).toEqual({ id, deleted: true });
    expect((await api('GET', `/v1/segments/${id}/contacts`)).status).toBe(404);
  });

  it.each<[string, unknown, string]>([
    ['an unknown field', { conditions: [{ field: 'age', op: 'eq', value: 1 }] }, 'filter.conditions.0.field'],
    ['an unknown op', { conditions: [{ field: 'email', op: 'like', value: 'a' }] }, 'filter.conditions.0.op'],
    [
      'an op the field does not take',
      { conditions: [{ field: 'unsubscribed', op: 'gt', value: 1 }] },
      'filter.conditions.0.op',
    ],
    [
      'a value of the wrong type',
      { conditions: [{ field: 'unsubscribed', op: 'eq', value: 'no' }] },
      'filter.conditions.0.value',
    ],
    [
      'a list value for eq',
      { conditions: [{ field: 'properties.a', op: 'eq', value: [1] }] },
      'filter.conditions.0.value',
    ],
    ['an unknown match', { match: 'some', conditions: [{ field: 'list', op: 'exists' }] }, 'filter.match'],
    ['no conditions', { conditions: [] }, 'filter.conditions'],
    ['51 conditions', { conditions: Array(51).fill({ field: 'list', op: 'exists' }) }, 'filter.conditions'],
    [
      '10,000 conditions',
      { conditions: Array(10_000).fill({ field: 'list', op: 'exists' }) },
      'filter.conditions',
    ],
  ])('answers 400 for a filter with %s', async (_case, filter, path) => {
    const { api } = await project();
    const response = await api('POST', '/v1/segments', { name: 'bad', filter });
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([{ path, message: expect.stringMatching(/must/) }]);
  });
});

describe('every audience answer matches its contract', () => {
  const expectContract = (id: RouteId, response: CallResult) => {
    const contract = CONTRACTS[id];
    expect(response.status).toBe(contract.response.status);
    const parsed = contract.response.schema?.safeParse(response.json);
    expect(parsed === undefined || parsed.success ? [] : parsed.error.issues).toEqual([]);
  };

  it('for each of the 19 routes', async () => {
    const { api } = await project();
    const contact = await api('POST', '/v1/contacts', {
      email: 'c@example.com',
      phone: '+14155550123',
      properties: { a: 1 },
    });
    expectContract('createContact', contact);
    const c = String(contact.json.id);
    expectContract('getContact', await api('GET', `/v1/contacts/${c}`));
    expectContract('listContacts', await api('GET', '/v1/contacts'));
    expectContract('listContacts', await api('GET', '/v1/contacts?email=c@example.com'));
    expectContract('updateContact', await api('PATCH', `/v1/contacts/${c}`, { first_name: 'C' }));
    const list = await api('POST', '/v1/lists', { name: 'L', description: 'd' });
    expectContract('createList', list);
    const l = String(list.json.id);
    expectContract('getList', await api('GET', `/v1/lists/${l}`));
    expectContract('listLists', await api('GET', '/v1/lists'));
    expectContract('updateList', await api('PATCH', `/v1/lists/${l}`, { name: 'M' }));
    expectContract('addListContact', await api('PUT', `/v1/lists/${l}/contacts/${c}`));
    expectContract('listListContacts', await api('GET', `/v1/lists/${l}/contacts`));
    const segment = await api('POST', '/v1/segments', {
      name: 'S',
      filter: {
        match: 'any',
        conditions: [
          { field: 'list', op: 'in_list', value: [l] },
          { field: 'last_name', op: 'not_exists' },
        ],
      },
    });
    expectContract('createSegment', segment);
    const s = String(segment.json.id);
    expectContract('getSegment', await api('GET', `/v1/segments/${s}`));
    expectContract('listSegments', await api('GET', '/v1/segments'));
    expectContract('updateSegment', await api('PATCH', `/v1/segments/${s}`, { name: 'T' }));
    const members = await api('GET', `/v1/segments/${s}/contacts`);
    expectContract('listSegmentContacts', members);
    expect((members.json.data as { id: string }[]).map((x) => x.id)).toEqual([c]);
    expectContract('removeListContact', await api('DELETE', `/v1/lists/${l}/contacts/${c}`));
    expectContract('deleteSegment', await api('DELETE', `/v1/segments/${s}`));
    expectContract('deleteList', await api('DELETE', `/v1/lists/${l}`));
    expectContract('deleteContact', await api('DELETE', `/v1/contacts/${c}`));
  });
});
