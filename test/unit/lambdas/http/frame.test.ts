import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import type { AuthContext } from '../../../../lambdas/keys/auth-context.js';
import type { ParsedRequest, RouteContract } from '../../../../lambdas/api/contract.js';
import { ApiError, DEFAULT_MESSAGES } from '../../../../lambdas/api/errors.js';
import { createServiceHandler, type ServiceContracts } from '../../../../lambdas/http/frame.js';
import { readAuthContext, requireAccess } from '../../../../lambdas/keys/read-auth-context.js';
import { PREVIOUS_SECRET_MESSAGE } from '../../../../lambdas/api/route-access.js';
import { ROUTES, type Route, routeKey } from '../../../../lambdas/api/routes.js';
import { DOCUMENTED_BODIES, documentedInsufficientScopeBody } from '../../../support/documented-bodies.js';
import { authContextFor, proxyEvent } from '../../../support/events.js';
import { trivialRoutes, UNLIMITED_FRAME } from '../../../support/frame.js';

const SERVICE = 'sending';
const serviceRoutes = ROUTES.filter((route) => route.service === SERVICE);
const postRoute = serviceRoutes.find((route) => route.method === 'POST');
const getRoute = serviceRoutes.find((route) => route.method === 'GET' && !route.path.includes('{'));
const otherServiceRoute = ROUTES.find((route) => route.service !== SERVICE);

const echoResponse = { status: 200, description: 'echo', schema: z.unknown() } as const;
/** Small contracts for the service's routes, so the frame's validation is tested on its own. */
const TEST_CONTRACTS = {
  sendEmail: {
    headers: z.object({ 'idempotency-key': z.optional(z.string()) }),
    body: z.strictObject({ to: z.string() }),
    response: { ...echoResponse, status: 201 },
  },
  sendEmailBatch: { body: z.array(z.strictObject({ to: z.string() })), response: echoResponse },
  listEmails: {
    query: z.strictObject({ limit: z.optional(z.coerce.number().check(z.int())) }),
    response: echoResponse,
  },
  getEmail: { params: z.object({ id: z.string().check(z.startsWith('em_')) }), response: echoResponse },
  listEmailEvents: { params: z.object({ id: z.string() }), response: echoResponse },
  rescheduleEmail: { params: z.object({ id: z.string() }), response: echoResponse },
  cancelEmail: { params: z.object({ id: z.string() }), response: echoResponse },
  sendSms: { body: z.strictObject({ to: z.string() }), response: echoResponse },
  sendWhatsapp: { body: z.strictObject({ to: z.string() }), response: echoResponse },
  resendSendEmail: {
    body: z.strictObject({ to: z.string(), subject: z.optional(z.string()) }),
    unsupportedFields: ['topic_id', 'attachments[].path'],
    response: echoResponse,
  },
  resendSendEmailBatch: { response: echoResponse },
  resendListEmails: { response: echoResponse },
  resendGetEmail: { params: z.object({ id: z.string() }), response: echoResponse },
  resendUpdateEmail: { params: z.object({ id: z.string() }), response: echoResponse },
  resendCancelEmail: { params: z.object({ id: z.string() }), response: echoResponse },
  sendgridSendMail: { body: z.strictObject({ to: z.string() }), response: echoResponse },
} satisfies ServiceContracts<'sending'>;

type AnyRequest = ParsedRequest<RouteContract, AuthContext>;

/** A fake handler per route of the service that echoes what it was given. */
function setUp(override?: (request: AnyRequest) => Promise<unknown>) {
  const calls: AnyRequest[] = [];
  const echo = async (request: AnyRequest) => {
    calls.push(request);
    return { body: request.body, query: request.query, params: request.params };
  };
  const handler = override ?? echo;
  const handlers = {
    sendEmail: handler,
    sendEmailBatch: handler,
    listEmails: handler,
    getEmail: handler,
    listEmailEvents: handler,
    rescheduleEmail: handler,
    cancelEmail: handler,
    sendSms: handler,
    sendWhatsapp: handler,
    resendSendEmail: handler,
    resendSendEmailBatch: handler,
    resendListEmails: handler,
    resendGetEmail: handler,
    resendUpdateEmail: handler,
    resendCancelEmail: handler,
    sendgridSendMail: handler,
  };
  const log = { error: vi.fn() };
  return {
    handler: createServiceHandler(SERVICE, { contracts: TEST_CONTRACTS, handlers }, log, UNLIMITED_FRAME),
    calls,
    log,
  };
}

