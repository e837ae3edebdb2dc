/**
 * The authorizer: GetItem on ApiKeys and nothing else, and a result cache that is off unless asked
 * for — in which case the cache key includes the source IP and the Lambda covers every route.
 */
import { Duration } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScopegateStack } from '../../../lib/scopegate-stack.js';
import {
  actionsOf,
  arnOf,
  logicalIdOf,
  propertiesOf,
  resourcesOfType,
  roleStatements,
  type Synthesized,
  synthesize,
  testApp,
} from '../template.js';

let uncached: Synthesized;
let cached: Synthesized;
beforeAll(() => {
  uncached = synthesize();
  cached = synthesize({ authorizerCacheTtl: Duration.seconds(300) });
});

const authorizerOf = ({ template }: Synthesized) => {
  const [authorizer, ...others] = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Authorizer'));
  expect(others).toEqual([]);
  return authorizer?.Properties ?? {};
};

const authorizerEnv = ({ stack, template }: Synthesized): Record<string, unknown> => {
  const properties = propertiesOf(template, 'AWS::Lambda::Function', stack.keyAuthorizer.handler.function);
  return (properties.Environment as { Variables: Record<string, unknown> }).Variables;
};

describe('authorizer permissions', () => {
  it('allows exactly dynamodb:GetItem on the ApiKeys table, besides writing its own log group', () => {
    const { stack, template } = uncached;
    const statements = roleStatements(template, logicalIdOf(stack.keyAuthorizer.handler.role));

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: arnOf(logicalIdOf(stack.keyAuthorizer.handler.logGroup)),
      },
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: arnOf(logicalIdOf(stack.keyStore.apiKeys)) },
    ]);
  });

  it('cannot query the byProject index, touch the Data table or use any wildcard', () => {
    const { stack, template } = uncached;
    const statements = roleStatements(template, logicalIdOf(stack.keyAuthorizer.handler.role));
    const text = JSON.stringify(statements);

    expect(statements.flatMap(actionsOf)).not.toContain('dynamodb:Query');
    expect(text).not.toContain('/index/');
    expect(text).not.toContain(logicalIdOf(stack.keyStore.data));
    expect(text).not.toContain('*');
  });

  it('has no managed policies', () => {
    const { stack, template } = uncached;
    const role = resourcesOfType(template, 'AWS::IAM::Role')[logicalIdOf(stack.keyAuthorizer.handler.role)];

    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('gets the table name and the live key environment', () => {
    expect(authorizerEnv(uncached)).toMatchObject({
      API_KEYS_TABLE: { Ref: logicalIdOf(uncached.stack.keyStore.apiKeys) },
      KEY_ENVIRONMENT: 'live',
    });
  });
});

describe('authorizer result cache', () => {
  it('is off by default, keyed on the Authorization header only', () => {
    expect(authorizerOf(uncached)).toMatchObject({
      Type: 'REQUEST',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: 'method.request.header.Authorization',
    });
    expect(authorizerEnv(uncached).AUTHORIZER_CACHE_TTL_SECONDS).toBe('0');
  });

  it('when on, keys the cache on the source IP too and tells the Lambda to cover every route', () => {
    const authorizer = authorizerOf(cached);
    const sources = String(authorizer.IdentitySource).split(',');

    expect(authorizer.AuthorizerResultTtlInSeconds).toBe(300);
    expect(sources.toSorted()).toEqual(['context.identity.sourceIp', 'method.request.header.Authorization']);
    expect(authorizerEnv(cached).AUTHORIZER_CACHE_TTL_SECONDS).toBe('300');
  });

  it.each([
    ['over API Gateway’s one-hour ceiling', Duration.hours(2)],
    ['not whole seconds', Duration.millis(1500)],
  ])('refuses a TTL %s', (_, ttl) => {
    const app = testApp();

    expect(() => new ScopegateStack(app, 'X', { authorizerCacheTtl: ttl })).toThrow(/cache TTL/);
  });

  it('accepts the one-hour ceiling', () => {
    const app = testApp();

    expect(() => new ScopegateStack(app, 'X', { authorizerCacheTtl: Duration.hours(1) })).not.toThrow();
  });
});

describe('authorizer provisioned concurrency', () => {
  const authorizerUri = (synthesized: Synthesized) => JSON.stringify(authorizerOf(synthesized).AuthorizerUri);

  it('is off by default: no alias, no provisioned concurrency, API Gateway calls the function itself', () => {
    expect(resourcesOfType(uncached.template, 'AWS::Lambda::Alias')).toEqual({});
    expect(resourcesOfType(uncached.template, 'AWS::Lambda::Version')).toEqual({});
    expect(authorizerUri(uncached)).toContain(logicalIdOf(uncached.stack.keyAuthorizer.handler.function));
    expect(authorizerUri(uncached)).not.toContain(':live');
  });

  it('on, keeps that many environments warm on the alias live, which API Gateway calls and may invoke', () => {
    const warm = synthesize({ authorizerProvisionedConcurrency: 2 });
    const aliases = Object.entries(resourcesOfType(warm.template, 'AWS::Lambda::Alias'));
    expect(aliases).toHaveLength(1);
    const [aliasId, alias] = aliases[0] ?? [];
    expect(alias?.Properties).toMatchObject({
      Name: 'live',
      FunctionName: { Ref: logicalIdOf(warm.stack.keyAuthorizer.handler.function) },
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 },
    });
    expect(authorizerUri(warm)).toContain(String(aliasId));
    const permissions = Object.values(resourcesOfType(warm.template, 'AWS::Lambda::Permission')).filter(
      (permission) => JSON.stringify(permission.Properties.FunctionName).includes(String(aliasId)),
    );
    expect(permissions.map((permission) => permission.Properties.Principal)).toContain(
      'apigateway.amazonaws.com',
    );
  });

  it.each([-1, 1.5, 101])('refuses %d', (count) => {
    expect(() => synthesize({ authorizerProvisionedConcurrency: count })).toThrow(
      /provisioned concurrency must be a whole number from 0 to 100/,
    );
  });
});
