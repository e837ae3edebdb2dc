/**
 * Usage and the audit log end to end: requests through the local gateway, counted by the same
 * consumer code as deployed (flushed by hand, not waited for), and every mutating call listed in
 * the project's audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import { startTestStack, type TestStack } from '../../../support/local-stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

interface UsageDay {
  date: string;
  allowed: number;
  denied: number;
  by_route: Record<string, number>;
  by_error: Record<string, number>;
}

/** Sums the window's days: a run that crosses midnight UTC splits its requests over two days. */
function total(days: UsageDay[]) {
  const sum = {
    allowed: 0,
    denied: 0,
    by_route: {} as Record<string, number>,
    by_error: {} as Record<string, number>,
  };
  for (const day of days) {
    sum.allowed += day.allowed;
    sum.denied += day.denied;
    for (const [route, count] of Object.entries(day.by_route))
      sum.by_route[route] = (sum.by_route[route] ?? 0) + count;
    for (const [code, count] of Object.entries(day.by_error))
      sum.by_error[code] = (sum.by_error[code] ?? 0) + count;
  }
  return sum;
}

describe('GET /v1/api-keys/{id}/usage', () => {
  it('counts exactly the allowed and denied requests made with a key', async () => {
    const admin = await stack.putKey();
    const reader = await stack.putKey({ permission: 'custom', scopes: new Set(['templates:read']) });
    const revoked = await stack.putKey({ revokedAt: '2026-01-01T00:00:00Z' });
    const allowed = 5;
    const denied = 3;
    for (let index = 0; index < allowed; index++) {
      expect((await call(stack.url, { path: '/v1/templates', key: reader.key.key })).status).toBe(200);
    }
    expect((await call(stack.url, { path: '/v1/templates/tpl_missing', key: reader.key.key })).status).toBe(
      404,
    );
    for (let index = 0; index < denied; index++) {
      const refused = await call(stack.url, {
        method: 'POST',
        path: '/v1/templates',
        key: reader.key.key,
        body: {},
      });
      expect(refused.status).toBe(403);
    }
    // Not attributable, so counted nowhere: no key, a malformed key.
    expect((await call(stack.url, { path: '/v1/templates' })).status).toBe(401);
    expect((await call(stack.url, { path: '/v1/templates', key: `${reader.key.key}x` })).status).toBe(401);
    expect((await call(stack.url, { path: '/v1/templates', key: revoked.key.key })).status).toBe(403);

    const before = await call(stack.url, {
      path: `/v1/api-keys/${reader.key.keyId}/usage`,
      key: admin.key.key,
    });
    expect(before.status).toBe(200);
    expect(before.json.last_used_at).toBeNull();

    await stack.usage.flush();
    const usage = await call(stack.url, {
      path: `/v1/api-keys/${reader.key.keyId}/usage?days=2`,
      key: admin.key.key,
    });
    expect(usage.status).toBe(200);
    const days = usage.json.data as UsageDay[];
    expect(days).toHaveLength(2);
    expect(days.map((day) => day.date)).toEqual([...days.map((day) => day.date)].toSorted());
    expect(total(days)).toEqual({
      allowed: allowed + 1,
      denied,
      by_route: { 'GET /v1/templates': allowed, 'GET /v1/templates/{id}': 1, 'POST /v1/templates': denied },
      by_error: { http_404: 1, insufficient_scope: denied },
    });
    expect(Date.parse(String(usage.json.last_used_at))).toBeGreaterThan(Date.now() - 60_000);

    // The revoked key's denial is its own, found through its item (a Deny names no project).
    const revokedUsage = await call(stack.url, {
      path: `/v1/api-keys/${revoked.key.keyId}/usage?days=2`,
      key: admin.key.key,
    });
    expect(total(revokedUsage.json.data as UsageDay[])).toMatchObject({
      allowed: 0,
      denied: 1,
      by_error: { key_revoked: 1 },
    });
  });

  it('answers 30 days by default and refuses a window outside 1–90', async () => {
    const admin = await stack.putKey();
    const usage = await call(stack.url, {
      path: `/v1/api-keys/${admin.key.keyId}/usage`,
      key: admin.key.key,
    });
    expect((usage.json.data as UsageDay[]).length).toBe(30);
    for (const days of ['0', '91', 'x']) {
      const refused = await call(stack.url, {
        path: `/v1/api-keys/${admin.key.keyId}/usage?days=${days}`,
        key: admin.key.key,
      });
      expect(refused.status).toBe(400);
      expect(refused.json.error_code).toBe('validation_error');
    }
  });

  it('is refused to a key without full_access', async () => {
    const custom = await stack.putKey({
      permission: 'custom',
      scopes: new Set(['templates:read', 'projects:read']),
    });
    const refused = await call(stack.url, {
      path: `/v1/api-keys/${custom.key.keyId}/usage`,
      key: custom.key.key,
    });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({
      error_code: 'insufficient_scope',
      required_permission: 'full_access',
    });
  });
});