const fullAccess = authContextFor({ projectId: 'proj_a' });
const parse = (body: string): Record<string, unknown> => JSON.parse(body) as Record<string, unknown>;

function requireRoute(route: Route | undefined): Route {
  if (!route) throw new Error('the route table no longer has the route this test needs');
  return route;
}

describe('createServiceHandler: happy path', () => {
  it('calls the route handler with the auth context, lower-cased headers and the parsed body', async () => {
    const route = requireRoute(postRoute);
    const { handler, calls } = setUp();
    const result = await handler(
      proxyEvent({
        method: route.method,
        resource: route.path,
        body: { to: 'a@example.com' },
        headers: { 'Idempotency-Key': 'abc' },
        authorizer: fullAccess,
      }),
    );
    expect(result.statusCode).toBe(201);
    expect(result.headers).toEqual({ 'content-type': 'application/json', 'x-request-id': 'test-request' });
    expect(parse(result.body)).toMatchObject({ body: { to: 'a@example.com' } });
    expect(calls[0]?.auth.projectId).toBe('proj_a');
    expect(calls[0]?.headers?.['idempotency-key']).toBe('abc');
  });

  it('decodes a base64 body', async () => {
    const route = requireRoute(postRoute);
    const { handler, calls } = setUp();
    const event = proxyEvent({ method: route.method, resource: route.path, authorizer: fullAccess });
    await handler({ ...event, body: Buffer.from('{"to":"x"}').toString('base64'), isBase64Encoded: true });
    expect(calls[0]?.body).toEqual({ to: 'x' });
  });

  it('hands the handler the query and path parameters as its contract parsed them', async () => {
    const { handler, calls } = setUp();
    await handler(proxyEvent({ resource: '/v1/emails', query: { limit: '7' }, authorizer: fullAccess }));
    await handler(
      proxyEvent({ resource: '/v1/emails/{id}', pathParameters: { id: 'em_1' }, authorizer: fullAccess }),
    );
    expect(calls.map((call) => [call.query, call.params])).toEqual([
      [{ limit: 7 }, undefined],
      [undefined, { id: 'em_1' }],
    ]);
  });
});

