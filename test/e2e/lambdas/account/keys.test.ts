/**
 * Keys over the API, end to end through the local gateway: a full-access key manages its project's
 * keys, a new key works at once, a revoke and a rotation take effect on the next request, and no
 * key JSON ever carries a hash. The escalation matrix is test/integration/lambdas/account/keys.escalation.test.ts.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../../lambdas/api/routes.js';
import { GENERAL_SCOPES } from '../../../../lambdas/api/scopes.js';
import { call, type CallResult } from '../../../support/http-client.js';
import { startTestStack, TEST_PROJECT, TEST_TEAM, type TestStack } from '../../../support/local-stack.js';

let stack: TestStack;
let admin: string;
beforeAll(async () => {
  stack = await startTestStack();
  admin = (await stack.putKey({ permission: 'full_access' })).key.key;
});
afterAll(async () => {
  await stack?.close();
});

const api = (method: string, path: string, key: string, body?: unknown): Promise<CallResult> =>
  call(stack.url, { method, path, key, ...(body === undefined ? {} : { body }) });

/** No answer ever carries a hash, in any spelling. */
function expectNoHash(answer: CallResult): void {
  expect(answer.text).not.toMatch(/key_?hash/i);
  expect(answer.text).not.toMatch(/[0-9a-f]{64}/);
}

