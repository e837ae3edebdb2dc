/**
 * Resend's `apiKeys.*`, called with Resend's own SDK against the local stack's `/resend` surface: the
 * keys are `/v1` keys (the same escalation rules, the secret shown once and never stored with the
 * idempotency record), and the tokens they answer work — a `sending_access` key sends, from its
 * domain only, and does nothing else.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import { sentEmails } from '../../../support/local-aws.js';
import { createProject } from '../../../../lambdas/account/projects.js';
import { fixtureDomainOf, seedVerifiedDomain } from '../../../support/domains.js';
import { startTestStack, TEST_TEAM, type TestStack } from '../../../support/local-stack.js';
import { resendClient } from '../../../support/resend-client.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** A project of its own (keys are made only in a project that exists), with a verified domain. */
async function ownProject() {
  const projectId = `proj_${randomBytes(6).toString('hex')}`;
  const store = { documents: stack.aws.documents, dataTable: stack.aws.tables.data };
  await createProject(store, { id: projectId, teamId: TEST_TEAM, name: projectId });
  const domain = fixtureDomainOf(projectId);
  await seedVerifiedDomain(store, projectId, domain);
  const key = (await stack.putKey({ projectId })).key.key;
  return { projectId, key, domain };
}

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2)}`;

describe('resend.apiKeys', () => {
  it('creates a full_access key whose token works, lists, renames and removes it (revoked)', async () => {
    // Arrange
    const { key } = await ownProject();
    const resend = resendClient(stack.url, key);
    // Act
    const created = await resend.apiKeys.create({ name: 'deploys' });
    // Assert
    expect(created.error).toBeNull();
    const id = String(created.data?.id);
    const token = String(created.data?.token);
    expect(token.startsWith(`sk_test_${id}`)).toBe(true);
    const v1 = await call(stack.url, { path: `/v1/api-keys/${id}`, key });
    expect(v1.json).toMatchObject({ id, name: 'deploys', permission: 'full_access', status: 'active' });
    // The token is a key: it reads the domains of the project.
    expect((await resendClient(stack.url, token).domains.list()).error).toBeNull();

    const listed = await resend.apiKeys.list();
    expect(listed.error).toBeNull();
    expect(listed.data?.object).toBe('list');
    expect(listed.data?.data[0]).toEqual({
      id,
      name: 'deploys',
      created_at: v1.json.created_at,
      last_used_at: v1.json.last_used_at,
    });

    expect(await resend.apiKeys.update(id, { name: 'deploys v2' })).toMatchObject({
      data: { object: 'api_key', id },
      error: null,
    });
    expect((await call(stack.url, { path: `/v1/api-keys/${id}`, key })).json.name).toBe('deploys v2');

    expect(await resend.apiKeys.remove(id)).toMatchObject({
      data: { object: 'api_key', id, deleted: true },
      error: null,
    });
    expect((await resendClient(stack.url, token).domains.list()).error).toMatchObject({
      statusCode: 403,
      name: 'invalid_api_key',
    });
  });

  it('creates a sending_access key limited to domain_id’s domain: it sends from there only, and reads nothing', async () => {
    const { key, domain, projectId } = await ownProject();
    const resend = resendClient(stack.url, key);
    const domains = await resend.domains.list();
    const domainId = String(domains.data?.data.find((item) => item.name === domain)?.id);

    const created = await resend.apiKeys.create({
      name: 'mailer',
      permission: 'sending_access',
      domain_id: domainId,
    });
    expect(created.error).toBeNull();
    const id = String(created.data?.id);
    expect((await call(stack.url, { path: `/v1/api-keys/${id}`, key })).json).toMatchObject({
      project_id: projectId,
      permission: 'custom',
      scopes: ['emails:send'],
      allowed_domains: [domain],
    });

    const sender = resendClient(stack.url, String(created.data?.token));
    const subject = `Sending access ${unique()}`;
    const sent = await sender.emails.send({ from: `a@${domain}`, to: 'to@example.org', subject, text: 'x' });
    expect(sent.error).toBeNull();
    expect(
      (await sentEmails(stack.aws.sesEndpoint)).filter((email) => email.subject === subject),
    ).toHaveLength(1);
    const elsewhere = await sender.emails.send({
      from: 'a@example.com',
      to: 'to@example.org',
      subject: 'never',
      text: 'x',
    });
    expect(elsewhere.error).toMatchObject({ statusCode: 403, name: 'restricted_api_key' });
    expect((await sender.domains.list()).error).toMatchObject({
      statusCode: 403,
      name: 'restricted_api_key',
    });
  });

  it.each([
    ['a domain_id of no domain of the project', { permission: 'sending_access', domain_id: 'dom_none' }],
    ['a domain_id on a full_access key', { permission: 'full_access', domain_id: 'dom_none' }],
    ['an unknown permission', { permission: 'read_access' }],
  ] as const)('refuses %s with 422 validation_error and creates no key', async (_case, extra) => {
    const { key } = await ownProject();
    const resend = resendClient(stack.url, key);
    const before = (await resend.apiKeys.list()).data?.data.length;
    const { data, error } = await resend.apiKeys.create({
      name: 'x',
      ...(extra as object),
    } as Parameters<typeof resend.apiKeys.create>[0]);
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect((await resend.apiKeys.list()).data?.data.length).toBe(before);
  });

  it('keeps the /v1 rules: a sending key cannot make keys, and a replayed create never answers the token again', async () => {
    const { key } = await ownProject();
    const resend = resendClient(stack.url, key);
    const sending = await resend.apiKeys.create({ name: 's', permission: 'sending_access' });
    const refused = await resendClient(stack.url, String(sending.data?.token)).apiKeys.create({ name: 'up' });
    expect(refused.error).toMatchObject({ statusCode: 403, name: 'restricted_api_key' });

    const idempotencyKey = `key-${unique()}`;
    const first = await resend.post<{ id: string; token: string }>(
      '/api-keys',
      { name: 'once' },
      { idempotencyKey },
    );
    const again = await resend.post<{ id: string; token?: string }>(
      '/api-keys',
      { name: 'once' },
      { idempotencyKey },
    );
    expect(first.data?.token).toBeTruthy();
    expect(again.data).toEqual({ id: first.data?.id });
    // Nowhere in the Data table (idempotency records included) is the token.
    const items = await stack.aws.documents.send(new ScanCommand({ TableName: stack.aws.tables.data }));
    expect(JSON.stringify(items.Items)).not.toContain(String(first.data?.token));
  });

  it('pages with after and before (key ids), newest first', async () => {
    const { key } = await ownProject();
    const resend = resendClient(stack.url, key);
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      ids.push(String((await resend.apiKeys.create({ name: `k${index}` })).data?.id));
    }
    const [first, second, third] = ids;
    expect((await resend.apiKeys.list({ limit: 2 })).data).toMatchObject({
      data: [{ id: third }, { id: second }],
      has_more: true,
    });
    expect((await resend.apiKeys.list({ limit: 1, after: String(second) })).data?.data).toMatchObject([
      { id: first },
    ]);
    expect((await resend.apiKeys.list({ before: String(first) })).data).toMatchObject({
      data: [{ id: third }, { id: second }],
      has_more: false,
    });
  });
});