describe('createServiceHandler: error cases', () => {
  it.each([
    ['a resource the table does not know', 'GET', '/v1/nothing'],
    ['a method the table does not know', 'DELETE', requireRoute(getRoute).path],
    ["another service's route", requireRoute(otherServiceRoute).method, requireRoute(otherServiceRoute).path],
  ])('%s → 404 not_found', async (_case, method, resource) => {
    const { handler, calls } = setUp();
    const result = await handler(proxyEvent({ method, resource, authorizer: fullAccess }));
    expect(result.statusCode).toBe(404);
    expect(parse(result.body)).toEqual({ ...parse(DOCUMENTED_BODIES.not_found), request_id: 'test-request' });
    expect(calls).toHaveLength(0);
  });

  it.each([
    [
      'a body field the contract does not know',
      { resource: '/v1/emails', method: 'POST', body: { to: 'a', cc: 'b' } },
      'cc',
      'cc is not a known field.',
    ],
    ['a missing body', { resource: '/v1/emails', method: 'POST' }, '', 'The request body is required.'],
    [
      'a query parameter the contract does not know',
      { resource: '/v1/emails', query: { limt: '5' } },
      'limt',
      'The limt query parameter is not a known field.',
    ],
    [
      'a query parameter of the wrong type',
      { resource: '/v1/emails', query: { limit: 'ten' } },
      'limit',
      'The limit query parameter must be a number.',
    ],
    [
      'a path parameter its schema refuses',
      { resource: '/v1/emails/{id}', pathParameters: { id: 'tpl_1' } },
      'id',
      'The id in the URL has an invalid format.',
    ],
  ])('%s → 400 naming it, handler not called', async (_case, input, path, message) => {
    const { handler, calls } = setUp();
    const result = await handler(proxyEvent({ ...input, authorizer: fullAccess }));
    expect(result.statusCode).toBe(400);
    expect(parse(result.body)).toEqual({
      message,
      statusCode: 400,
      name: 'validation_error',
      error_code: 'validation_error',
      errors: [{ path, message }],
      request_id: 'test-request',
    });
    expect(calls).toHaveLength(0);
  });

  it('an invalid JSON body → 400 validation_error', async () => {
    const route = requireRoute(postRoute);
    const { handler, calls } = setUp();
    const result = await handler(
      proxyEvent({ method: route.method, resource: route.path, rawBody: '{"to": ', authorizer: fullAccess }),
    );
    expect(result.statusCode).toBe(400);
    expect(parse(result.body)).toEqual({
      message: 'The request body is not valid JSON.',
      statusCode: 400,
      name: 'validation_error',
      error_code: 'validation_error',
      errors: [{ path: '', message: 'The request body must be valid JSON.' }],
      request_id: 'test-request',
    });
    expect(calls).toHaveLength(0);
  });

  it('an ApiError from the route handler keeps its status and is not logged', async () => {
    const route = requireRoute(getRoute);
    const { handler, log } = setUp(async () => {
      throw new ApiError('not_found', { message: 'Email not found.' });
    });
    const result = await handler(
      proxyEvent({ method: route.method, resource: route.path, authorizer: fullAccess }),
    );
    expect(result.statusCode).toBe(404);
    expect(parse(result.body)).toEqual({
      statusCode: 404,
      name: 'not_found',
      message: 'Email not found.',
      error_code: 'not_found',
      request_id: 'test-request',
    });
    expect(log.error).not.toHaveBeenCalled();
  });

  it('a plain Error → 500 generic body, logged with its name and message but never the request body', async () => {
    // Arrange
    const route = requireRoute(postRoute);
    const { handler, log } = setUp(async () => {
      throw new Error('dynamo exploded');
    });
    const event = proxyEvent({
      method: route.method,
      resource: route.path,
      body: { to: 'PRIVATE-BODY-CONTENT' },
      headers: { Authorization: 'Bearer sk_live_SECRETSECRET' },
      authorizer: fullAccess,
    });
    // Act
    const result = await handler(event);
    // Assert
    expect(result.statusCode).toBe(500);
    expect(result.body).toBe(
      '{"statusCode":500,"name":"internal_server_error","message":"Internal server error.","error_code":"internal_error","request_id":"test-request"}',
    );
    expect(log.error).toHaveBeenCalledOnce();
    const logged = JSON.stringify(log.error.mock.calls);
    expect(logged).toContain('dynamo exploded');
    expect(logged).toContain('test-request');
    expect(logged).not.toContain('PRIVATE-BODY-CONTENT');
    expect(logged).not.toContain('SECRETSECRET');
  });

  it('a thrown non-Error → 500 generic body', async () => {
    const route = requireRoute(getRoute);
    const { handler } = setUp(async () => {
      throw 'a string';
    });
    const result = await handler(
      proxyEvent({ method: route.method, resource: route.path, authorizer: fullAccess }),
    );
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('a string');
  });
});

