/**
 * The Lambda entry points (lambdas/<name>/handler.ts) as deployed: each module is imported
 * fresh with the environment the CDK stack gives its function (lib/authorizer.ts, lib/services.ts),
 * its AWS clients pointed at the local stand-ins through AWS_ENDPOINT_URL_<SERVICE>, and called with
 * an API Gateway event. What runs is the deployed wiring: client bounds, the cache-TTL switch, the
 * loggers (Powertools in the services, the authorizer's own JSON lines).
 */
import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { createProject } from '../../lambdas/account/projects.js';
import { ensureTeam } from '../../lambdas/account/teams.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/config.js';
import { seedVerifiedDomain } from '../support/domains.js';
import { authContextFor, authorizerEvent, proxyEvent, TEST_METHOD_ARN_BASE } from '../support/events.js';
import { bearer, type TestKey, testKey } from '../support/keys.js';
import { createTestAws, sentEmails, type TestAws } from '../support/local-aws.js';

const TEAM = 'team_entry';
const PROJECT = 'proj_entry';

let aws: TestAws;
let key: TestKey;
let written: string[];

beforeAll(async () => {
  aws = await createTestAws();
  key = await storedKey({});
  const store = { documents: aws.documents, dataTable: aws.tables.data };
  await ensureTeam(store, { id: TEAM, name: 'entry points' });
  await createProject(store, { id: PROJECT, teamId: TEAM, name: 'entry points' });
  await seedVerifiedDomain(store, PROJECT, 'example.com');
});