interface AuditJson {
  id: string;
  created_at: string;
  key_id: string;
  action: string;
  resource_id: string | null;
  source_ip: string;
  surface: string;
  status: number;
  request_id: string;
}

describe('GET /v1/audit-log', () => {
  it('lists every mutating call of the project, newest first, with the key, source IP and status', async () => {
    const project = await stack.freshProject();
    const key = project.key;
    const keyId = key.slice('sk_test_'.length, 'sk_test_'.length + 12);
    const template = await call(stack.url, {
      method: 'POST',
      path: '/v1/templates',
      key,
      body: { name: 'Welcome', text: 'Hi' },
    });
    expect(template.status).toBe(201);
    const templateId = String(template.json.id);
    expect(
      (
        await call(stack.url, {
          method: 'PATCH',
          path: `/v1/templates/${templateId}`,
          key,
          body: { name: 'Hello' },
        })
      ).status,
    ).toBe(200);
    expect((await call(stack.url, { path: `/v1/templates/${templateId}`, key })).status).toBe(200); // a GET: not audited
    expect(
      (await call(stack.url, { method: 'DELETE', path: `/v1/templates/${templateId}`, key })).status,
    ).toBe(200);
    const domain = await call(stack.url, {
      method: 'POST',
      path: '/v1/domains',
      key,
      body: { name: `audit-${Date.now()}.com` },
    });
    expect(domain.status).toBe(201);
    const domainId = String(domain.json.id);
    expect((await call(stack.url, { method: 'DELETE', path: `/v1/domains/${domainId}`, key })).status).toBe(
      200,
    );
    // A refusal is recorded too: deleting what is no longer there.
    expect((await call(stack.url, { method: 'DELETE', path: `/v1/domains/${domainId}`, key })).status).toBe(
      404,
    );

    const log = await call(stack.url, { path: '/v1/audit-log', key });
    expect(log.status).toBe(200);
    const entries = log.json.data as AuditJson[];
    expect(entries.map(({ action, resource_id, status }) => ({ action, resource_id, status }))).toEqual([
      { action: 'domain.delete', resource_id: domainId, status: 404 },
      { action: 'domain.delete', resource_id: domainId, status: 200 },
      { action: 'domain.create', resource_id: domainId, status: 201 },
      { action: 'template.delete', resource_id: templateId, status: 200 },
      { action: 'template.update', resource_id: templateId, status: 200 },
      { action: 'template.create', resource_id: templateId, status: 201 },
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ key_id: keyId, source_ip: '127.0.0.1', surface: 'v1' });
      expect(entry.id).toMatch(/^aud_[0-9A-Za-z]{22}$/);
      expect(entry.request_id).not.toBe('');
    }
    expect(entries.map((entry) => entry.created_at)).toEqual(
      entries
        .map((entry) => entry.created_at)
        .toSorted()
        .reverse(),
    );
    expect(new Set(entries.map((entry) => entry.request_id)).size).toBe(entries.length);

    // Paged like every list, with a signed cursor.
    const first = await call(stack.url, { path: '/v1/audit-log?limit=4', key });
    expect((first.json.data as AuditJson[]).map((entry) => entry.id)).toEqual(
      entries.slice(0, 4).map((entry) => entry.id),
    );
    const second = await call(stack.url, {
      path: `/v1/audit-log?limit=4&cursor=${encodeURIComponent(String(first.json.next_cursor))}`,
      key,
    });
    expect((second.json.data as AuditJson[]).map((entry) => entry.id)).toEqual(
      entries.slice(4).map((entry) => entry.id),
    );
    expect(second.json.has_more).toBe(false);
  });

  it("never shows another project's calls", async () => {
    const mine = await stack.freshProject();
    const theirs = await stack.freshProject();
    await call(stack.url, {
      method: 'POST',
      path: '/v1/templates',
      key: theirs.key,
      body: { name: 'theirs', text: 'x' },
    });
    const log = await call(stack.url, { path: '/v1/audit-log', key: mine.key });
    expect(log.json.data).toEqual([]);
  });
});