describe('createServiceHandler: security cases (fail closed, defence in depth)', () => {
  const complete = { ...fullAccess };
  delete complete.errorBody;
  it('accepts the complete context each case below spoils', () => {
    expect(readAuthContext(complete).projectId).toBe('proj_a');
  });

  it.each([
    ['no authorizer context', undefined],
    ['an empty context', {}],
    ['no projectId', { ...complete, projectId: undefined }],
    ['an empty projectId', { ...complete, projectId: '' }],
    ['no keyId', { ...complete, keyId: undefined }],
    ['no teamId', { ...complete, teamId: undefined }],
    ['an unknown key type', { ...complete, keyType: 'admin' }],
    ['an unknown permission', { ...complete, permission: 'root' }],
    ['no scopes', { ...complete, scopes: undefined }],
    ['no allowedDomains', { ...complete, allowedDomains: undefined }],
    ['no secret', { ...complete, secret: undefined }],
    ['an unknown secret', { ...complete, secret: 'older' }],
    ['a Deny context', { message: 'x', errorCode: 'key_revoked', requiredScope: '', errorBody: '{}' }],
  ])('%s → 401 invalid_api_key, handler not called', async (_case, context) => {
    const route = requireRoute(getRoute);
    const { handler, calls } = setUp();
    const authorizer = context === undefined ? undefined : (context as Record<string, string>);
    const result = await handler(proxyEvent({ method: route.method, resource: route.path, authorizer }));
    expect(result.statusCode).toBe(401);
    expect(parse(result.body)).toEqual({
      ...parse(DOCUMENTED_BODIES.invalid_api_key),
      request_id: 'test-request',
    });
    expect(calls).toHaveLength(0);
  });

  it.each(serviceRoutes.map((route) => [routeKey(route.method, route.path), route] as const))(
    '%s: a context without the route scope → 403 insufficient_scope naming it',
    async (_name, route) => {
      const { handler, calls } = setUp();
      const withoutScope = authContextFor({ projectId: 'proj_a', permission: 'custom', scopes: [] });
      const result = await handler(
        proxyEvent({ method: route.method, resource: route.path, authorizer: withoutScope }),
      );
      expect(result.statusCode).toBe(403);
      // SendGrid's clients read errors[]; every other surface reads the documented body.
      expect(parse(result.body)).toEqual(
        route.surface === 'sendgrid'
          ? {
              errors: [{ message: DEFAULT_MESSAGES.insufficient_scope, field: null, help: null }],
              error_code: 'insufficient_scope',
              request_id: 'test-request',
            }
          : {
              ...(documentedInsufficientScopeBody(route) as Record<string, unknown>),
              request_id: 'test-request',
            },
      );
      expect(calls).toHaveLength(0);
    },
  );

  it('a scope that only looks like the required one does not count', async () => {
    const route = requireRoute(getRoute);
    const scope = route.scope ?? 'emails:read';
    const { handler } = setUp();
    const near = {
      ...authContextFor({ projectId: 'proj_a', permission: 'custom', scopes: [] }),
      scopes: `${scope.toUpperCase()} ${scope}x ${scope.split(':')[0]}:*`,
    };
    const result = await handler(
      proxyEvent({ method: route.method, resource: route.path, authorizer: near }),
    );
    expect(result.statusCode).toBe(403);
  });
});

describe('readAuthContext / requireAccess', () => {
  it('reads scopes and domains back', () => {
    expect(
      readAuthContext({
        ...fullAccess,
        scopes: 'emails:send sms:send',
        allowedDomains: JSON.stringify(['a.com', 'b.com']),
      }),
    ).toMatchObject({ scopes: ['emails:send', 'sms:send'], allowedDomains: ['a.com', 'b.com'] });
  });

  it('null means any domain, [] none, and a domain literally named "*" is just a domain', () => {
    expect(readAuthContext({ ...fullAccess, allowedDomains: 'null' }).allowedDomains).toBeUndefined();
    expect(readAuthContext({ ...fullAccess, allowedDomains: '[]' }).allowedDomains).toEqual([]);
    expect(readAuthContext({ ...fullAccess, allowedDomains: '["*"]' }).allowedDomains).toEqual(['*']);
  });

  it.each(['*', '', 'a.com,b.com', '{"a":1}', '[1]'])(
    'fails closed on allowedDomains %j',
    (allowedDomains) => {
      expect(() => readAuthContext({ ...fullAccess, allowedDomains })).toThrow(
        expect.objectContaining({ code: 'invalid_api_key' }),
      );
    },
  );

  it('an empty scopes string holds nothing', () => {
    const context = readAuthContext({ ...fullAccess, scopes: '' });
    expect(context.scopes).toEqual([]);
    expect(() => requireAccess(context, { scope: 'emails:read' })).toThrow(ApiError);
  });

  it.each([null, 'string', 42, []])('refuses %j', (raw) => {
    expect(() => readAuthContext(raw)).toThrow(expect.objectContaining({ code: 'invalid_api_key' }));
  });
});