beforeEach(() => {
  // Powertools Logger writes JSON lines to stdout/stderr: read them as CloudWatch would.
  written = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function storedKey(overrides: Record<string, unknown>): Promise<TestKey> {
  const created = testKey({ teamId: TEAM, projectId: PROJECT, ...overrides }, 'live');
  await aws.documents.send(new PutCommand({ TableName: aws.tables.apiKeys, Item: created.item }));
  return created;
}

/** What the Lambda runtime and the CDK stack put in the environment; `undefined` leaves a name unset. */
function deployedEnvironment(variables: Record<string, string | undefined>): void {
  vi.resetModules();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
  vi.stubEnv('AWS_ENDPOINT_URL_SESV2', inject('sesEndpoint'));
  vi.stubEnv('AWS_REGION', LOCAL_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
}

const authorizerEnvironment = (cacheTtl: string | undefined) =>
  deployedEnvironment({
    KEY_ENVIRONMENT: 'live',
    API_KEYS_TABLE: aws.tables.apiKeys,
    AUTHORIZER_CACHE_TTL_SECONDS: cacheTtl,
  });

async function importAuthorizer() {
  return (await import('../../lambdas/authorizer/handler.js')).handler;
}

const resourcesOf = (result: APIGatewayAuthorizerResult) =>
  result.policyDocument.Statement.flatMap((statement) =>
    'Resource' in statement ? [statement.Resource].flat() : [],
  );

describe('lambdas/authorizer/handler.ts', () => {
  it.each([
    ['unset', undefined],
    ['0 (the stack default: no cache)', '0'],
  ])('cache TTL %s: the Allow covers the called method only', async (_case, cacheTtl) => {
    authorizerEnvironment(cacheTtl);
    const handler = await importAuthorizer();
    const event = authorizerEvent({ authorization: bearer(key.key) });
    const result = await handler(event);
    expect(result.policyDocument.Statement.map((statement) => statement.Effect)).toEqual(['Allow']);
    expect(resourcesOf(result)).toEqual([event.methodArn]);
    expect(result.context).toMatchObject({ keyId: key.key.keyId, projectId: PROJECT, teamId: TEAM });
  });

  it('cache TTL set: the cached Allow covers every route the key may call', async () => {
    authorizerEnvironment('300');
    const handler = await importAuthorizer();
    const result = await handler(authorizerEvent({ authorization: bearer(key.key) }));
    expect(resourcesOf(result)).toEqual(
      expect.arrayContaining([
        `${TEST_METHOD_ARN_BASE}/POST/v1/emails`,
        `${TEST_METHOD_ARN_BASE}/GET/v1/emails/*`,
        `${TEST_METHOD_ARN_BASE}/GET/v1/projects`,
      ]),
    );
  });

  it('a revoked key: Deny with key_revoked, the decision logged as one JSON line', async () => {
    authorizerEnvironment('0');
    const revoked = await storedKey({ revokedAt: '2025-01-01T00:00:00Z' });
    const handler = await importAuthorizer();
    const result = await handler(authorizerEvent({ authorization: bearer(revoked.key) }));
    expect(result.policyDocument.Statement.map((statement) => statement.Effect)).toEqual(['Deny']);
    expect(result.context?.errorCode).toBe('key_revoked');
    const decision = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'authorization decided');
    expect(decision).toMatchObject({
      service: 'scopegate-authorizer',
      level: 'INFO',
      keyId: revoked.key.keyId,
      decision: 'deny',
      reason: 'key_revoked',
    });
    expect(written.join('')).not.toContain(revoked.key.keyHash);
  });

  it('an unknown key: Unauthorized (401), not a failure', async () => {
    authorizerEnvironment('0');
    const handler = await importAuthorizer();
    const unknown = testKey({}, 'live');
    await expect(handler(authorizerEvent({ authorization: bearer(unknown.key) }))).rejects.toThrow(
      /^Unauthorized$/,
    );
  });

  it('a missing table name fails at cold start, not on a request', async () => {
    authorizerEnvironment('0');
    vi.stubEnv('API_KEYS_TABLE', undefined);
    await expect(importAuthorizer()).rejects.toThrow('Missing required environment variable API_KEYS_TABLE');
  });
});

describe('lambdas/sending/handler.ts', () => {
  it('POST /v1/emails sends through SES (the local stand-in) and records the email', async () => {
    deployedEnvironment({ DATA_TABLE: aws.tables.data, SES_CONFIGURATION_SET: 'scopegate-entry-points' });
    const { handler } = await import('../../lambdas/sending/handler.js');
    const subject = `Entry point ${randomBytes(4).toString('hex')}`;
    const response = await handler(
      proxyEvent({
        method: 'POST',
        resource: '/v1/emails',
        body: { from: 'you@example.com', to: 'someone@example.org', subject, text: 'hello' },
        authorizer: authContextFor({ projectId: PROJECT, teamId: TEAM }),
      }),
    );
    expect(response.statusCode).toBe(200);
    const sent = (await sentEmails(aws.sesEndpoint)).filter((email) => email.subject === subject);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.destination.to).toEqual(['someone@example.org']);
  });
});

describe('lambdas/domains/handler.ts', () => {
  it('POST /v1/domains creates the SES identity (the local stand-in) and answers its records', async () => {
    deployedEnvironment({ DATA_TABLE: aws.tables.data, SES_CONFIGURATION_SET: 'scopegate-entry-points' });
    const { handler } = await import('../../lambdas/domains/handler.js');
    const name = `entry-${randomBytes(4).toString('hex')}.com`;
    const response = await handler(
      proxyEvent({
        method: 'POST',
        resource: '/v1/domains',
        body: { name },
        authorizer: authContextFor({ projectId: PROJECT, teamId: TEAM }),
      }),
    );
    expect(response.statusCode).toBe(201);
    const body = JSON.parse(response.body) as { name: string; records: { purpose: string; value: string }[] };
    expect(body.name).toBe(name);
    expect(body.records.filter((record) => record.purpose === 'dkim')).toHaveLength(3);
    expect(body.records.find((record) => record.purpose === 'mail_from_mx')?.value).toBe(
      `feedback-smtp.${LOCAL_REGION}.amazonses.com`,
    );
  });

  it('a missing configuration set fails at cold start, not on a request', async () => {
    deployedEnvironment({ DATA_TABLE: aws.tables.data, SES_CONFIGURATION_SET: undefined });
    await expect(import('../../lambdas/domains/handler.js')).rejects.toThrow(
      'Missing required environment variable SES_CONFIGURATION_SET',
    );
  });
});

describe('lambdas/account/handler.ts', () => {
  it("GET /v1/projects lists the key's team's projects", async () => {
    deployedEnvironment({ DATA_TABLE: aws.tables.data, API_KEYS_TABLE: aws.tables.apiKeys });
    const { handler } = await import('../../lambdas/account/handler.js');
    const response = await handler(
      proxyEvent({
        method: 'GET',
        resource: '/v1/projects',
        authorizer: authContextFor({ projectId: PROJECT, teamId: TEAM }),
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ data: [expect.objectContaining({ id: PROJECT })] });
  });
});

describe('lambdas/templates/handler.ts', () => {
  it('POST /v1/templates creates a template that GET /v1/templates/{id} then reads by its alias', async () => {
    deployedEnvironment({ DATA_TABLE: aws.tables.data });
    const { handler } = await import('../../lambdas/templates/handler.js');
    const authorizer = authContextFor({ projectId: PROJECT, teamId: TEAM });
    const alias = `entry-${randomBytes(4).toString('hex')}`;
    const created = await handler(
      proxyEvent({
        method: 'POST',
        resource: '/v1/templates',
        body: { name: 'Entry', alias, text: 'Hi' },
        authorizer,
      }),
    );
    expect(created.statusCode).toBe(201);
    const read = await handler(
      proxyEvent({
        method: 'GET',
        resource: '/v1/templates/{id}',
        path: `/v1/templates/${alias}`,
        pathParameters: { id: alias },
        authorizer,
      }),
    );
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body)).toEqual(JSON.parse(created.body));
  });
});
