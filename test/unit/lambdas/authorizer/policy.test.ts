import { describe, expect, it } from 'vitest';
import { toAuthorizerResult } from '../../../../lambdas/authorizer/policy.js';
import { type KeyRecord, readKeyItem } from '../../../../lambdas/keys/key-item.js';
import { readAuthContext } from '../../../../lambdas/keys/read-auth-context.js';
import { mayCall, PREVIOUS_SECRET_MESSAGE, type SecretUsed } from '../../../../lambdas/api/route-access.js';
import { ROUTES, type Route } from '../../../../lambdas/api/routes.js';
import { effectiveScopes, type Scope } from '../../../../lambdas/api/scopes.js';
import type { Verification } from '../../../../lambdas/keys/verify-key.js';
import { DOCUMENTED_BODIES } from '../../../support/documented-bodies.js';
import { TEST_METHOD_ARN_BASE } from '../../../support/events.js';
import { testKey } from '../../../support/keys.js';

const METHOD_ARN = `${TEST_METHOD_ARN_BASE}/POST/v1/emails`;
const NO_CACHE = { coverAllRoutes: false };
const CACHED = { coverAllRoutes: true };

/** What verifyKey reports the key holds. */
const scopesOf = (key: KeyRecord) => effectiveScopes(key.type, key.permission, key.scopes);

function recordFor(overrides: Record<string, unknown> = {}): KeyRecord {
  const reading = readKeyItem(
    testKey({ allowedDomains: new Set(['example.com', 'mail.example.org']), ...overrides }).item,
  );
  if (!reading.ok) throw new Error('unreadable test item');
  return reading.record;
}

const allowFor = (key: KeyRecord, secret: SecretUsed = 'current'): Verification => ({
  ok: true,
  key,
  scopes: scopesOf(key),
  secret,
});

/** A concrete request path for a route, the way API Gateway builds methodArn. */
const concreteArn = (route: Route): string =>
  `${TEST_METHOD_ARN_BASE}/${route.method}${route.path.replace(/\{[^}]+\}/g, 'abc_123')}`;

/** Every Resource of a policy, flattened. */
const resourcesOf = (result: ReturnType<typeof toAuthorizerResult>): string[] =>
  result.policyDocument.Statement.flatMap((statement) =>
    'Resource' in statement && statement.Resource !== undefined ? [statement.Resource].flat() : [],
  );

/** IAM resource matching: `*` matches any run of characters. */
const iamMatches = (pattern: string, arn: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(arn);

describe('toAuthorizerResult: invalid keys', () => {
  it("throws exactly Error('Unauthorized') (API Gateway's UNAUTHORIZED → 401)", () => {
    const verification: Verification = { ok: false, code: 'invalid_api_key', keyId: undefined, reason: 'x' };
    let thrown: unknown;
    try {
      toAuthorizerResult(verification, METHOD_ARN, NO_CACHE);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe('Unauthorized');
  });

  it('throws the same with caching on and a known key id', () => {
    const verification: Verification = {
      ok: false,
      code: 'invalid_api_key',
      keyId: 'AAAAAAAAAAAA',
      reason: 'x',
    };
    expect(() => toAuthorizerResult(verification, METHOD_ARN, CACHED)).toThrow(/^Unauthorized$/);
  });
});

describe('toAuthorizerResult: the documented Deny rows', () => {
  const key = recordFor();
  it.each([
    ['revoked', { ok: false, code: 'key_revoked', key }, DOCUMENTED_BODIES.key_revoked, ''],
    ['expired', { ok: false, code: 'key_expired', key }, DOCUMENTED_BODIES.key_expired, ''],
    ['IP not allowed', { ok: false, code: 'ip_not_allowed', key }, DOCUMENTED_BODIES.ip_not_allowed, ''],
    [
      'scope missing',
      {
        ok: false,
        code: 'insufficient_scope',
        key,
        requiredScope: 'templates:write',
        scopes: scopesOf(key),
        secret: 'current',
      },
      DOCUMENTED_BODIES.insufficient_scope_templates_write,
      'templates:write',
    ],
  ] as const)(
    '%s: a Deny for the called method carrying the exact body',
    (_row, verification, body, requiredScope) => {
      const result = toAuthorizerResult(verification as Verification, METHOD_ARN, NO_CACHE);
      expect(result.principalId).toBe(key.keyId);
      expect(result.policyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [METHOD_ARN] }],
      });
      const context = result.context ?? {};
      expect(Object.keys(context).sort()).toEqual(['errorBody', 'errorCode', 'message', 'requiredScope']);
      expect(context.errorBody).toBe(body);
      expect(JSON.parse(String(context.errorBody))).toEqual(JSON.parse(body));
      expect(context.message).toBe(JSON.parse(body).message);
      expect(context.errorCode).toBe(JSON.parse(body).error_code);
      expect(context.requiredScope).toBe(requiredScope);
    },
  );

  it('a route the table does not know: insufficient_scope with no required_scope in the body', () => {
    const verification: Verification = {
      ok: false,
      code: 'insufficient_scope',
      key,
      requiredScope: undefined,
      scopes: scopesOf(key),
      secret: 'current',
    };
    const context = toAuthorizerResult(verification, METHOD_ARN, NO_CACHE).context ?? {};
    expect(JSON.parse(String(context.errorBody))).toEqual({
      statusCode: 403,
      name: 'restricted_api_key',
      message: 'Your API key does not have the required permissions for this action.',
      error_code: 'insufficient_scope',
    });
    expect(context.requiredScope).toBe('');
  });

  it.each(['key_revoked', 'key_expired', 'ip_not_allowed'] as const)(
    'with caching on, %s is still a Deny (it applies to every route)',
    (code) => {
      const result = toAuthorizerResult({ ok: false, code, key }, METHOD_ARN, CACHED);
      expect(result.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [METHOD_ARN] },
      ]);
    },
  );
});