describe('create', () => {
  it('creates a custom key that works at once, for exactly its scopes', async () => {
    const created = await api('POST', '/v1/api-keys', admin, {
      name: 'templates reader',
      permissions: { templates: 'read' },
    });
    expect(created.status).toBe(201);
    expectNoHash(created);
    expect(created.json).toMatchObject({
      name: 'templates reader',
      type: 'general',
      permission: 'custom',
      scopes: ['templates:read'],
      project_id: TEST_PROJECT,
      team_id: TEST_TEAM,
      status: 'active',
      revoked_at: null,
      created_by: expect.stringMatching(/^[0-9A-Za-z]{12}$/),
    });
    const key = String(created.json.key);
    expect(key).toMatch(/^sk_test_/);

    expect((await api('GET', '/v1/templates', key)).status).toBe(200);
    const refused = await api('POST', '/v1/templates', key, { name: 'x', text: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.json.required_scope).toBe('templates:write');
  });

  it('shows the secret only at creation: get and list never carry it', async () => {
    const created = await api('POST', '/v1/api-keys', admin, { name: 'shown once' });
    const id = String(created.json.id);
    const got = await api('GET', `/v1/api-keys/${id}`, admin);
    expect(got.status).toBe(200);
    expect(got.json.key).toBeUndefined();
    expectNoHash(got);
    const listed = await api('GET', '/v1/api-keys?limit=100', admin);
    expectNoHash(listed);
    expect(JSON.stringify(listed.json)).not.toContain(String(created.json.key));
  });

  it.each([
    [{ name: 'b', type: 'billing', scopes: ['billing:read'] }, 'type'],
    [{ name: 'b', scopes: ['billing:read'] }, 'scopes'],
    [{ name: 'x', scopes: ['emails:send'], permissions: { emails: 'full' } }, 'permissions'],
    [{ name: 'x', rate_limit_per_second: 0 }, 'rate_limit_per_second'],
    [{ name: 'x', allowed_ips: '10.0.0.1, nonsense' }, 'allowed_ips'],
    [{ name: 'x', expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
  ])('refuses %j with a 400 naming %s', async (body, path) => {
    const answer = await api('POST', '/v1/api-keys', admin, body);
    expect(answer.status).toBe(400);
    expect(answer.json.error_code).toBe('validation_error');
    expect(JSON.stringify(answer.json.errors)).toContain(`"path":"${path}`);
  });
});

describe('revoke', () => {
  it('takes effect on the next request, and the key stays listed as revoked', async () => {
    const created = await api('POST', '/v1/api-keys', admin, {
      name: 'short-lived',
      permission: 'sending_only',
    });
    const key = String(created.json.key);
    const id = String(created.json.id);
    const before = await api('POST', '/v1/emails', key, {
      from: 'a@example.com',
      to: 'b@example.org',
      subject: 's',
      text: 't',
    });
    expect(before.status).toBe(200);

    const revoked = await api('DELETE', `/v1/api-keys/${id}`, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id, status: 'revoked', revoked_at: expect.any(String) });

    const after = await api('POST', '/v1/emails', key, {
      from: 'a@example.com',
      to: 'b@example.org',
      subject: 's',
      text: 't',
    });
    expect(after.status).toBe(403);
    expect(after.json.error_code).toBe('key_revoked');
    const again = await api('DELETE', `/v1/api-keys/${id}`, admin);
    expect(again.json.revoked_at).toBe(revoked.json.revoked_at);
    const patched = await api('PATCH', `/v1/api-keys/${id}`, admin, { name: 'back' });
    expect(patched.status).toBe(400);
  });
});

describe('rotate', () => {
  it('keeps the old secret working until the grace ends, and not after', async () => {
    const created = await api('POST', '/v1/api-keys', admin, {
      name: 'rotating',
      permissions: { templates: 'read' },
    });
    const oldKey = String(created.json.key);
    const id = String(created.json.id);

    const rotated = await api('POST', `/v1/api-keys/${id}/rotate`, admin, { grace_period_seconds: 3600 });
    expect(rotated.status).toBe(200);
    expectNoHash(rotated);
    const newKey = String(rotated.json.key);
    expect(newKey).not.toBe(oldKey);
    expect(newKey.startsWith(`sk_test_${id}`)).toBe(true);
    expect(Date.parse(String(rotated.json.previous_key_expires_at))).toBeGreaterThan(Date.now() + 3500_000);

    expect((await api('GET', '/v1/templates', oldKey)).status).toBe(200);
    expect((await api('GET', '/v1/templates', newKey)).status).toBe(200);

    // The grace ends (the clock moves past previousKeyExpiresAt): the old secret is refused, the new one is not.
    await stack.aws.documents.send(
      new UpdateCommand({
        TableName: stack.aws.tables.apiKeys,
        Key: { keyId: id },
        UpdateExpression: 'SET previousKeyExpiresAt = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const old = await api('GET', '/v1/templates', oldKey);
    expect(old.status).toBe(401);
    expect(old.json.error_code).toBe('invalid_api_key');
    expect((await api('GET', '/v1/templates', newKey)).status).toBe(200);
  });

  it('with a grace of 0 ends the old secret at once', async () => {
    const created = await api('POST', '/v1/api-keys', admin, {
      name: 'no grace',
      permissions: { templates: 'read' },
    });
    const rotated = await api('POST', `/v1/api-keys/${String(created.json.id)}/rotate`, admin, {
      grace_period_seconds: 0,
    });
    expect(rotated.json.previous_key_expires_at).toBeNull();
    expect((await api('GET', '/v1/templates', String(created.json.key))).status).toBe(401);
    expect((await api('GET', '/v1/templates', String(rotated.json.key))).status).toBe(200);
  });
});

describe("a rotated key's previous secret cannot take the key over", () => {
  it('refuses the old secret every permission route during the grace; the new secret keeps the key', async () => {
    // Arrange: a full_access key rotates itself (a leak was noticed) with a day of grace.
    const created = await api('POST', '/v1/api-keys', admin, { name: 'leaked', permission: 'full_access' });
    const id = String(created.json.id);
    const oldKey = String(created.json.key);
    const rotated = await api('POST', `/v1/api-keys/${id}/rotate`, oldKey, { grace_period_seconds: 86_400 });
    expect(rotated.status).toBe(200);
    const newKey = String(rotated.json.key);

    // Act: the leaker, holding the old secret, tries to rotate again with no grace, make a key, edit, revoke.
    const attempts = [
      await api('POST', `/v1/api-keys/${id}/rotate`, oldKey, { grace_period_seconds: 0 }),
      await api('POST', '/v1/api-keys', oldKey, { name: 'backdoor', permission: 'full_access' }),
      await api('PATCH', `/v1/api-keys/${id}`, oldKey, { allowed_ips: null }),
      await api('DELETE', `/v1/api-keys/${id}`, oldKey),
      await api('GET', '/v1/api-keys', oldKey),
      await api('GET', '/v1/audit-log', oldKey),
    ];

    // Assert: each is a 403 naming the permission and saying why; nothing changed.
    for (const attempt of attempts) {
      expect(attempt.status).toBe(403);
      expect(attempt.json).toMatchObject({
        error_code: 'insufficient_scope',
        required_permission: 'full_access',
      });
      expect(String(attempt.json.message)).toMatch(/previous secret.*cannot manage API keys/);
    }
    expect((await api('GET', '/v1/templates', oldKey)).status).toBe(200);
    const shown = await api('GET', `/v1/api-keys/${id}`, newKey);
    expect(shown.status).toBe(200);
    expect(shown.json.revoked_at).toBeNull();
    expect(Date.parse(String(shown.json.previous_key_expires_at))).toBe(
      Date.parse(String(rotated.json.previous_key_expires_at)),
    );
    // The owner, with the new secret, still manages the key: ending the grace at once locks the old secret out.
    const again = await api('POST', `/v1/api-keys/${id}/rotate`, newKey, { grace_period_seconds: 0 });
    expect(again.status).toBe(200);
    expect((await api('GET', '/v1/templates', oldKey)).status).toBe(401);
  });
});

describe('who may manage keys', () => {
  const keyRoutes = ROUTES.filter((route) => route.path.startsWith('/v1/api-keys'));
  const urlOf = (path: string) => path.replace('{id}', 'AAAAAAAAAAAA');

  it.each([
    ['a sending_only key', { permission: 'sending_only' }],
    [
      'a custom key holding every general scope',
      { permission: 'custom', scopes: new Set(Object.keys(GENERAL_SCOPES)) },
    ],
    [
      'a billing key',
      { type: 'billing', permission: 'custom', scopes: new Set(['billing:read', 'billing:write']) },
    ],
  ])('%s gets 403 on every /v1/api-keys route', async (_case, item) => {
    const { key } = await stack.putKey(item);
    expect(keyRoutes.length).toBeGreaterThanOrEqual(6);
    for (const route of keyRoutes) {
      const answer = await api(
        route.method,
        urlOf(route.path),
        key.key,
        route.method === 'GET' ? undefined : {},
      );
      expect([route.id, answer.status, answer.json.required_permission]).toEqual([
        route.id,
        403,
        'full_access',
      ]);
    }
  });

  it('hides billing keys of the project: 404 on get, edit, usage, rotate and revoke, absent from the list', async () => {
    const billing = await stack.putKey({
      type: 'billing',
      permission: 'custom',
      scopes: new Set(['billing:read']),
    });
    expect((await api('GET', `/v1/api-keys/${billing.key.keyId}`, admin)).status).toBe(404);
    expect((await api('POST', `/v1/api-keys/${billing.key.keyId}/rotate`, admin, {})).status).toBe(404);
    expect((await api('PATCH', `/v1/api-keys/${billing.key.keyId}`, admin, { name: 'x' })).status).toBe(404);
    expect((await api('GET', `/v1/api-keys/${billing.key.keyId}/usage`, admin)).json).toMatchObject({
      error_code: 'not_found',
    });
    expect((await api('DELETE', `/v1/api-keys/${billing.key.keyId}`, admin)).status).toBe(404);
    const listed = await api('GET', '/v1/api-keys?limit=100', admin);
    const ids = (listed.json.data as { id: string; type: string }[]).map((key) => key.id);
    expect(ids).not.toContain(billing.key.keyId);
  });
});

describe('list', () => {
  it('pages the project’s keys newest first with signed cursors, each key once', async () => {
    const made: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      const created = await api('POST', '/v1/api-keys', admin, { name });
      made.push(String(created.json.id));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: CallResult = await api('GET', `/v1/api-keys?limit=2${query}`, admin);
      expect(page.status).toBe(200);
      expect((page.json.data as unknown[]).length).toBeLessThanOrEqual(2);
      for (const entry of page.json.data as { id: string; project_id: string }[]) {
        expect(entry.project_id).toBe(TEST_PROJECT);
        seen.push(entry.id);
      }
      cursor = page.json.next_cursor as string | null;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    // Newest first: the three made here appear in reverse order of creation.
    expect(seen.filter((id) => made.includes(id))).toEqual(made.toReversed());
  });

  it('refuses a cursor of another route', async () => {
    const answer = await api('GET', '/v1/api-keys?cursor=abc', admin);
    expect(answer.status).toBe(400);
  });
});

describe('PATCH', () => {
  it('changes only the given fields and answers the key', async () => {
    const created = await api('POST', '/v1/api-keys', admin, { name: 'before', permission: 'sending_only' });
    const id = String(created.json.id);
    const patched = await api('PATCH', `/v1/api-keys/${id}`, admin, {
      name: 'after',
      rate_limit_per_second: 5,
      allowed_domains: ['example.com'],
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      name: 'after',
      permission: 'sending_only',
      rate_limit_per_second: 5,
      allowed_domains: ['example.com'],
    });
    expect((await api('GET', `/v1/api-keys/${id}`, admin)).json).toMatchObject({
      name: 'after',
      rate_limit_per_second: 5,
    });
  });
});
