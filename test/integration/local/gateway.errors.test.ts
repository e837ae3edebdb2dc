/**
 * The local gateway's own answers carry the same error bodies as API Gateway's gateway responses:
 * `statusCode` and `name` beside `message` and `error_code`, with `statusCode: null` exactly where
 * the deployed template cannot know the status (the DEFAULT_5XX family, e.g. a handler that throws).
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, type Service } from '../../../lambdas/api/routes.js';
import { type ProxyFunction, type RunningGateway, startGateway } from '../../../local/gateway.js';
import { DOCUMENTED_BODIES } from '../../support/documented-bodies.js';
import { call } from '../../support/http-client.js';

const allow: APIGatewayAuthorizerResult = {
  principalId: 'AAAAAAAAAAAA',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ['*'] }],
  },
  context: {},
};

const throwing: ProxyFunction = async () => {
  throw new Error('the handler crashed');
};

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway(
    {
      authorizer: async (event) => {
        if (event.headers?.authorization === 'Bearer outage') throw new Error('DynamoDB did not answer');
        return allow;
      },
      services: Object.fromEntries(SERVICES.map((service) => [service, throwing])) as Record<
        Service,
        ProxyFunction
      >,
    },
    { host: '127.0.0.1', port: 0 },
  );
});
afterAll(async () => {
  await gateway?.close();
});

describe("the local gateway's own error bodies", () => {
  it('a handler that throws: 502, statusCode null and application_error, as DEFAULT_5XX deployed', async () => {
    const response = await call(gateway.url, { method: 'GET', path: '/v1/emails', key: 'anything' });
    expect(response.status).toBe(502);
    expect(response.json).toEqual({
      statusCode: null,
      name: 'application_error',
      message: 'Internal server error.',
      error_code: 'internal_error',
    });
    expect(response.text).not.toContain('crashed');
  });

  it('an authorizer outage: 503 with the documented authorizer_unavailable body', async () => {
    const response = await call(gateway.url, { method: 'GET', path: '/v1/emails', key: 'outage' });
    expect(response.status).toBe(503);
    expect(response.text).toBe(DOCUMENTED_BODIES.authorizer_unavailable);
  });

  it('an unknown route: 404 with the documented not_found body', async () => {
    const response = await call(gateway.url, { method: 'GET', path: '/v1/nothing', key: 'anything' });
    expect(response.status).toBe(404);
    expect(response.text).toBe(DOCUMENTED_BODIES.not_found);
  });

  it('no Authorization header: 401 with the documented invalid_api_key body', async () => {
    const response = await call(gateway.url, { method: 'GET', path: '/v1/emails' });
    expect(response.status).toBe(401);
    expect(response.text).toBe(DOCUMENTED_BODIES.invalid_api_key);
  });
});
