/**
 * The shared security table (Unkey's runSharedRoleTests): every route in the route table is called
 * over HTTP through the local gateway with every kind of bad key, and must answer the documented
 * body (docs/architecture.md, "Errors"); a route that names a resource answers 404 for another
 * project's, exactly as for a missing one.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf, generateApiKey } from '../../lambdas/keys/api-key.js';
import { eventRequirement } from '../../lambdas/webhooks/event-access.js';
import { EVENT_TYPES } from '../../lambdas/shared/event-types.js';
import { requirementLabel, type Route, type RouteId, ROUTES } from '../../lambdas/api/routes.js';
import { isScopeOf, type KeyType, SCOPES_BY_KEY_TYPE } from '../../lambdas/api/scopes.js';
import {
  DOCUMENTED_BODIES,
  documentedInsufficientScopeBody,
  PREVIOUS_SECRET_REFUSED_MESSAGE,
} from '../support/documented-bodies.js';
import { call } from '../support/http-client.js';
import { OTHER_DOMAIN, OTHER_PROJECT, startTestStack, type TestStack } from '../support/local-stack.js';

const INVALID = JSON.parse(DOCUMENTED_BODIES.invalid_api_key) as unknown;
const REVOKED = JSON.parse(DOCUMENTED_BODIES.key_revoked) as unknown;
const EXPIRED = JSON.parse(DOCUMENTED_BODIES.key_expired) as unknown;
const IP_DENIED = JSON.parse(DOCUMENTED_BODIES.ip_not_allowed) as unknown;
const insufficient = (route: Route) => documentedInsufficientScopeBody(route) as Record<string, unknown>;

const previousSecretRefused = (route: Route) => ({
  ...insufficient(route),
  message: PREVIOUS_SECRET_REFUSED_MESSAGE,
});

/** The kind of key a route serves: billing routes (billing scopes) serve only billing keys. */
const keyTypeOf = (route: Route): KeyType =>
  route.scope !== undefined && isScopeOf('billing', route.scope) ? 'billing' : 'general';

/** A key holding exactly what the route requires, and nothing more. */
function itemHolding(route: Route): Record<string, unknown> {
  if (route.scope === undefined) return { type: 'general', permission: route.permission };
  return { type: keyTypeOf(route), permission: 'custom', scopes: new Set([route.scope]) };
}

/** A key of the route's kind holding everything but what the route requires. */
function itemLacking(route: Route): Record<string, unknown> {
  const type = keyTypeOf(route);
  const others = SCOPES_BY_KEY_TYPE[type].filter((scope) => scope !== route.scope);
  return { type, permission: 'custom', scopes: new Set(others) };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** A concrete URL for a route template. */
const urlOf = (path: string) => path.replace(/\{[^}]+\}/g, 'em_0000000000000000000000');

/**
 * For each route whose path names a resource: makes one in OTHER_PROJECT (with that project's own
 * key) and answers the URL that names it. A route with `{…}` and no entry here fails the table.
 */
