/**
 * "Editing any of these in the DynamoDB console takes effect on the very next request": the item is
 * changed with the AWS SDK exactly as the console would store it, then the next call sees it. No waits.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
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

async function edit(
  keyId: string,
  update: string,
  values: Record<string, unknown> = {},
  names?: Record<string, string>,
) {
  await stack.aws.documents.send(
    new UpdateCommand({
      TableName: stack.aws.tables.apiKeys,
      Key: { keyId },
      UpdateExpression: update,
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      ...(names ? { ExpressionAttributeNames: names } : {}),
    }),
  );
}

const listEmails = (key: string, localAddress = '127.0.0.1') =>
  call(stack.url, { path: '/v1/emails', key, localAddress });

describe('hand edits of an ApiKeys item', () => {
  it('revoking and un-revoking take effect on the next request', async () => {
    const { key } = await stack.putKey();
    expect((await listEmails(key.key)).status).toBe(200);
    await edit(key.keyId, 'SET revokedAt = :now', { ':now': new Date().toISOString() });
    expect((await listEmails(key.key)).json.error_code).toBe('key_revoked');
    await edit(key.keyId, 'REMOVE revokedAt');
    expect((await listEmails(key.key)).status).toBe(200);
  });

  it('narrowing scopes to a string set with console-style spacing and case takes effect at once', async () => {
    const { key } = await stack.putKey();
    await edit(
      key.keyId,
      'SET #permission = :custom, scopes = :scopes',
      {
        ':custom': 'custom',
        ':scopes': new Set([' EMAILS:READ ', 'not-a-scope']),
      },
      { '#permission': 'permission' },
    );
    expect((await listEmails(key.key)).status).toBe(200);
    const send = await call(stack.url, { method: 'POST', path: '/v1/emails', key: key.key, body: {} });
    expect(send.status).toBe(403);
    expect(send.json.required_scope).toBe('emails:send');
  });

  it('removing permission makes the key custom: only its listed scopes count', async () => {
    const { key } = await stack.putKey({ scopes: ['emails:send'] });
    expect((await listEmails(key.key)).status).toBe(200);
    await edit(key.keyId, 'REMOVE #permission', {}, { '#permission': 'permission' });
    const response = await listEmails(key.key);
    expect(response.status).toBe(403);
    expect(response.json.required_scope).toBe('emails:read');
  });

  it('an IP allow-list typed as a comma-separated string applies to the next request', async () => {
    const { key } = await stack.putKey();
    await edit(key.keyId, 'SET allowedIps = :ips', { ':ips': '203.0.113.50, 127.0.0.2' });
    expect((await listEmails(key.key, '127.0.0.1')).json.error_code).toBe('ip_not_allowed');
    expect((await listEmails(key.key, '127.0.0.2')).status).toBe(200);
  });

  it.each([
    ['a CIDR range', ['127.0.0.0/30'], '127.0.0.3', 200],
    ['a CIDR range (outside)', ['127.0.0.0/30'], '127.0.0.5', 403],
    ['an IPv4-mapped IPv6 entry', ['::ffff:127.0.0.2'], '127.0.0.2', 200],
    ['one invalid entry (fails closed)', ['127.0.0.2', '999.0.0.1'], '127.0.0.2', 403],
    ['an octal-looking entry (refused, not read as octal)', ['0127.0.0.2'], '127.0.0.2', 403],
  ])('allowedIps with %s', async (_case, ips, from, status) => {
    const { key } = await stack.putKey({ allowedIps: ips });
    expect((await listEmails(key.key, from)).status).toBe(status);
  });

  it('an expiry set in the past applies to the next request', async () => {
    const { key } = await stack.putKey();
    await edit(key.keyId, 'SET expiresAt = :past', { ':past': new Date(Date.now() - 60_000).toISOString() });
    expect((await listEmails(key.key)).json.error_code).toBe('key_expired');
  });

  it('deleting the item makes the key unknown (401)', async () => {
    const { key } = await stack.putKey();
    await stack.aws.documents.send(
      new DeleteCommand({ TableName: stack.aws.tables.apiKeys, Key: { keyId: key.keyId } }),
    );
    const response = await listEmails(key.key);
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('invalid_api_key');
  });

  it('changing the project moves the key to the other project at once', async () => {
    const { key } = await stack.putKey();
    const sent = await call(stack.url, {
      method: 'POST',
      path: '/v1/emails',
      key: key.key,
      body: { from: 'a@example.com', to: 'b@example.com', subject: 'moved', text: 'x' },
    });
    await edit(key.keyId, 'SET projectId = :other', { ':other': 'proj_other' });
    expect((await call(stack.url, { path: `/v1/emails/${sent.json.id}`, key: key.key })).status).toBe(404);
  });
});

/** The item's attribute exactly as DynamoDB holds it (type tag and all), or undefined when absent. */
async function rawAttribute(keyId: string, attribute: string): Promise<string | undefined> {
  const { Item } = await stack.aws.documents.send(
    new GetItemCommand({
      TableName: stack.aws.tables.apiKeys,
      Key: { keyId: { S: keyId } },
      ConsistentRead: true,
    }),
  );
  const value = Item?.[attribute];
  return value === undefined ? undefined : JSON.stringify(value);
}