describe("the frame's re-check of a rotated key's previous secret", () => {
  const accountRoutes = (ROUTES as readonly Route[]).filter((route) => route.service === 'account');

  it.each(accountRoutes.map((route) => [routeKey(route.method, route.path), route] as const))(
    '%s: refused on a permission route, as the current secret on a scope route',
    async (_name, route) => {
      // Arrange: a full_access key's Allow context saying the previous secret was presented.
      const called = vi.fn(async () => ({ ok: true }));
      const handler = createServiceHandler(
        'account',
        trivialRoutes('account', called),
        { error: vi.fn() },
        UNLIMITED_FRAME,
      );
      const call = (secret: 'current' | 'previous') =>
        handler(
          proxyEvent({
            method: route.method,
            resource: route.path,
            authorizer: authContextFor({ projectId: 'proj_a' }, secret),
          }),
        );
      // Act
      const [result, current] = [await call('previous'), await call('current')];
      // Assert
      if (route.permission === undefined) {
        expect(result.statusCode).toBe(current.statusCode);
        expect(parse(result.body).message).toBe(parse(current.body).message);
        return;
      }
      expect(current.statusCode).toBe(200);
      called.mockClear();
      expect(result.statusCode).toBe(403);
      expect(parse(result.body)).toMatchObject({
        error_code: 'insufficient_scope',
        required_permission: 'full_access',
        message: PREVIOUS_SECRET_MESSAGE,
      });
      expect(called).not.toHaveBeenCalled();
    },
  );

  it('a scope route the full_access key holds answers the previous secret', async () => {
    const handler = createServiceHandler(
      'account',
      trivialRoutes('account', async () => ({ ok: true })),
      { error: vi.fn() },
      UNLIMITED_FRAME,
    );
    const result = await handler(
      proxyEvent({
        method: 'GET',
        resource: '/v1/projects',
        authorizer: authContextFor({ projectId: 'proj_a' }, 'previous'),
      }),
    );
    expect(result.statusCode).toBe(200);
  });

  it('a context that does not say which secret was presented fails closed', () => {
    const { secret: _secret, ...withoutSecret } = fullAccess;
    expect(() => readAuthContext(withoutSecret)).toThrow(
      expect.objectContaining({ code: 'invalid_api_key' }),
    );
    expect(() => readAuthContext({ ...fullAccess, secret: 'old' })).toThrow(
      expect.objectContaining({ code: 'invalid_api_key' }),
    );
  });

  it('requireAccess: the current secret of the same key may manage keys', () => {
    const context = readAuthContext(fullAccess);
    expect(() => requireAccess(context, { permission: 'full_access' })).not.toThrow();
    expect(() => requireAccess({ ...context, secret: 'previous' }, { permission: 'full_access' })).toThrow(
      ApiError,
    );
  });
});

