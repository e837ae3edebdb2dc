/** The key store being unreachable or missing answers 503 authorizer_unavailable — never an Allow. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateApiKey } from '../../../../lambdas/keys/api-key.js';
import { type RunningGateway, startGateway } from '../../../../local/gateway.js';
import { localHandlers, silentLog } from '../../../../local/handlers.js';
import { localDocuments } from '../../../../local/services.js';
import type { Documents } from '../../../../lambdas/aws/aws-clients.js';
import { call } from '../../../support/http-client.js';
import { createTestAws } from '../../../support/local-aws.js';
import { freePort } from '../../../support/ports.js';

const UNAVAILABLE = {
  statusCode: 503,
  name: 'application_error',
  message: 'Authorization is temporarily unavailable.',
  error_code: 'authorizer_unavailable',
};
const gateways: RunningGateway[] = [];
let unreachable: RunningGateway;
let missingTable: RunningGateway;

beforeAll(async () => {
  const aws = await createTestAws();
  const deadEndpoint = `http://127.0.0.1:${await freePort()}`;
  const dead = localDocuments(deadEndpoint);
  const start = (documents: Documents, apiKeys: string) =>
    startGateway(
      localHandlers({
        documents,
        ses: aws.ses,
        tables: { ...aws.tables, apiKeys },
        environment: 'test',
        log: silentLog,
      }),
      { host: '127.0.0.1', port: 0 },
    );
  unreachable = await start(dead, aws.tables.apiKeys);
  missingTable = await start(aws.documents, 'NoSuchTable');
  gateways.push(unreachable, missingTable);
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
});

it.each([
  ['DynamoDB is unreachable', () => unreachable],
  ['the ApiKeys table does not exist', () => missingTable],
])('answers 503 when %s', async (_case, gateway) => {
  const response = await call(gateway().url, { path: '/v1/emails', key: generateApiKey('test').key });
  expect(response.status).toBe(503);
  expect(response.json).toEqual(UNAVAILABLE);
});

it('still refuses a malformed key with 401 without needing the store', async () => {
  const response = await call(unreachable.url, { path: '/v1/emails', key: 'sk_test_nope' });
  expect(response.status).toBe(401);
});
