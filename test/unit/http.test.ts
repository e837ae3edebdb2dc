import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../lambdas/core/errors.js';
import {
  type ApiRequest,
  createServiceHandler,
  type RouteHandler,
  validate,
} from '../../lambdas/core/http.js';
import { readAuthContext, requireScope } from '../../lambdas/core/read-auth-context.js';
import { ROUTES, type Route, routeKey } from '../../lambdas/core/routes.js';
import { DESIGN_BODIES, designInsufficientScopeBody } from '../support/design-bodies.js';
import { authContextFor, proxyEvent } from '../support/events.js';

const SERVICE = 'sending';
const serviceRoutes = ROUTES.filter((route) => route.service === SERVICE);
const postRoute = serviceRoutes.find((route) => route.method === 'POST');
const getRoute = serviceRoutes.find((route) => route.method === 'GET');
const otherServiceRoute = ROUTES.find((route) => route.service !== SERVICE);

/** A fake handler per route of the service that echoes what it was given. */
function setUp(override?: RouteHandler) {
  const calls: ApiRequest[] = [];
  const echo: RouteHandler = async (request) => {
    calls.push(request);
    return {
      status: 200,
      body: { route: routeKey(request.route.method, request.route.path), body: request.body },
    };
  };
  const handlers = Object.fromEntries(
    serviceRoutes.map((route) => [routeKey(route.method, route.path), override ?? echo]),
  );
  const log = { error: vi.fn() };
  return { handler: createServiceHandler(SERVICE, handlers, log), calls, log };
}

const fullAccess = authContextFor({ projectId: 'proj_a' });
const parse = (body: string): unknown => JSON.parse(body);

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
    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
    expect(parse(result.body)).toEqual({
      route: routeKey(route.method, route.path),
      body: { to: 'a@example.com' },
    });
    expect(calls[0]?.auth.projectId).toBe('proj_a');
    expect(calls[0]?.headers['idempotency-key']).toBe('abc');
  });

  it('decodes a base64 body', async () => {
    const route = requireRoute(postRoute);
    const { handler, calls } = setUp();
    const event = proxyEvent({ method: route.method, resource: route.path, authorizer: fullAccess });
    await handler({ ...event, body: Buffer.from('{"a":1}').toString('base64'), isBase64Encoded: true });
    expect(calls[0]?.body).toEqual({ a: 1 });
  });

  it('refuses to build when a route of the service has no handler', () => {
    expect(() => createServiceHandler(SERVICE, {}, { error: vi.fn() })).toThrow(/No handler for/);
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
    expect(result.body).toBe(DESIGN_BODIES.not_found);
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
      error_code: 'validation_error',
      errors: [{ path: '', message: 'Expected a JSON object' }],
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
    expect(parse(result.body)).toEqual({ message: 'Email not found.', error_code: 'not_found' });
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
      body: { html: 'PRIVATE-BODY-CONTENT' },
      headers: { Authorization: 'Bearer sk_live_SECRETSECRET' },
      authorizer: fullAccess,
    });
    // Act
    const result = await handler(event);
    // Assert
    expect(result.statusCode).toBe(500);
    expect(result.body).toBe('{"message":"Internal server error.","error_code":"internal_error"}');
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
  const { keyId, teamId, projectId, keyType, permission, scopes, allowedDomains } = fullAccess;
  const complete = { keyId, teamId, projectId, keyType, permission, scopes, allowedDomains };
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
    ['a Deny context', { message: 'x', errorCode: 'key_revoked', requiredScope: '', errorBody: '{}' }],
  ])('%s → 401 invalid_api_key, handler not called', async (_case, context) => {
    const route = requireRoute(getRoute);
    const { handler, calls } = setUp();
    const authorizer = context === undefined ? undefined : (context as Record<string, string>);
    const result = await handler(proxyEvent({ method: route.method, resource: route.path, authorizer }));
    expect(result.statusCode).toBe(401);
    expect(result.body).toBe(DESIGN_BODIES.invalid_api_key);
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
      expect(parse(result.body)).toEqual(designInsufficientScopeBody(route.scope));
      expect(calls).toHaveLength(0);
    },
  );

  it('a scope that only looks like the required one does not count', async () => {
    const route = requireRoute(getRoute);
    const { handler } = setUp();
    const near = {
      ...fullAccess,
      scopes: `${route.scope.toUpperCase()} ${route.scope}x ${route.scope.split(':')[0]}:*`,
    };
    const result = await handler(
      proxyEvent({ method: route.method, resource: route.path, authorizer: near }),
    );
    expect(result.statusCode).toBe(403);
  });
});

describe('readAuthContext / requireScope', () => {
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
    expect(() => requireScope(context, 'emails:read')).toThrow(ApiError);
  });

  it.each([null, 'string', 42, []])('refuses %j', (raw) => {
    expect(() => readAuthContext(raw)).toThrow(expect.objectContaining({ code: 'invalid_api_key' }));
  });
});

describe('validate', () => {
  it('returns the parsed value', () => {
    expect(validate(z.object({ to: z.string() }), { to: 'a' })).toEqual({ to: 'a' });
  });

  it('throws a 400 listing every problem by path', () => {
    let thrown: unknown;
    try {
      validate(z.object({ to: z.string(), tags: z.array(z.object({ name: z.string() })) }), { tags: [{}] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    const error = thrown as ApiError;
    expect(error.status).toBe(400);
    expect(error.errors?.map((problem) => problem.path).sort()).toEqual(['tags.0.name', 'to']);
  });
});