const OTHER_PROJECTS_RESOURCE: Partial<Record<RouteId, (stack: TestStack) => Promise<string>>> = {
  getEmail: async (stack) => {
    const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
    const sent = await call(stack.url, {
      method: 'POST',
      path: '/v1/emails',
      key: key.key,
      body: { from: `a@${OTHER_DOMAIN}`, to: 'b@example.com', subject: 'theirs', text: 'x' },
    });
    return `/v1/emails/${String(sent.json.id)}`;
  },
  listEmailEvents: async (stack) => `${await OTHER_PROJECTS_RESOURCE.getEmail?.(stack)}/events`,
  rescheduleEmail: (stack) => otherProjectsScheduledEmail(stack),
  cancelEmail: async (stack) => `${await otherProjectsScheduledEmail(stack)}/cancel`,
  resendGetEmail: async (stack) => resendPathOf(await otherProjectsScheduledEmail(stack)),
  resendUpdateEmail: async (stack) => resendPathOf(await otherProjectsScheduledEmail(stack)),
  resendCancelEmail: async (stack) => `${resendPathOf(await otherProjectsScheduledEmail(stack))}/cancel`,
  getDomain: async (stack) => `/v1/domains/${await otherProjectsDomain(stack)}`,
  updateDomain: async (stack) => `/v1/domains/${await otherProjectsDomain(stack)}`,
  deleteDomain: async (stack) => `/v1/domains/${await otherProjectsDomain(stack)}`,
  verifyDomain: async (stack) => `/v1/domains/${await otherProjectsDomain(stack)}/verify`,
  getTemplate: (stack) => otherProjectsTemplate(stack),
  updateTemplate: (stack) => otherProjectsTemplate(stack),
  deleteTemplate: (stack) => otherProjectsTemplate(stack),
  getWebhook: (stack) => otherProjectsWebhook(stack, ''),
  updateWebhook: (stack) => otherProjectsWebhook(stack, ''),
  deleteWebhook: (stack) => otherProjectsWebhook(stack, ''),
  rotateWebhookSecret: (stack) => otherProjectsWebhook(stack, '/rotate-secret'),
  testWebhook: (stack) => otherProjectsWebhook(stack, '/test'),
  listWebhookDeliveries: (stack) => otherProjectsWebhook(stack, '/deliveries'),
  getContact: async (stack) => `/v1/contacts/${await otherProjectsResource(stack, '/v1/contacts')}`,
  updateContact: async (stack) => `/v1/contacts/${await otherProjectsResource(stack, '/v1/contacts')}`,
  deleteContact: async (stack) => `/v1/contacts/${await otherProjectsResource(stack, '/v1/contacts')}`,
  getList: async (stack) => `/v1/lists/${await otherProjectsResource(stack, '/v1/lists')}`,
  updateList: async (stack) => `/v1/lists/${await otherProjectsResource(stack, '/v1/lists')}`,
  deleteList: async (stack) => `/v1/lists/${await otherProjectsResource(stack, '/v1/lists')}`,
  listListContacts: async (stack) => `/v1/lists/${await otherProjectsResource(stack, '/v1/lists')}/contacts`,
  addListContact: (stack) => otherProjectsMembership(stack),
  removeListContact: (stack) => otherProjectsMembership(stack),
  getSegment: async (stack) => `/v1/segments/${await otherProjectsResource(stack, '/v1/segments')}`,
  updateSegment: async (stack) => `/v1/segments/${await otherProjectsResource(stack, '/v1/segments')}`,
  deleteSegment: async (stack) => `/v1/segments/${await otherProjectsResource(stack, '/v1/segments')}`,
  listSegmentContacts: async (stack) =>
    `/v1/segments/${await otherProjectsResource(stack, '/v1/segments')}/contacts`,
  deleteSuppression: async (stack) => {
    const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
    const email = `theirs-${randomBytes(6).toString('hex')}@example.com`;
    const created = await call(stack.url, {
      method: 'POST',
      path: '/v1/suppressions',
      key: key.key,
      body: { email },
    });
    if (created.status !== 201) throw new Error(`could not suppress ${email}: ${created.text}`);
    return `/v1/suppressions/${email}`;
  },
  getBroadcast: (stack) => otherProjectsBroadcast(stack, ''),
  updateBroadcast: (stack) => otherProjectsBroadcast(stack, ''),
  deleteBroadcast: (stack) => otherProjectsBroadcast(stack, ''),
  sendBroadcast: (stack) => otherProjectsBroadcast(stack, '/send'),
  cancelBroadcast: (stack) => otherProjectsBroadcast(stack, '/cancel'),
  listBroadcastRecipients: (stack) => otherProjectsBroadcast(stack, '/recipients'),
  resendGetWebhook: async (stack) => resendPathOf(await otherProjectsWebhook(stack, '')),
  resendUpdateWebhook: async (stack) => resendPathOf(await otherProjectsWebhook(stack, '')),
  resendDeleteWebhook: async (stack) => resendPathOf(await otherProjectsWebhook(stack, '')),
  resendRotateWebhookSecret: async (stack) =>
    `${resendPathOf(await otherProjectsWebhook(stack, ''))}/signing-secret/rotate`,
  resendGetContact: async (stack) => `/resend/contacts/${await otherProjectsResource(stack, '/v1/contacts')}`,
  resendUpdateContact: async (stack) =>
    `/resend/contacts/${await otherProjectsResource(stack, '/v1/contacts')}`,
  resendDeleteContact: async (stack) =>
    `/resend/contacts/${await otherProjectsResource(stack, '/v1/contacts')}`,
  resendListContactSegments: async (stack) =>
    `/resend/contacts/${await otherProjectsResource(stack, '/v1/contacts')}/segments`,
  resendAddContactSegment: (stack) => otherProjectsResendMembership(stack, 'contacts'),
  resendRemoveContactSegment: (stack) => otherProjectsResendMembership(stack, 'contacts'),
  resendCreateAudienceContact: async (stack) =>
    `/resend/audiences/${await otherProjectsResource(stack, '/v1/lists')}/contacts`,
  resendGetAudienceContact: (stack) => otherProjectsResendMembership(stack, 'audiences'),
  resendUpdateAudienceContact: (stack) => otherProjectsResendMembership(stack, 'audiences'),
  resendDeleteAudienceContact: (stack) => otherProjectsResendMembership(stack, 'audiences'),
  resendGetSegment: async (stack) => `/resend/segments/${await otherProjectsResource(stack, '/v1/lists')}`,
  resendUpdateSegment: async (stack) => `/resend/segments/${await otherProjectsResource(stack, '/v1/lists')}`,
  resendDeleteSegment: async (stack) => `/resend/segments/${await otherProjectsResource(stack, '/v1/lists')}`,
  resendListSegmentContacts: async (stack) =>
    `/resend/segments/${await otherProjectsResource(stack, '/v1/lists')}/contacts`,
  // Resend's suppressions and broadcasts: the same resources, named on the /resend surface.
  resendGetSuppression: async (stack) =>
    resendPathOf(String(await OTHER_PROJECTS_RESOURCE.deleteSuppression?.(stack))),
  resendDeleteSuppression: async (stack) =>
    resendPathOf(String(await OTHER_PROJECTS_RESOURCE.deleteSuppression?.(stack))),
  resendGetBroadcast: async (stack) => resendPathOf(await otherProjectsBroadcast(stack, '')),
  resendUpdateBroadcast: async (stack) => resendPathOf(await otherProjectsBroadcast(stack, '')),
  resendDeleteBroadcast: async (stack) => resendPathOf(await otherProjectsBroadcast(stack, '')),
  resendSendBroadcast: async (stack) => resendPathOf(await otherProjectsBroadcast(stack, '/send')),
  resendCancelBroadcast: async (stack) => resendPathOf(await otherProjectsBroadcast(stack, '/cancel')),
  resendListBroadcastRecipients: async (stack) =>
    resendPathOf(await otherProjectsBroadcast(stack, '/recipients')),
  resendDuplicateBroadcast: async (stack) => resendPathOf(await otherProjectsBroadcast(stack, '/duplicate')),
  getApiKeyUsage: async (stack) => {
    const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
    return `/v1/api-keys/${key.keyId}/usage`;
  },
  getApiKey: (stack) => otherProjectsKey(stack, ''),
  updateApiKey: (stack) => otherProjectsKey(stack, ''),
  revokeApiKey: (stack) => otherProjectsKey(stack, ''),
  rotateApiKey: (stack) => otherProjectsKey(stack, '/rotate'),
  // Resend's domains, templates and api-keys: the same resources under /resend.
  resendGetDomain: async (stack) => `/resend/domains/${await otherProjectsDomain(stack)}`,
  resendUpdateDomain: async (stack) => `/resend/domains/${await otherProjectsDomain(stack)}`,
  resendDeleteDomain: async (stack) => `/resend/domains/${await otherProjectsDomain(stack)}`,
  resendVerifyDomain: async (stack) => `/resend/domains/${await otherProjectsDomain(stack)}/verify`,
  resendGetTemplate: async (stack) => resendPathOf(await otherProjectsTemplate(stack)),
  resendUpdateTemplate: async (stack) => resendPathOf(await otherProjectsTemplate(stack)),
  resendDeleteTemplate: async (stack) => resendPathOf(await otherProjectsTemplate(stack)),
  resendPublishTemplate: async (stack) => `${resendPathOf(await otherProjectsTemplate(stack))}/publish`,
  resendDuplicateTemplate: async (stack) => `${resendPathOf(await otherProjectsTemplate(stack))}/duplicate`,
  resendUpdateApiKey: async (stack) => resendPathOf(await otherProjectsKey(stack, '')),
  resendRevokeApiKey: async (stack) => resendPathOf(await otherProjectsKey(stack, '')),
};