describe('an edit over the API keeps a hand-edited restriction it does not name', () => {
  const sendFromExample = (key: string) =>
    call(stack.url, {
      method: 'POST',
      path: '/v1/emails',
      key,
      body: { from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't' },
    });

  it.each([
    {
      field: 'allowed_ips',
      attribute: 'allowedIps',
      update: 'SET allowedIps = :value',
      value: null,
      refused: (key: string) => listEmails(key),
      code: 'ip_not_allowed',
    },
    {
      field: 'expires_at',
      attribute: 'expiresAt',
      update: 'SET expiresAt = :value',
      value: '',
      refused: (key: string) => listEmails(key),
      code: 'key_expired',
    },
    {
      field: 'allowed_domains',
      attribute: 'allowedDomains',
      update: 'SET allowedDomains = :value',
      value: null,
      refused: sendFromExample,
      code: 'domain_not_allowed',
    },
  ])('$field: renaming leaves the attribute byte for byte and the key as refused', async (edited) => {
    // Arrange: a working key, then the console edit that makes one restriction unreadable.
    const admin = (await stack.putKey({ name: 'admin' })).key;
    const { key } = await stack.putKey({ name: 'before' });
    await edit(key.keyId, edited.update, { ':value': edited.value });
    const stored = await rawAttribute(key.keyId, edited.attribute);
    expect((await edited.refused(key.key)).json.error_code).toBe(edited.code);
    const shown = await call(stack.url, { path: `/v1/api-keys/${key.keyId}`, key: admin.key });
    expect(shown.json.malformed).toEqual([edited.field]);

    // Act: rename it over the API, as the dashboard does.
    const renamed = await call(stack.url, {
      method: 'PATCH',
      path: `/v1/api-keys/${key.keyId}`,
      key: admin.key,
      body: { name: 'after' },
    });

    // Assert: renamed, the attribute untouched, still refused, still named as unreadable.
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: 'after', malformed: [edited.field] });
    expect(await rawAttribute(key.keyId, edited.attribute)).toBe(stored);
    expect((await edited.refused(key.key)).json.error_code).toBe(edited.code);
  });

  it('refuses allowed_domains: [] (400) instead of reading it as any domain', async () => {
    const admin = (await stack.putKey({ name: 'admin' })).key;
    const { key } = await stack.putKey({ allowedDomains: ['example.com'] });
    for (const [method, path] of [
      ['PATCH', `/v1/api-keys/${key.keyId}`],
      ['POST', '/v1/api-keys'],
    ] as const) {
      const refused = await call(stack.url, {
        method,
        path,
        key: admin.key,
        body: { name: 'n', allowed_domains: [] },
      });
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({
        error_code: 'validation_error',
        errors: [{ path: 'allowed_domains' }],
      });
    }
    expect(await rawAttribute(key.keyId, 'allowedDomains')).toBe(
      JSON.stringify({ L: [{ S: 'example.com' }] }),
    );
  });
});