describe('createServiceHandler: API surfaces', () => {
  const resendSend = (body: unknown) =>
    proxyEvent({ method: 'POST', resource: '/resend/emails', body, authorizer: fullAccess });

  it('serves a Resend row with its own contract and handler', async () => {
    const { handler, calls } = setUp();
    const result = await handler(resendSend({ to: 'a@example.com' }));
    expect(result.statusCode).toBe(200);
    expect(calls[0]?.body).toEqual({ to: 'a@example.com' });
  });

  it.each([
    ['topic_id', { to: 'a@example.com', topic_id: 'tp_1' }, 'topic_id'],
    [
      'an attachment fetched from a URL',
      { to: 'a@example.com', attachments: [{}, { path: 'https://x' }] },
      'attachments.1.path',
    ],
  ])(
    'refuses %s by name with 422 invalid_parameter, before validation and without calling the handler',
    async (_case, body, field) => {
      const { handler, calls } = setUp();
      const result = await handler(resendSend(body));
      expect(result.statusCode).toBe(422);
      const answer = parse(result.body);
      expect(answer).toMatchObject({
        statusCode: 422,
        name: 'invalid_parameter',
        error_code: 'invalid_parameter',
      });
      expect(answer.message).toContain(field);
      expect(answer.errors).toEqual([{ path: field, message: answer.message }]);
      expect(calls).toEqual([]);
    },
  );

  it('lets an unsupported field through when it is null (as a client that spreads its options sends it)', async () => {
    const { handler } = setUp();
    expect((await handler(resendSend({ to: 'a@example.com', topic_id: null }))).statusCode).toBe(200);
  });

  it('answers a missing field on the Resend surface 422 missing_required_field, as Resend does', async () => {
    const { handler } = setUp();
    const result = await handler(resendSend({ subject: 'Hi' }));
    expect(result.statusCode).toBe(422);
    expect(parse(result.body)).toMatchObject({
      statusCode: 422,
      name: 'missing_required_field',
      error_code: 'validation_error',
      errors: [{ path: 'to', message: 'to is required.' }],
    });
  });

  it('answers any other invalid field on the Resend surface 422 validation_error', async () => {
    const { handler } = setUp();
    const result = await handler(resendSend({ to: 7 }));
    expect(result.statusCode).toBe(422);
    expect(parse(result.body)).toMatchObject({ statusCode: 422, name: 'validation_error' });
  });

  it('keeps the /v1 answer to the same mistake: 400 validation_error', async () => {
    const { handler } = setUp();
    const result = await handler(
      proxyEvent({ method: 'POST', resource: '/v1/emails', body: {}, authorizer: fullAccess }),
    );
    expect(result.statusCode).toBe(400);
    expect(parse(result.body)).toMatchObject({ statusCode: 400, name: 'validation_error' });
  });

  it('answers a contract with a 202, no response schema and response headers with an empty body and those headers only', async () => {
    const contracts = {
      ...TEST_CONTRACTS,
      sendSms: {
        response: {
          status: 202,
          description: 'accepted',
          headers: z.object({ 'x-message-id': z.string() }),
        },
      },
    } satisfies ServiceContracts<'sending'>;
    const reply = async () => ({ body: undefined, headers: { 'x-message-id': 'em_1', 'x-other': 'no' } });
    const handlers = Object.fromEntries(Object.keys(contracts).map((id) => [id, reply])) as never;
    const handler = createServiceHandler(
      'sending',
      { contracts, handlers },
      { error: vi.fn() },
      UNLIMITED_FRAME,
    );
    const result = await handler(proxyEvent({ method: 'POST', resource: '/v1/sms', authorizer: fullAccess }));
    expect(result).toEqual({
      statusCode: 202,
      headers: { 'x-message-id': 'em_1', 'x-request-id': 'test-request' },
      body: '',
    });
  });

  it("answers the contract's other status when the handler chooses it (SendGrid's sandbox 200)", async () => {
    const contracts = {
      ...TEST_CONTRACTS,
      sendSms: {
        response: {
          status: 202,
          description: 'accepted',
          headers: z.object({ 'x-message-id': z.string() }),
          otherStatus: { status: 200, description: 'checked, nothing sent' },
        },
      },
    } satisfies ServiceContracts<'sending'>;
    const reply = async () => ({ body: undefined, headers: {}, status: 200 });
    const handlers = Object.fromEntries(Object.keys(contracts).map((id) => [id, reply])) as never;
    const handler = createServiceHandler(
      'sending',
      { contracts, handlers },
      { error: vi.fn() },
      UNLIMITED_FRAME,
    );
    const result = await handler(proxyEvent({ method: 'POST', resource: '/v1/sms', authorizer: fullAccess }));
    expect(result).toEqual({ statusCode: 200, headers: { 'x-request-id': 'test-request' }, body: '' });
  });

  it('refuses to build a service whose idempotent route declares response headers', () => {
    const contracts = {
      ...TEST_CONTRACTS,
      sendSms: {
        idempotent: true,
        response: { status: 202, description: 'x', headers: z.object({ 'x-message-id': z.string() }) },
      },
    } satisfies ServiceContracts<'sending'>;
    const handlers = Object.fromEntries(Object.keys(contracts).map((id) => [id, vi.fn()])) as never;
    const idempotency = {} as never;
    expect(() =>
      createServiceHandler(
        'sending',
        { contracts, handlers, idempotency },
        { error: vi.fn() },
        UNLIMITED_FRAME,
      ),
    ).toThrow(/idempotent route with response headers/);
  });
});
