import { describe, expect, it } from 'vitest';
import {
  findRoute,
  HTTP_METHODS,
  matchRoute,
  ROUTES,
  type Route,
  ROUTE_PERMISSIONS,
  requirementLabel,
  routeKey,
  SERVICES,
  SURFACE_PREFIXES,
  SURFACES,
  type SurfaceRowSpec,
  v1RouteOf,
} from '../../../../lambdas/api/routes.js';
import { isScopeOf } from '../../../../lambdas/api/scopes.js';

/** A concrete URL for a route, with every path parameter filled in. */
const concretePath = (path: string): string => path.replace(/\{[^}]+\}/g, 'res_0123456789');

describe('the route table: invariants', () => {
  it('has one route per method and path', () => {
    const keys = ROUTES.map((route) => routeKey(route.method, route.path));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each((ROUTES as readonly Route[]).map((route) => [routeKey(route.method, route.path), route] as const))(
    '%s',
    (_name, route) => {
      // Exactly one requirement: a scope that exists for the route's kind of key, or a permission.
      expect((route.scope === undefined) !== (route.permission === undefined)).toBe(true);
      if (route.scope === undefined) {
        expect(ROUTE_PERMISSIONS).toContain(route.permission);
      } else {
        // Billing scopes guard exactly the billing routes; general scopes everything else.
        const keyType = route.path.startsWith('/v1/billing') ? 'billing' : 'general';
        expect(isScopeOf(keyType, route.scope)).toBe(true);
        // Read scopes guard GET; write/send scopes guard POST, PUT, PATCH and DELETE.
        if (route.method === 'GET') expect(route.scope).toMatch(/:read$/);
        else expect(route.scope).toMatch(/:(write|send)$/);
      }
      expect(HTTP_METHODS).toContain(route.method);
      expect(SERVICES).toContain(route.service);
      // API Gateway resource paths: under the surface's prefix, no trailing slash, parameters as {name}.
      expect(SURFACES).toContain(route.surface);
      expect(route.path.startsWith(SURFACE_PREFIXES[route.surface])).toBe(true);
      expect(route.path).toMatch(/^(\/([a-z0-9-]+|\{[A-Za-z]\w*\}))+$/);
      expect(route.summary.trim()).not.toBe('');
    },
  );

  it.each(ROUTES.map((route) => [routeKey(route.method, route.path), route] as const))(
    '%s is reached by its own URL (no other route shadows it)',
    (_name, route) => {
      expect(matchRoute(ROUTES, route.method, concretePath(route.path))?.route).toBe(route);
      expect(findRoute(route.method, route.path)).toBe(route);
    },
  );

  it.each(ROUTES.filter((route) => route.surface !== 'v1').map((route) => [route.id, route] as const))(
    '%s stands for a /v1 route of its service and takes exactly its requirement',
    (_id, route) => {
      const v1 = v1RouteOf(route);
      expect(v1.surface).toBe('v1');
      expect(v1.service).toBe(route.service);
      expect({ scope: route.scope, permission: route.permission }).toEqual({
        scope: v1.scope,
        permission: v1.permission,
      });
    },
  );

  it('gives no /v1 row a standsFor', () => {
    expect(ROUTES.filter((route) => route.surface === 'v1' && route.standsFor !== undefined)).toEqual([]);
  });

  it('maps POST /resend/emails to the scope of POST /v1/emails', () => {
    expect(findRoute('POST', '/resend/emails')).toMatchObject({ scope: 'emails:send', surface: 'resend' });
  });

  it('refuses, at compile time, a surface row without standsFor or standing for another service', () => {
    const rows = [
      // @ts-expect-error -- a surface row must name the /v1 route it stands for.
      { id: 'x', method: 'POST', path: '/resend/x', surface: 'resend', service: 'sending', summary: 'x' },
      // @ts-expect-error -- sendEmail is the sending service's route, not the domains service's.
      {
        id: 'y',
        method: 'POST',
        path: '/resend/y',
        surface: 'resend',
        standsFor: 'sendEmail',
        service: 'domains',
        summary: 'y',
      },
    ] satisfies SurfaceRowSpec[];
    expect(rows).toHaveLength(2);
  });

  it('has no two routes that a single URL could both match', () => {
    for (const route of ROUTES) {
      const url = concretePath(route.path);
      const matching = ROUTES.filter((other) => matchRoute([other], route.method, url) !== undefined);
      expect(matching, url).toEqual([route]);
    }
  });
});

describe('matchRoute', () => {
  it.each([
    ['GET', '/v1/emails/em_123', 'GET /v1/emails/{id}', { id: 'em_123' }],
    ['GET', '/v1/emails/em_123/', 'GET /v1/emails/{id}', { id: 'em_123' }],
    ['GET', '/v1/emails', 'GET /v1/emails', {}],
    ['GET', '/v1/emails/', 'GET /v1/emails', {}],
    ['get', '/v1/emails', 'GET /v1/emails', {}],
    ['POST', '/v1/emails', 'POST /v1/emails', {}],
    ['GET', '/v1/emails/a%20b', 'GET /v1/emails/{id}', { id: 'a b' }],
    ['GET', '/v1/emails/a%2Fb', 'GET /v1/emails/{id}', { id: 'a/b' }],
    ['GET', '/v1/emails/%E0%A4%A', 'GET /v1/emails/{id}', { id: '%E0%A4%A' }],
  ])('%s %s → %s %j', (method, url, expected, params) => {
    const match = matchRoute(ROUTES, method, url);
    expect(match && routeKey(match.route.method, match.route.path)).toBe(expected);
    expect(match?.pathParameters).toEqual(params);
  });

  it.each([
    ['method mismatch', 'DELETE', '/v1/emails'],
    ['method mismatch on a parameter route', 'POST', '/v1/emails/em_123'],
    ['unknown method', 'TRACE', '/v1/emails'],
    ['unknown path', 'GET', '/v1/nothing'],
    ['extra segment', 'GET', '/v1/emails/em_1/extra'],
    ['missing version', 'GET', '/emails'],
    ['no leading slash', 'GET', 'v1/emails'],
    ['empty path', 'GET', ''],
    ['path case differs', 'GET', '/V1/Emails'],
    ['double slash', 'GET', '//v1/emails'],
    ['an empty segment', 'GET', '/v1//em_123'],
  ])('no route for %s (%s %s)', (_case, method, url) => {
    expect(matchRoute(ROUTES, method, url)).toBeUndefined();
  });
});

describe('findRoute', () => {
  it('finds a route by its resource template, method case-insensitive', () => {
    expect(findRoute('get', '/v1/emails/{id}')?.scope).toBe('emails:read');
  });

  it.each([
    ['a concrete path is not a resource template', 'GET', '/v1/emails/em_123'],
    ['a trailing slash', 'GET', '/v1/emails/'],
    ['another parameter name', 'GET', '/v1/emails/{emailId}'],
    ['unknown method', 'PATCH', '/v1/emails'],
  ])('returns nothing for %s', (_case, method, resource) => {
    expect(findRoute(method, resource)).toBeUndefined();
  });
});

describe('cached policies cannot leak a scope through IAM wildcards', () => {
  // A cached Allow lists `METHOD/v1/x/*` for `/v1/x/{id}`, and IAM's `*` also matches `/v1/x/1/more`.
  it.each(ROUTES.filter((route) => route.path.includes('{')))(
    '$method $path: every route the wildcard also covers needs the same scope',
    (route) => {
      const prefix = `${route.method} ${route.path.replace(/\{[^}]+\}.*$/, '')}`;
      const covered = ROUTES.filter((other) => `${other.method} ${other.path}`.startsWith(prefix));
      expect(covered.filter((other) => requirementLabel(other) !== requirementLabel(route))).toEqual([]);
    },
  );
});
