/** Sending domains over HTTP through the local gateway, with the local SES identity stand-in. */
import { GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { claimKey } from '../../../../lambdas/domains/domain-store.js';
import { DOMAIN_TAKEN_MESSAGE } from '../../../../lambdas/domains/domains.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import {
  OTHER_DOMAIN,
  OTHER_PROJECT,
  startTestStack,
  TEST_PROJECT,
  type TestStack,
} from '../../../support/local-stack.js';
import { outboxEvents } from '../../../support/outbox.js';

let stack: TestStack;
let key: string;
beforeAll(async () => {
  stack = await startTestStack();
  key = (await stack.putKey({ permission: 'full_access' })).key.key;
});
afterAll(async () => {
  await stack?.close();
});

const unique = (suffix = 'com') => `e2e-${randomBytes(5).toString('hex')}.${suffix}`;
const create = (name: string, withKey = key) =>
  call(stack.url, { method: 'POST', path: '/v1/domains', key: withKey, body: { name } });
const verify = (id: string, withKey = key) =>
  call(stack.url, { method: 'POST', path: `/v1/domains/${id}/verify`, key: withKey });
const send = (from: string, withKey = key) =>
  call(stack.url, {
    method: 'POST',
    path: '/v1/emails',
    key: withKey,
    body: { from, to: 'someone@example.org', subject: `s ${unique()}`, text: 'x' },
  });
const sesHas = (name: string) =>
  stack.aws.ses.send(new GetEmailIdentityCommand({ EmailIdentity: name })).then(
    () => true,
    () => false,
  );
const eventsOf = (projectId: string) => outboxEvents(stack.aws, projectId);

describe('a domain from create to delete', () => {
  it('answers its records on create, verifies, lists, sends, and is gone after delete (name free again)', async () => {
    const name = unique();
    // Create: 201, pending, the records to publish.
    const created = await create(`  ${name.toUpperCase()}. `);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ object: 'domain', name, status: 'pending', verified_at: null });
    const id = String(created.json.id);
    expect(id).toMatch(/^dom_[0-9A-Za-z]{22}$/);
    const records = created.json.records as { purpose: string; type: string; name: string; value: string }[];
    expect(records.map((record) => `${record.purpose} ${record.type}`)).toEqual([
      'dkim CNAME',
      'dkim CNAME',
      'dkim CNAME',
      'mail_from_mx MX',
      'mail_from_spf TXT',
      'dmarc TXT',
    ]);
    for (const record of records.slice(0, 3)) {
      const token = record.name.split('.')[0];
      expect(record.name).toBe(`${token}._domainkey.${name}`);
      expect(record.value).toBe(`${token}.dkim.amazonses.com`);
    }
    expect(records[3]).toMatchObject({ name: `send.${name}`, priority: 10 });
    expect(await sesHas(name)).toBe(true);
    // Not verified yet: sending from it is refused.
    expect((await send(`a@${name}`)).json.error_code).toBe('domain_not_verified');

    // Verify: SES says verified; one domain.verified event; the records follow.
    const verified = await verify(id);
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({ id, status: 'verified', verified_at: expect.any(String) });
    expect((verified.json.records as { status: string }[]).slice(0, 5).map((r) => r.status)).toEqual(
      Array(5).fill('verified'),
    );
    expect((await call(stack.url, { path: `/v1/domains/${id}`, key })).json).toEqual(verified.json);

    // Sending: the domain and its subdomains, not a lookalike.
    expect((await send(`a@${name}`)).status).toBe(200);
    expect((await send(`News <news@mail.${name}>`)).status).toBe(200);
    expect((await send(`a@x${name}`)).json.error_code).toBe('domain_not_verified');

    // List.
    const listed = await call(stack.url, { path: '/v1/domains?limit=100', key });
    expect(listed.status).toBe(200);
    expect((listed.json.data as { id: string }[]).map((domain) => domain.id)).toContain(id);

    // Delete: the identity goes, the name is free for another project, the old id is 404.
    const deleted = await call(stack.url, { method: 'DELETE', path: `/v1/domains/${id}`, key });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ id, deleted: true });
    expect(await sesHas(name)).toBe(false);
    expect((await call(stack.url, { path: `/v1/domains/${id}`, key })).status).toBe(404);
    expect((await send(`a@${name}`)).json.error_code).toBe('domain_not_verified');
    const otherKey = (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;
    expect((await create(name, otherKey)).status).toBe(201);
  });

  it('a .invalid name fails verification, with one domain.failed event and none on a repeat', async () => {
    const { key: own, projectId } = await stack.freshProject();
    const created = await create(unique('invalid'), own);
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    const first = await verify(id, own);
    const again = await verify(id, own);
    expect([first.json.status, again.json.status]).toEqual(['failed', 'failed']);
    expect(first.json.verified_at).toBeNull();
    const events = await eventsOf(projectId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'domain.failed', data: { id, status: 'failed' } });
  });
});