/** The Resend surface's URL of a /v1 resource. */
const resendPathOf = (v1Path: string) => v1Path.replace(/^\/v1\//, '/resend/');

/** An email OTHER_PROJECT schedules (with its own key): its URL. */
async function otherProjectsScheduledEmail(stack: TestStack): Promise<string> {
  const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
  const scheduled = await call(stack.url, {
    method: 'POST',
    path: '/v1/emails',
    key: key.key,
    body: {
      from: `a@${OTHER_DOMAIN}`,
      to: 'b@example.com',
      subject: 'theirs',
      text: 'x',
      scheduled_at: 'in 1 day',
    },
  });
  if (scheduled.status !== 200) throw new Error(`could not schedule: ${scheduled.text}`);
  return `/v1/emails/${String(scheduled.json.id)}`;
}

/** A contact, list or segment OTHER_PROJECT creates through the API (with its own key): its id. */
async function otherProjectsResource(stack: TestStack, collection: string): Promise<string> {
  const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
  const bodies: Record<string, unknown> = {
    '/v1/contacts': { email: `theirs-${randomBytes(6).toString('hex')}@example.com` },
    '/v1/lists': { name: 'theirs' },
    '/v1/segments': { name: 'theirs', filter: { conditions: [{ field: 'list', op: 'exists' }] } },
  };
  const created = await call(stack.url, {
    method: 'POST',
    path: collection,
    key: key.key,
    body: bodies[collection],
  });
  if (created.status !== 201) throw new Error(`could not create in ${collection}: ${created.text}`);
  return String(created.json.id);
}

/** OTHER_PROJECT's contact in OTHER_PROJECT's list: the membership URL. */
async function otherProjectsMembership(stack: TestStack): Promise<string> {
  const list = await otherProjectsResource(stack, '/v1/lists');
  const contact = await otherProjectsResource(stack, '/v1/contacts');
  const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
  await call(stack.url, { method: 'PUT', path: `/v1/lists/${list}/contacts/${contact}`, key: key.key });
  return `/v1/lists/${list}/contacts/${contact}`;
}

/**
 * OTHER_PROJECT's contact in OTHER_PROJECT's list, as Resend's paths name the pair: the contact's
 * segment (`/resend/contacts/{id}/segments/{segment_id}`) or the audience's contact
 * (`/resend/audiences/{id}/contacts/{contact_id}`).
 */
async function otherProjectsResendMembership(stack: TestStack, from: 'contacts' | 'audiences') {
  const [, , , list, , contact] = (await otherProjectsMembership(stack)).split('/');
  return from === 'contacts'
    ? `/resend/contacts/${contact}/segments/${list}`
    : `/resend/audiences/${list}/contacts/${contact}`;
}

/** A draft broadcast of OTHER_PROJECT to one of its lists, created through the API: its URL. */
async function otherProjectsBroadcast(stack: TestStack, suffix: string): Promise<string> {
  const list = await otherProjectsResource(stack, '/v1/lists');
  const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
  const created = await call(stack.url, {
    method: 'POST',
    path: '/v1/broadcasts',
    key: key.key,
    body: {
      name: 'theirs',
      from: `news@${OTHER_DOMAIN}`,
      subject: 'x',
      text: 'x',
      audience: { list_id: list },
    },
  });
  if (created.status !== 201) throw new Error(`could not create a broadcast: ${created.text}`);
  return `/v1/broadcasts/${String(created.json.id)}${suffix}`;
}

/** A key of OTHER_PROJECT (stored directly: the fixture need not go through the API). */
async function otherProjectsKey(stack: TestStack, suffix: string): Promise<string> {
  const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
  return `/v1/api-keys/${key.keyId}${suffix}`;
}

/** A domain OTHER_PROJECT adds through the API (with its own key): its id. */
async function otherProjectsDomain(stack: TestStack): Promise<string> {
  const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
  const name = `theirs-${randomBytes(6).toString('hex')}.com`;
  const created = await call(stack.url, {
    method: 'POST',
    path: '/v1/domains',
    key: key.key,
    body: { name },
  });
  if (created.status !== 201) throw new Error(`could not create ${name}: ${created.text}`);
  return String(created.json.id);
}

async function otherProjectsTemplate(stack: TestStack): Promise<string> {
  const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
  const created = await call(stack.url, {
    method: 'POST',
    path: '/v1/templates',
    key: key.key,
    body: { name: 'theirs', text: 'x' },
  });
  return `/v1/templates/${String(created.json.id)}`;
}

async function otherProjectsWebhook(stack: TestStack, suffix: string): Promise<string> {
  const { key } = await stack.putKey({ projectId: OTHER_PROJECT });
  const created = await call(stack.url, {
    method: 'POST',
    path: '/v1/webhooks',
    key: key.key,
    body: { url: 'https://example.com/hook', events: ['email.sent'] },
  });
  return `/v1/webhooks/${String(created.json.id)}${suffix}`;
}

/** A valid body for the routes whose body has a required field, so a request reaches its resource. */
const VALID_BODIES: Partial<Record<RouteId, unknown>> = {
  rescheduleEmail: { scheduled_at: 'in 2 hours' },
  resendUpdateEmail: { scheduled_at: 'in 2 hours' },
  resendCreateAudienceContact: { email: 'someone@example.com' },
  resendUpdateApiKey: { name: 'renamed' },
};

describe.each(ROUTES as readonly Route[])('$method $path', (route) => {
  const body = VALID_BODIES[route.id as RouteId];
  const request = (
    key: string | undefined,
    extra: { localAddress?: string; headers?: Record<string, string> } = {},
  ) =>
    call(stack.url, {
      method: route.method,
      path: urlOf(route.path),
      ...(key === undefined ? {} : { key }),
      ...(body === undefined ? {} : { body }),
      ...extra,
    });

  it('answers 401 without an Authorization header', async () => {
    const response = await request(undefined);
    expect(response.status).toBe(401);
    expect(response.json).toEqual(INVALID);
    expect(response.headers['content-type']).toBe('application/json');
  });

  it.each([
    ['a malformed key', 'not-a-key'],
    ['a key of the wrong shape', 'sk_test_short'],
    [
      'a key with a bad checksum',
      (() => {
        const { key } = generateApiKey('test');
        return `${key.slice(0, -6)}${key.slice(-6) === '000000' ? '000001' : '000000'}`;
      })(),
    ],
    ['a live key on the local (test) stack', generateApiKey('live').key],
    ['an unknown key', generateApiKey('test').key],
  ])('answers 401 for %s', async (_case, key) => {
    const response = await request(key);
    expect(response.status).toBe(401);
    expect(response.json).toEqual(INVALID);
  });

  it('answers 401 for a known key id with the wrong secret', async () => {
    const { key } = await stack.putKey();
    const body = `${key.prefix}${'x'.repeat(32)}`;
    const response = await request(`${body}${checksumOf(body)}`);
    expect(response.status).toBe(401);
    expect(response.json).toEqual(INVALID);
  });

  it('answers 403 key_revoked for a revoked key', async () => {
    const { key } = await stack.putKey({ revokedAt: new Date().toISOString() });
    const response = await request(key.key);
    expect(response.status).toBe(403);
    expect(response.json).toEqual(REVOKED);
  });

  it('answers 403 key_expired for an expired key', async () => {
    const { key } = await stack.putKey({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    const response = await request(key.key);
    expect(response.status).toBe(403);
    expect(response.json).toEqual(EXPIRED);
  });

  it('answers 403 ip_not_allowed from an address outside the allow-list', async () => {
    const { key } = await stack.putKey({ allowedIps: '127.0.0.2, 198.51.100.0/24' });
    const response = await request(key.key, { localAddress: '127.0.0.3' });
    expect(response.status).toBe(403);
    expect(response.json).toEqual(IP_DENIED);
  });

  it('ignores X-Forwarded-For and X-Real-IP when checking the source IP', async () => {
    const { key } = await stack.putKey({ allowedIps: '127.0.0.2' });
    const response = await request(key.key, {
      localAddress: '127.0.0.3',
      headers: { 'x-forwarded-for': '127.0.0.2', 'x-real-ip': '127.0.0.2' },
    });
    expect(response.status).toBe(403);
    expect(response.json).toEqual(IP_DENIED);
  });

  it(`answers 403 insufficient_scope naming ${requirementLabel(route)} for a key without it`, async () => {
    const { key } = await stack.putKey(itemLacking(route));
    const response = await request(key.key);
    expect(response.status).toBe(403);
    expect(response.json).toEqual(insufficient(route));
  });

  it('answers 403 for a custom key with an empty scope list (empty never means everything)', async () => {
    const { key } = await stack.putKey({ permission: 'custom', scopes: [] });
    const response = await request(key.key);
    expect(response.status).toBe(403);
    expect(response.json).toEqual(insufficient(route));
  });

  it('lets a key holding exactly this scope or permission past the authorizer', async () => {
    const { key } = await stack.putKey(itemHolding(route));
    const response = await request(key.key, { localAddress: '127.0.0.2' });
    expect([401, 403]).not.toContain(response.status);
  });

  if (route.permission === undefined) {
    it("lets a rotated key's previous secret past the authorizer and the frame during the grace", async () => {
      const { previous } = await stack.putRotatedKey(itemHolding(route));
      const response = await request(previous.key, { localAddress: '127.0.0.2' });
      expect([401, 403]).not.toContain(response.status);
    });
  } else {
    it("answers 403 naming the permission to a rotated key's previous secret during the grace", async () => {
      const { key, previous } = await stack.putRotatedKey(itemHolding(route));
      const response = await request(previous.key);
      expect(response.status).toBe(403);
      expect(response.json).toEqual(previousSecretRefused(route));
      // The same key's new secret is let through.
      expect([401, 403]).not.toContain((await request(key.key)).status);
    });
  }

  it('names every answer, allowed or denied, with an X-Request-Id', async () => {
    const { key } = await stack.putKey();
    const answers = [await request(undefined), await request(key.key)];
    for (const answer of answers) expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(answers[0]?.headers['x-request-id']).not.toBe(answers[1]?.headers['x-request-id']);
  });

  if (route.path.includes('{')) {
    it("answers 404 for another project's resource, exactly as for a missing one", async () => {
      const resourceOfOtherProject = OTHER_PROJECTS_RESOURCE[route.id as RouteId];
      if (!resourceOfOtherProject) throw new Error(`No OTHER_PROJECTS_RESOURCE entry for ${route.id}`);
      const theirs = await resourceOfOtherProject(stack);
      const { key } = await stack.putKey();
      const foreign = await call(stack.url, {
        method: route.method,
        path: theirs,
        key: key.key,
        ...(body === undefined ? {} : { body }),
      });
      const missing = await request(key.key);
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      const withoutId = ({ request_id: _id, ...body }: Record<string, unknown>) => body;
      expect(withoutId(foreign.json)).toEqual(withoutId(missing.json));
    });
  }
});

/**
 * Events are read scopes: the webhook routes pass the authorizer on `webhooks:write`, and then each
 * event type subscribed to needs what reading its data needs. One row per event type, from the data.
 */
describe.each(EVENT_TYPES)('subscribing a webhook to %s', (type) => {
  const requirement = eventRequirement(type);
  /** A key with `webhooks:write` and, when `withRequirement`, what the event type needs. */
  const keyItem = (withRequirement: boolean): Record<string, unknown> => {
    if (withRequirement && requirement?.permission)
      return { type: 'general', permission: requirement.permission };
    const extra = withRequirement && requirement?.scope ? [requirement.scope] : [];
    return { type: 'general', permission: 'custom', scopes: new Set(['webhooks:write', ...extra]) };
  };
  const refusal = requirement?.scope
    ? { required_scope: requirement.scope }
    : { required_permission: requirement?.permission };
  const create = (key: string) =>
    call(stack.url, {
      method: 'POST',
      path: '/v1/webhooks',
      key,
      body: { url: 'https://example.com/hook', events: [type] },
    });

  const verdict = requirement === null ? 'allowed' : `refused, naming ${requirementLabel(requirement)}`;
  it(`with only webhooks:write: ${verdict}`, async () => {
    const { key } = await stack.putKey(keyItem(false));
    const response = await create(key.key);
    if (requirement === null) {
      expect(response.status).toBe(201);
      return;
    }
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ error_code: 'insufficient_scope', ...refusal });
  });

  it('is allowed with webhooks:write and what the event type needs', async () => {
    const { key } = await stack.putKey(keyItem(true));
    const response = await create(key.key);
    expect(response.status).toBe(201);
  });

  if (requirement !== null) {
    it('cannot be done, nor the webhook re-pointed, by a PATCH from a key with only webhooks:write', async () => {
      const { key: owner } = await stack.putKey(keyItem(true));
      const created = await create(owner.key);
      const path = `/v1/webhooks/${String(created.json.id)}`;
      const { key } = await stack.putKey(keyItem(false));
      const patch = (body: Record<string, unknown>) =>
        call(stack.url, { method: 'PATCH', path, key: key.key, body });
      for (const body of [{ url: 'https://attacker.example/hook' }, { events: [type] }]) {
        const response = await patch(body);
        expect(response.status).toBe(403);
        expect(response.json).toMatchObject({ error_code: 'insufficient_scope', ...refusal });
      }
      // What does not move the data stays a webhooks:write call.
      expect((await patch({ description: 'renamed' })).status).toBe(200);
    });

    it('once disabled, cannot be re-enabled by a key with only webhooks:write (its data would flow again)', async () => {
      const { key: owner } = await stack.putKey(keyItem(true));
      const created = await create(owner.key);
      const path = `/v1/webhooks/${String(created.json.id)}`;
      const patchWith = (key: string, body: Record<string, unknown>) =>
        call(stack.url, { method: 'PATCH', path, key, body });
      const { key } = await stack.putKey(keyItem(false));
      // Stopping the data is a webhooks:write call.
      expect((await patchWith(key.key, { status: 'disabled' })).status).toBe(200);

      const response = await patchWith(key.key, { status: 'enabled' });

      expect(response.status).toBe(403);
      expect(response.json).toMatchObject({ error_code: 'insufficient_scope', ...refusal });
      expect((await patchWith(owner.key, { status: 'enabled' })).json).toMatchObject({ status: 'enabled' });
    });

    it('cannot have its secret rotated by a key with only webhooks:write (the new secret could forge its events)', async () => {
      const { key: owner } = await stack.putKey(keyItem(true));
      const created = await create(owner.key);
      const { key } = await stack.putKey(keyItem(false));
      const rotate = (caller: string, path: string) => call(stack.url, { method: 'POST', path, key: caller });
      const id = String(created.json.id);

      for (const path of [
        `/v1/webhooks/${id}/rotate-secret`,
        `/resend/webhooks/${id}/signing-secret/rotate`,
      ]) {
        const response = await rotate(key.key, path);
        expect(response.status).toBe(403);
        expect(response.json).toMatchObject({ error_code: 'insufficient_scope', ...refusal });
        expect(response.json).not.toHaveProperty('signing_secret');
      }
      const rotated = await rotate(owner.key, `/v1/webhooks/${id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.json.signing_secret).toMatch(/^whsec_/);
    });
  }
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/v1/nothing'],
    ['DELETE', '/v1/emails'],
    ['GET', '/'],
    ['POST', '/v1/emails/em_0000000000000000000000'],
  ])('%s %s answers 404 not_found whatever the key', async (method, path) => {
    const { key } = await stack.putKey();
    const response = await call(stack.url, { method, path, key: key.key });
    expect(response.status).toBe(404);
    expect(response.json).toEqual(JSON.parse(DOCUMENTED_BODIES.not_found));
  });
});

describe('request targets API Gateway would not route', () => {
  it.each(['//evil.example/v1/emails', 'http://evil.example/v1/emails'])(
    '%s answers 404 not_found and reaches no handler',
    async (target) => {
      const { key } = await stack.putKey();
      const response = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: new URL(stack.url).port,
            path: target,
            headers: { authorization: `Bearer ${key.key}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(response).toBe(404);
    },
  );
});