describe('toAuthorizerResult: Allow', () => {
  it('allows exactly the called method, with a strings-only context the handlers read back', () => {
    const key = recordFor({ permission: 'sending_only' });
    const result = toAuthorizerResult(allowFor(key), METHOD_ARN, NO_CACHE);
    expect(result.principalId).toBe(key.keyId);
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [METHOD_ARN] },
    ]);
    const context = result.context ?? {};
    for (const value of Object.values(context)) expect(typeof value).toBe('string');
    expect(context).toMatchObject({
      keyId: key.keyId,
      teamId: 'team_test',
      projectId: 'proj_test',
      keyType: 'general',
      permission: 'sending_only',
      allowedDomains: '["example.com","mail.example.org"]',
    });
    expect(String(context.scopes).split(' ').sort()).toEqual(['emails:send', 'sms:send', 'whatsapp:send']);
    expect(readAuthContext(context)).toEqual({
      keyId: key.keyId,
      teamId: 'team_test',
      projectId: 'proj_test',
      keyType: 'general',
      permission: 'sending_only',
      scopes: String(context.scopes).split(' '),
      allowedDomains: ['example.com', 'mail.example.org'],
      secret: 'current',
    });
  });

  it('a key without allowedDomains reads back as "any domain", not "no domain"', () => {
    const key = recordFor({ allowedDomains: undefined });
    const context = toAuthorizerResult(allowFor(key), METHOD_ARN, NO_CACHE).context ?? {};
    expect(context.allowedDomains).toBe('null');
    expect(readAuthContext(context).allowedDomains).toBeUndefined();
  });

  it('never puts the key hash in the context', () => {
    const key = recordFor();
    expect(JSON.stringify(toAuthorizerResult(allowFor(key), METHOD_ARN, CACHED))).not.toContain(key.keyHash);
  });

  it('carries the insufficient_scope body for a cached policy that does not cover a route', () => {
    const context = toAuthorizerResult(allowFor(recordFor()), METHOD_ARN, CACHED).context ?? {};
    expect(JSON.parse(String(context.errorBody))).toEqual({
      statusCode: 403,
      name: 'restricted_api_key',
      message: 'Your API key does not have the required permissions for this action.',
      error_code: 'insufficient_scope',
    });
  });
});

describe('toAuthorizerResult: cached policies cover every route the key may call', () => {
  const presets = [
    ['full_access', {}],
    ['sending_only', { permission: 'sending_only' }],
    ['custom emails:read', { permission: 'custom', scopes: ['emails:read'] }],
  ] as const;

  it.each(presets)('%s: one ARN per allowed route, path parameters as *', (_name, overrides) => {
    const key = recordFor(overrides);
    const scopes: readonly Scope[] = effectiveScopes(key.type, key.permission, key.scopes);
    const resources = resourcesOf(toAuthorizerResult(allowFor(key), METHOD_ARN, CACHED));
    const standing = { type: key.type, permission: key.permission, scopes, secret: 'current' as const };
    const held = ROUTES.filter((route) => mayCall(route, standing));
    expect(resources).toHaveLength(held.length);
    expect(new Set(resources).size).toBe(resources.length);
    for (const resource of resources) {
      expect(resource.startsWith(`${TEST_METHOD_ARN_BASE}/`)).toBe(true);
      expect(resource).not.toMatch(/[{}]/);
    }
    // IAM's `*` spans `/`, so GET/v1/webhooks/* covers /v1/webhooks/{id}/deliveries too: a held route
    // may match more than one ARN, but a route the key does not hold must match none (routes.test.ts
    // checks that a route nested under another's {id} needs the same scope, method for method).
    for (const route of ROUTES) {
      const matching = resources.filter((resource) => iamMatches(resource, concreteArn(route)));
      if (mayCall(route, standing))
        expect(matching.length, `${route.method} ${route.path}`).toBeGreaterThan(0);
      else expect(matching, `${route.method} ${route.path}`).toEqual([]);
    }
  });

  it('writes GET /v1/emails/{id} as GET/v1/emails/*', () => {
    expect(resourcesOf(toAuthorizerResult(allowFor(recordFor()), METHOD_ARN, CACHED))).toContain(
      `${TEST_METHOD_ARN_BASE}/GET/v1/emails/*`,
    );
  });

  it('a scope miss does not cache a Deny that would block the routes the key holds', () => {
    // Arrange: a sending_only key calls GET /v1/emails (emails:read), with caching on.
    const key = recordFor({ permission: 'sending_only' });
    const called = `${TEST_METHOD_ARN_BASE}/GET/v1/emails`;
    const verification: Verification = {
      ok: false,
      code: 'insufficient_scope',
      key,
      requiredScope: 'emails:read',
      scopes: scopesOf(key),
      secret: 'current',
    };
    // Act
    const result = toAuthorizerResult(verification, called, CACHED);
    // Assert: the called route is not covered (still 403), the key's own routes are.
    expect(result.policyDocument.Statement.every((statement) => statement.Effect === 'Allow')).toBe(true);
    const resources = resourcesOf(result);
    expect(resources.some((resource) => iamMatches(resource, called))).toBe(false);
    expect(resources.some((resource) => iamMatches(resource, `${TEST_METHOD_ARN_BASE}/POST/v1/emails`))).toBe(
      true,
    );
    expect(JSON.parse(String(result.context?.errorBody)).error_code).toBe('insufficient_scope');
  });

  it('a key that holds no route at all gets a Deny naming no scope (it is cached for every route)', () => {
    const key = recordFor({ permission: 'custom', scopes: [] });
    const verification: Verification = {
      ok: false,
      code: 'insufficient_scope',
      key,
      requiredScope: 'emails:send',
      scopes: scopesOf(key),
      secret: 'current',
    };
    const result = toAuthorizerResult(verification, METHOD_ARN, CACHED);
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [METHOD_ARN] },
    ]);
    expect(result.context?.errorBody).toBe(
      '{"statusCode":403,"name":"restricted_api_key","message":"Your API key does not have the required permissions for this action.","error_code":"insufficient_scope"}',
    );
  });
});