describe('names across two projects', () => {
  const otherKey = async () => (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;

  it.each([
    ['a subdomain of', (name: string) => `mail.${name}`, (name: string) => name],
    ['a parent of', (name: string) => name, (name: string) => `mail.${name}`],
  ])('refuses %s a name another project holds with 409, naming neither', async (_case, theirs, mine) => {
    const base = unique();
    expect((await create(theirs(base))).status).toBe(201);
    const refused = await create(mine(base), await otherKey());
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ error_code: 'already_exists', message: DOMAIN_TAKEN_MESSAGE });
    expect(JSON.stringify(refused.json)).not.toContain(TEST_PROJECT);
  });

  it('frees a name whose domain was not verified within 72 hours: the holder sees it failed', async () => {
    const name = unique();
    const created = await create(name);
    const id = String(created.json.id);
    // 73 hours ago, as the item and its claim would say.
    const longAgo = new Date(Date.now() - 73 * 60 * 60 * 1000).toISOString();
    for (const key of [{ pk: `PROJECT#${TEST_PROJECT}`, sk: `DOMAIN#${id}` }, claimKey(name)]) {
      await stack.aws.documents.send(
        new UpdateCommand({
          TableName: stack.aws.tables.data,
          Key: key,
          UpdateExpression: 'SET createdAt = :at',
          ExpressionAttributeValues: { ':at': longAgo },
        }),
      );
    }

    const taken = await create(`mail.${name}`, await otherKey());
    expect(taken.status).toBe(201);
    const theirs = await create(name, await otherKey());
    expect(theirs.status).toBe(201);

    const lapsed = await call(stack.url, { method: 'GET', path: `/v1/domains/${id}`, key });
    expect(lapsed.json).toMatchObject({ status: 'failed', failure_reason: 'verification_expired' });
    expect((await eventsOf(TEST_PROJECT)).filter((event) => event.data?.id === id)).toMatchObject([
      { type: 'domain.failed', data: { failure_reason: 'verification_expired' } },
    ]);
    // Verifying or deleting the lapsed domain never touches the new holder's identity.
    expect((await verify(id)).json).toMatchObject({
      status: 'failed',
      failure_reason: 'verification_expired',
    });
    expect((await call(stack.url, { method: 'DELETE', path: `/v1/domains/${id}`, key })).status).toBe(200);
    expect(await sesHas(name)).toBe(true);
  });
});

describe('names', () => {
  it('answers 409 already_exists for a name any project holds, in any spelling', async () => {
    const name = unique();
    expect((await create(name)).status).toBe(201);
    const otherKey = (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;
    const taken = await create(`${name.toUpperCase()}.`, otherKey);
    expect(taken.status).toBe(409);
    expect(taken.json).toMatchObject({ error_code: 'already_exists', message: DOMAIN_TAKEN_MESSAGE });
    expect((await create(name)).status).toBe(409);
  });

  it.each([
    ['a public suffix', 'co.uk', 'name must be a registrable domain, not a public suffix.'],
    ['an IP address', '192.0.2.1', 'name must be a domain name, not an IP address.'],
    ['localhost', 'localhost', 'name must end in a public suffix such as .com.'],
    [
      'a too long label',
      `${'a'.repeat(64)}.com`,
      'name must be made of labels of 1 to 63 letters, digits or inner hyphens.',
    ],
  ])('answers 400 validation_error on name for %s', async (_case, name, message) => {
    const response = await create(name);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error_code: 'validation_error',
      message,
      errors: [{ path: 'name', message }],
    });
  });

  it('answers 400 for a missing name or an unknown field', async () => {
    const missing = await call(stack.url, { method: 'POST', path: '/v1/domains', key, body: {} });
    const extra = await call(stack.url, {
      method: 'POST',
      path: '/v1/domains',
      key,
      body: { name: unique(), project_id: 'x' },
    });
    expect([missing.status, extra.status]).toEqual([400, 400]);
  });
});

describe('sending is tenant-safe', () => {
  it("a project cannot send from another project's verified domain: 422 domain_not_verified", async () => {
    const response = await send(`a@${OTHER_DOMAIN}`);
    expect(response.status).toBe(422);
    expect(response.json.error_code).toBe('domain_not_verified');
    // The owner can.
    const otherKey = (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;
    expect((await send(`a@${OTHER_DOMAIN}`, otherKey)).status).toBe(200);
  });

  it("a key's allowedDomains narrows the project's verified domains (403), with the subdomain rule", async () => {
    const narrow = (await stack.putKey({ projectId: TEST_PROJECT, allowedDomains: ['news.example.com'] })).key
      .key;
    expect((await send('a@example.com', narrow)).json.error_code).toBe('domain_not_allowed');
    expect((await send('a@news.example.com', narrow)).status).toBe(200);
    expect((await send('a@eu.news.example.com', narrow)).status).toBe(200);
  });

  it('domains:read may list but not create; domains:write may create', async () => {
    const reader = (await stack.putKey({ permission: 'custom', scopes: ['domains:read'] })).key.key;
    expect((await call(stack.url, { path: '/v1/domains', key: reader })).status).toBe(200);
    const refused = await create(unique(), reader);
    expect(refused.status).toBe(403);
    expect(refused.json.required_scope).toBe('domains:write');
  });
});

describe('Idempotency-Key on POST /v1/domains', () => {
  it('answers a retried create with the same domain and creates one', async () => {
    const name = unique();
    const headers = { 'Idempotency-Key': `dom-${randomBytes(6).toString('hex')}` };
    const post = () => call(stack.url, { method: 'POST', path: '/v1/domains', key, body: { name }, headers });
    const first = await post();
    const retry = await post();
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    const listed = await call(stack.url, { method: 'GET', path: '/v1/domains?limit=100', key });
    const named = (listed.json.data as { name: string }[]).filter((domain) => domain.name === name);
    expect(named).toHaveLength(1);
  });
});
