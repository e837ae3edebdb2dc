/**
 * Idempotency is per calling key, and a replay never hands out a secret, end to end over HTTP: an
 * API key's create replayed answers 200 without `key`; another key of the project sending the same
 * Idempotency-Key and body makes its own call, with its own escalation check. A whole key pasted where
 * an id belongs reaches the audit log only as its public prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type CallResult } from '../../../support/http-client.js';
import { startTestStack, type TestStack } from '../../../support/local-stack.js';

let stack: TestStack;
let admin: string;
beforeAll(async () => {
  stack = await startTestStack();
  admin = (await stack.putKey({ permission: 'full_access' })).key.key;
});
afterAll(async () => {
  await stack?.close();
});

let counter = 0;
const unique = () => `${Date.now().toString(36)}-${++counter}`;

function createKey(key: string, idempotencyKey: string, body: unknown): Promise<CallResult> {
  return call(stack.url, {
    method: 'POST',
    path: '/v1/api-keys',
    key,
    body,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
}

describe('POST /v1/api-keys with an Idempotency-Key', () => {
  it('answers a replay 200 with the key JSON without its secret, marked Idempotent-Replayed', async () => {
    const idempotencyKey = `create-${unique()}`;
    const body = { name: `replayed ${unique()}` };

    const first = await createKey(admin, idempotencyKey, body);
    const replay = await createKey(admin, idempotencyKey, body);

    expect(first.status).toBe(201);
    expect(first.json.key).toMatch(/^sk_test_[0-9A-Za-z]{50}$/);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json.key).toBeUndefined();
    expect(replay.text).not.toContain(String(first.json.key));
    const { key: _secret, ...withoutSecret } = first.json;
    expect(replay.json).toEqual(withoutSecret);
  });

  it("never replays another key's answer: a restricted key gets its own escalation check", async () => {
    // Arrange: an admin limited to this IP and expiring, in the same project as `admin`.
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const restricted = (await stack.putKey({ permission: 'full_access', allowedIps: '127.0.0.1', expiresAt }))
      .key.key;
    const idempotencyKey = `escalate-${unique()}`;
    const body = { name: `unrestricted ${unique()}`, permission: 'full_access' };
    const first = await createKey(admin, idempotencyKey, body);

    // Act: the restricted key repeats the same Idempotency-Key and body.
    const repeated = await createKey(restricted, idempotencyKey, body);

    // Assert: refused as its own create would be, and no secret of the first answer in it.
    expect(first.status).toBe(201);
    expect(repeated.status).toBe(403);
    expect(repeated.json.error_code).toBe('permission_escalation');
    expect(repeated.headers['idempotent-replayed']).toBeUndefined();
    expect(repeated.text).not.toContain(String(first.json.key));
    expect(repeated.text).not.toContain(String(first.json.id));
  });

  it('lets another key of the project make its own resource with the same Idempotency-Key and body', async () => {
    const other = (await stack.putKey({ permission: 'full_access' })).key.key;
    const idempotencyKey = `shared-${unique()}`;
    const body = { name: `shared ${unique()}`, permissions: { templates: 'read' } };

    const first = await createKey(admin, idempotencyKey, body);
    const second = await createKey(other, idempotencyKey, body);

    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.json.id).not.toBe(first.json.id);
    expect(second.json.key).not.toBe(first.json.key);
    // Each key still replays its own create.
    const again = await createKey(other, idempotencyKey, body);
    expect([again.status, again.json.id]).toEqual([200, second.json.id]);
  });
});

describe('a whole key pasted where an id belongs', () => {
  it('is recorded in the audit log as its public prefix only', async () => {
    const pasted = (await stack.putKey({ permission: 'full_access' })).key;

    const refused = await call(stack.url, {
      method: 'DELETE',
      path: `/v1/api-keys/${pasted.key}`,
      key: admin,
    });
    const audit = await call(stack.url, { path: '/v1/audit-log?limit=5', key: admin });

    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain(pasted.key);
    expect(audit.status).toBe(200);
    expect(audit.text).not.toContain(pasted.key);
    const entries = audit.json.data as { action: string; resource_id: string | null; status: number }[];
    expect(entries[0]).toMatchObject({ action: 'api_key.revoke', resource_id: pasted.prefix, status: 404 });
  });
});
