/**
 * Resend's `domains.*`, called with Resend's own SDK against the local stack's `/resend` surface: the
 * domain is the `/v1` one (the same item, SES identity and tracking settings), answered in Resend's
 * shape; options scopegate cannot honour are refused by name and create nothing.
 */
import { GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../../../local/config.js';
import { call } from '../../../support/http-client.js';
import { startTestStack, type TestStack } from '../../../support/local-stack.js';
import { resendClient } from '../../../support/resend-client.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const unique = () => `e2e-${randomBytes(5).toString('hex')}.com`;
const sesHas = (name: string) =>
  stack.aws.ses.send(new GetEmailIdentityCommand({ EmailIdentity: name })).then(
    () => true,
    () => false,
  );

describe('resend.domains', () => {
  it('creates, gets, updates, verifies, lists and removes a domain, which is the /v1 domain throughout', async () => {
    // Arrange
    const { key } = await stack.freshProject();
    const resend = resendClient(stack.url, key);
    const name = unique();

    // create: Resend's shape, DKIM and SPF records (no DMARC suggestion), an SES identity.
    const created = await resend.domains.create({ name, region: 'us-east-1', customReturnPath: 'send' });
    expect(created.error).toBeNull();
    const id = String(created.data?.id);
    expect(created.data).toMatchObject({
      id,
      name,
      status: 'pending',
      region: LOCAL_REGION,
      capabilities: { sending: 'enabled', receiving: 'disabled' },
      open_tracking: false,
      click_tracking: false,
    });
    const records = created.data?.records ?? [];
    expect(records.map((record) => `${record.record} ${record.type}`)).toEqual([
      'DKIM CNAME',
      'DKIM CNAME',
      'DKIM CNAME',
      'SPF MX',
      'SPF TXT',
    ]);
    expect(records.every((record) => record.ttl === 'Auto' && record.status === 'pending')).toBe(true);
    expect(records[3]).toMatchObject({ name: `send.${name}`, priority: 10 });
    expect(await sesHas(name)).toBe(true);

    // update: tracking, read back through /v1.
    const updated = await resend.domains.update({
      id,
      openTracking: true,
      clickTracking: true,
      tls: 'opportunistic',
    });
    expect(updated).toMatchObject({ data: { object: 'domain', id }, error: null });
    const v1 = await call(stack.url, { path: `/v1/domains/${id}`, key });
    expect(v1.json).toMatchObject({ open_tracking: true, click_tracking: true });

    // verify: the local SES verifies any name; get reads the new status.
    expect(await resend.domains.verify(id)).toMatchObject({ data: { object: 'domain', id }, error: null });
    const got = await resend.domains.get(id);
    expect(got.error).toBeNull();
    expect(got.data).toMatchObject({ object: 'domain', id, name, status: 'verified', open_tracking: true });
    expect(got.data?.records.every((record) => record.status === 'verified')).toBe(true);

    // list
    const listed = await resend.domains.list();
    expect(listed.error).toBeNull();
    expect(listed.data).toMatchObject({ object: 'list', has_more: false });
    expect(listed.data?.data.map((domain) => domain.id)).toContain(id);

    // remove: the identity goes, the id is 404 in Resend's words.
    expect(await resend.domains.remove(id)).toMatchObject({
      data: { object: 'domain', id, deleted: true },
      error: null,
    });
    expect(await sesHas(name)).toBe(false);
    expect((await resend.domains.get(id)).error).toMatchObject({ statusCode: 404, name: 'not_found' });

    // Audited under the surface, as the /v1 actions.
    const audit = await call(stack.url, { path: '/v1/audit-log?limit=100', key });
    const entries = (audit.json.data as Record<string, unknown>[]).filter(
      (entry) => entry.resource_id === id,
    );
    expect(entries.map((entry) => `${String(entry.action)} ${String(entry.surface)}`).sort()).toEqual([
      'domain.create resend',
      'domain.delete resend',
      'domain.update resend',
      'domain.verify resend',
    ]);
  });

  it.each([
    ['another region', 'invalid_region', { region: 'eu-west-1' }, 'region'],
    ['a custom return path', 'invalid_parameter', { customReturnPath: 'bounce' }, 'custom_return_path'],
    ['enforced TLS', 'invalid_parameter', { tls: 'enforced' }, 'tls'],
    ['receiving', 'invalid_parameter', { capabilities: { receiving: 'enabled' } }, 'capabilities.receiving'],
    ['a tracking subdomain', 'invalid_parameter', { trackingSubdomain: 'links' }, 'tracking_subdomain'],
  ] as const)('refuses %s with 422 %s naming it, and creates nothing', async (_case, name, option, field) => {
    const { key } = await stack.freshProject();
    const domain = unique();
    const { data, error } = await resendClient(stack.url, key).domains.create({ name: domain, ...option });
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name });
    expect(error?.message).toContain(field);
    expect(await sesHas(domain)).toBe(false);
    const listed = await call(stack.url, { path: '/v1/domains?limit=100', key });
    expect((listed.json.data as { name: string }[]).map((item) => item.name)).not.toContain(domain);
  });

  it('refuses an update it cannot honour and changes nothing', async () => {
    const { key } = await stack.freshProject();
    const resend = resendClient(stack.url, key);
    const created = await resend.domains.create({ name: unique() });
    const id = String(created.data?.id);
    const { error } = await resend.domains.update({ id, openTracking: true, tls: 'enforced' });
    expect(error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
    expect((await call(stack.url, { path: `/v1/domains/${id}`, key })).json.open_tracking).toBe(false);
  });

  it('pages with after and before (item ids), newest first', async () => {
    const { key } = await stack.freshProject();
    const resend = resendClient(stack.url, key);
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      ids.push(String((await resend.domains.create({ name: unique() })).data?.id));
    }
    // The fresh project's fixture domain is the oldest; the three new ones come first, newest first.
    const [third, second, first] = [ids[2], ids[1], ids[0]];
    const page = await resend.domains.list({ limit: 2 });
    expect(page.data?.data.map((domain) => domain.id)).toEqual([third, second]);
    expect(page.data?.has_more).toBe(true);
    const after = await resend.domains.list({ limit: 1, after: String(second) });
    expect(after.data?.data.map((domain) => domain.id)).toEqual([first]);
    expect(after.data?.has_more).toBe(true);
    const before = await resend.domains.list({ limit: 5, before: String(first) });
    expect(before.data?.data.map((domain) => domain.id)).toEqual([third, second]);
    expect(before.data?.has_more).toBe(false);
  });

  it('answers domains.claims.* 404 not_found: scopegate has no domain claims', async () => {
    const { key } = await stack.freshProject();
    const resend = resendClient(stack.url, key);
    const name = unique();
    expect((await resend.domains.claims.create({ name })).error).toMatchObject({
      statusCode: 404,
      name: 'not_found',
    });
    expect((await resend.domains.claims.get('dom_x')).error).toMatchObject({ statusCode: 404 });
    expect((await resend.domains.claims.verify('dom_x')).error).toMatchObject({ statusCode: 404 });
    expect(await sesHas(name)).toBe(false);
  });

  it("answers a key without domains:write with the SDK's restricted_api_key error", async () => {
    const reader = (
      await stack.putKey({ type: 'general', permission: 'custom', scopes: new Set(['domains:read']) })
    ).key.key;
    const { error } = await resendClient(stack.url, reader).domains.create({ name: unique() });
    expect(error).toMatchObject({ statusCode: 403, name: 'restricted_api_key' });
  });
});