describe("toAuthorizerResult: a rotated key's previous secret during the grace", () => {
  const routes: readonly Route[] = ROUTES;
  const permissionRoutes = routes.filter((route) => route.permission !== undefined);
  const scopeRoutes = routes.filter((route) => route.scope !== undefined);

  it('says in the Allow context which secret was presented, and the handlers read it back', () => {
    const key = recordFor();
    for (const secret of ['current', 'previous'] as const) {
      const context = toAuthorizerResult(allowFor(key, secret), METHOD_ARN, NO_CACHE).context ?? {};
      expect(context.secret).toBe(secret);
      expect(readAuthContext(context).secret).toBe(secret);
    }
  });

  it.each(permissionRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: a Deny whose body names the permission and says the previous secret cannot manage keys',
    (_name, route) => {
      const key = recordFor();
      const verification: Verification = {
        ok: false,
        code: 'insufficient_scope',
        key,
        requiredScope: undefined,
        requiredPermission: route.permission,
        scopes: scopesOf(key),
        secret: 'previous',
      };
      const result = toAuthorizerResult(verification, concreteArn(route), NO_CACHE);
      expect(result.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [concreteArn(route)] },
      ]);
      const body = JSON.parse(String(result.context?.errorBody)) as Record<string, unknown>;
      expect(body).toMatchObject({
        error_code: 'insufficient_scope',
        required_permission: 'full_access',
        message: PREVIOUS_SECRET_MESSAGE,
      });
      expect(body.required_scope).toBeUndefined();
      expect(result.context?.message).toBe(PREVIOUS_SECRET_MESSAGE);
    },
  );

  it('with caching on, the cached policy covers every scope route the key holds and no permission route', () => {
    // Arrange: a full_access key's previous secret calls a permission route (POST …/rotate).
    const key = recordFor();
    const rotate = routes.find((route) => route.id === 'rotateApiKey');
    if (!rotate) throw new Error('no rotateApiKey route');
    const verification: Verification = {
      ok: false,
      code: 'insufficient_scope',
      key,
      requiredScope: undefined,
      requiredPermission: 'full_access',
      scopes: scopesOf(key),
      secret: 'previous',
    };
    // Act: the denied call and an allowed one, as the cache would keep either for every route.
    const results = [
      toAuthorizerResult(verification, concreteArn(rotate), CACHED),
      toAuthorizerResult(allowFor(key, 'previous'), METHOD_ARN, CACHED),
    ];
    // Assert
    for (const result of results) {
      const resources = resourcesOf(result);
      for (const route of permissionRoutes) {
        expect(
          resources.filter((resource) => iamMatches(resource, concreteArn(route))),
          `${route.method} ${route.path}`,
        ).toEqual([]);
      }
      for (const route of scopeRoutes) {
        if (route.scope === undefined || !scopesOf(key).includes(route.scope)) continue;
        expect(resources.some((resource) => iamMatches(resource, concreteArn(route)))).toBe(true);
      }
      expect(result.context?.secret).toBe('previous');
    }
  });

  it("the current secret's cached policy still covers the permission routes", () => {
    const resources = resourcesOf(toAuthorizerResult(allowFor(recordFor(), 'current'), METHOD_ARN, CACHED));
    for (const route of permissionRoutes) {
      expect(resources.some((resource) => iamMatches(resource, concreteArn(route)))).toBe(true);
    }
  });
});
