import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { AuthorizerUnavailableError, createAuthorizer } from '../../../../lambdas/authorizer/authorizer.js';
import { generateApiKey } from '../../../../lambdas/keys/api-key.js';
import { authorizerEvent, TEST_METHOD_ARN_BASE } from '../../../support/events.js';
import { bearer, type TestKey, testKey } from '../../../support/keys.js';
import { fixedClock, recordingLog } from '../../../support/logs.js';

function setUp(key: TestKey = testKey(), options: { coverAllRoutes?: boolean } = {}) {
  const getKeyItem = vi.fn(async (keyId: string) => (keyId === key.key.keyId ? key.item : undefined));
  const log = recordingLog();
  const authorize = createAuthorizer({
    environment: 'live',
    getKeyItem,
    log,
    now: fixedClock('2025-06-01T12:00:00Z'),
    ...options,
  });
  return { key, getKeyItem, log, authorize };
}

const effectOf = async (result: Promise<{ policyDocument: { Statement: { Effect: string }[] } }>) =>
  (await result).policyDocument.Statement.map((statement) => statement.Effect);

describe('createAuthorizer: the Authorization header', () => {
  it('allows a single Authorization header, whatever the case of its name', async () => {
    const { key, authorize } = setUp();
    for (const name of ['Authorization', 'authorization', 'AUTHORIZATION']) {
      const event = authorizerEvent({ headers: { [name]: bearer(key.key) } });
      expect(await effectOf(authorize(event))).toEqual(['Allow']);
    }
  });

  it('two Authorization headers (multi-value) → Unauthorized, no lookup', async () => {
    const { key, authorize, getKeyItem } = setUp();
    const event = authorizerEvent({
      multiValueHeaders: { Authorization: [bearer(key.key), bearer(key.key)] },
    });
    await expect(authorize(event)).rejects.toThrow(/^Unauthorized$/);
    expect(getKeyItem).not.toHaveBeenCalled();
  });

  it('two Authorization headers whose names differ only in case → Unauthorized, no lookup', async () => {
    const { key, authorize, getKeyItem } = setUp();
    const other = testKey();
    const event = authorizerEvent({
      multiValueHeaders: { Authorization: [bearer(other.key)], authorization: [bearer(key.key)] },
    });
    await expect(authorize(event)).rejects.toThrow(/^Unauthorized$/);
    expect(getKeyItem).not.toHaveBeenCalled();
  });

  it('the same, when only the single-value headers show both names', async () => {
    const { key, authorize } = setUp();
    const event: APIGatewayRequestAuthorizerEvent = {
      ...authorizerEvent(),
      headers: { Authorization: bearer(key.key), authorization: bearer(key.key) },
      multiValueHeaders: null,
    };
    await expect(authorize(event)).rejects.toThrow(/^Unauthorized$/);
  });

  it.each([
    ['no headers at all', { headers: null, multiValueHeaders: null }],
    ['no Authorization header', { headers: { Accept: '*/*' }, multiValueHeaders: { Accept: ['*/*'] } }],
  ])('%s → Unauthorized', async (_case, overrides) => {
    const { authorize } = setUp();
    const event = { ...authorizerEvent(), ...overrides } as APIGatewayRequestAuthorizerEvent;
    await expect(authorize(event)).rejects.toThrow(/^Unauthorized$/);
  });
});

describe('createAuthorizer: request facts come from API Gateway, not the client', () => {
  it.each(['X-Forwarded-For', 'X-Real-IP', 'True-Client-IP', 'CF-Connecting-IP'])(
    'the source IP is requestContext.identity.sourceIp, never %s',
    async (header) => {
      const { key, authorize } = setUp(testKey({ allowedIps: '203.0.113.50' }));
      const event = authorizerEvent({
        authorization: bearer(key.key),
        sourceIp: '198.51.100.7',
        headers: { [header]: '203.0.113.50' },
      });
      const result = await authorize(event);
      expect(result.context?.errorCode).toBe('ip_not_allowed');
    },
  );

  it('the route is the resource template, so a path parameter does not defeat the lookup', async () => {
    const { key, authorize } = setUp(testKey({ permission: 'custom', scopes: ['emails:read'] }));
    const event = authorizerEvent({
      method: 'GET',
      resource: '/v1/emails/{id}',
      path: '/v1/emails/em_123',
      authorization: bearer(key.key),
    });
    const result = await authorize(event);
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [`${TEST_METHOD_ARN_BASE}/GET/v1/emails/em_123`],
      },
    ]);
  });

  it('an unknown resource is denied insufficient_scope even for a full_access key', async () => {
    const { key, authorize } = setUp();
    const result = await authorize(
      authorizerEvent({ method: 'GET', resource: '/v1/secret', authorization: bearer(key.key) }),
    );
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(result.context?.errorCode).toBe('insufficient_scope');
  });
});

describe('createAuthorizer: failures', () => {
  it('a store failure rejects with AuthorizerUnavailableError, not Unauthorized (→ 503)', async () => {
    const { key, authorize, getKeyItem, log } = setUp();
    getKeyItem.mockRejectedValueOnce(
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    );
    const rejection = authorize(authorizerEvent({ authorization: bearer(key.key) }));
    await expect(rejection).rejects.toBeInstanceOf(AuthorizerUnavailableError);
    await expect(rejection).rejects.not.toThrow(/^Unauthorized$/);
    expect(log.lines.map((line) => line.level)).toEqual(['error']);
    expect(log.text()).toContain('ThrottlingException');
  });

  it('logs every decision with the public key id and reason', async () => {
    const { key, authorize, log } = setUp(testKey({ revokedAt: '2025-01-01T00:00:00Z' }));
    await authorize(authorizerEvent({ authorization: bearer(key.key) }));
    expect(log.lines).toEqual([
      {
        level: 'info',
        message: 'authorization decided',
        extra: [
          {
            keyId: key.key.keyId,
            decision: 'deny',
            reason: 'key_revoked',
            route: 'POST /v1/emails',
            sourceIp: '203.0.113.10',
          },
        ],
      },
    ]);
  });

  it('logs which secret was presented, never the secret: a rotated-away secret still in use shows', async () => {
    const current = testKey();
    const previous = generateApiKey('live', current.key.keyId);
    const rotated = {
      key: current.key,
      item: {
        ...current.item,
        previousKeyHash: previous.keyHash,
        previousKeyExpiresAt: '2025-06-02T12:00:00Z',
      },
    };
    const { authorize, log } = setUp(rotated);
    await authorize(authorizerEvent({ authorization: bearer(previous) }));
    await authorize(authorizerEvent({ authorization: bearer(current.key) }));
    expect(log.lines.map((line) => line.extra[0])).toMatchObject([
      { decision: 'allow', secret: 'previous' },
      { decision: 'allow', secret: 'current' },
    ]);
    expect(log.text()).not.toContain(previous.key.slice(-38));
    expect(log.text()).not.toContain(previous.keyHash);
  });

  it('with coverAllRoutes, an Allow lists every route the key holds', async () => {
    const { key, authorize } = setUp(testKey({ permission: 'sending_only' }), { coverAllRoutes: true });
    const result = await authorize(authorizerEvent({ authorization: bearer(key.key) }));
    const resources = result.policyDocument.Statement.flatMap((statement) =>
      'Resource' in statement && statement.Resource !== undefined ? [statement.Resource].flat() : [],
    );
    expect(resources).toContain(`${TEST_METHOD_ARN_BASE}/POST/v1/emails`);
    expect(resources.some((resource) => resource.includes('/GET/'))).toBe(false);
  });
});
