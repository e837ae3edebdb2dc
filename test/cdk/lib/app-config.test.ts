/**
 * The CDK app's settings and the constructs' prop validation: bad values are refused with a message
 * that names them, before anything is deployed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { Api } from '../../../lib/api.js';
import { AppConfigError, readAppConfig } from '../../../lib/app-config.js';
import { KeyStore } from '../../../lib/key-store.js';
import { ScopegateFunction } from '../../../lib/scopegate-function.js';
import { ScopegateStack } from '../../../lib/scopegate-stack.js';
import { assemblyDirectory, CDK_JSON_CONTEXT, NO_BUNDLING_CONTEXT, testApp } from '../template.js';

const appWith = (context: Record<string, unknown> = {}): App => testApp({ context });

describe('readAppConfig', () => {
  it('defaults to the stack Scopegate with the authorizer cache off', () => {
    const config = readAppConfig(appWith().node, {});

    expect(config.stackName).toBe('Scopegate');
    expect(config.authorizerCacheTtl.toSeconds()).toBe(0);
  });

  it('takes the stack name from context, then SCOPEGATE_STACK_NAME', () => {
    expect(
      readAppConfig(appWith({ stackName: 'FromContext' }).node, { SCOPEGATE_STACK_NAME: 'FromEnv' })
        .stackName,
    ).toBe('FromContext');
    expect(readAppConfig(appWith().node, { SCOPEGATE_STACK_NAME: 'FromEnv' }).stackName).toBe('FromEnv');
  });

  it.each([
    ['300', 300],
    [300, 300],
    ['0', 0],
    ['3600', 3600],
  ])('reads authorizerCacheTtlSeconds %j as %d seconds', (value, seconds) => {
    expect(
      readAppConfig(appWith({ authorizerCacheTtlSeconds: value }).node, {}).authorizerCacheTtl.toSeconds(),
    ).toBe(seconds);
  });

  it.each(['-1', '3601', '1.5', 'five', '', true])('refuses authorizerCacheTtlSeconds %j', (value) => {
    expect(() => readAppConfig(appWith({ authorizerCacheTtlSeconds: value }).node, {})).toThrow(
      /authorizerCacheTtlSeconds must be a whole number from 0 to 3600/,
    );
  });

  it.each([
    [undefined, 0],
    ['2', 2],
    [5, 5],
  ])('reads authorizerProvisionedConcurrency %j as %d', (value, count) => {
    const context = value === undefined ? {} : { authorizerProvisionedConcurrency: value };
    expect(readAppConfig(appWith(context).node, {}).authorizerProvisionedConcurrency).toBe(count);
  });

  it.each(['-1', '101', '1.5', 'two', '', true])('refuses authorizerProvisionedConcurrency %j', (value) => {
    expect(() => readAppConfig(appWith({ authorizerProvisionedConcurrency: value }).node, {})).toThrow(
      /authorizerProvisionedConcurrency must be a whole number from 0 to 100/,
    );
  });

  it('refuses a stack name CloudFormation would refuse', () => {
    expect(() => readAppConfig(appWith({ stackName: 'my_stack' }).node, {})).toThrow(/stackName/);
  });

  it.each([
    { stackName: 'my_stack' },
    { authorizerCacheTtlSeconds: 'abc' },
    { apiGatewayCloudWatchRole: 'no' },
  ])('refuses %j with an AppConfigError, the kind bin/app.ts prints as one line', (context) => {
    expect(() => readAppConfig(appWith(context).node, {})).toThrow(AppConfigError);
  });

  it('refuses a SCOPEGATE_STACK_NAME CloudFormation would refuse with an AppConfigError', () => {
    expect(() => readAppConfig(appWith().node, { SCOPEGATE_STACK_NAME: 'a b' })).toThrow(AppConfigError);
  });
});

/**
 * Runs bin/app.ts as `cdk synth` does: context in CDK_CONTEXT_JSON, the assembly folder in CDK_OUTDIR.
 * No bundling, and no aws-cdk-lib CloudFormation schema check: seconds of work `cdk synth` does anyway.
 */
function runApp(context: Record<string, unknown>) {
  const outdir = assemblyDirectory();
  const { SCOPEGATE_STACK_NAME: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    env: {
      ...env,
      CDK_OUTDIR: outdir,
      CDK_VALIDATION: 'false',
      CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON_CONTEXT, ...NO_BUNDLING_CONTEXT, ...context }),
    },
    encoding: 'utf8',
  });
  return { outdir, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/app.ts', () => {
  it('synthesises the Scopegate stack with cdk-nag and the cache TTL from context', () => {
    const { outdir, status, stderr } = runApp({ authorizerCacheTtlSeconds: '60' });
    expect(status, stderr).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'Scopegate.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const authorizer = Object.values(template.Resources).find(
      ({ Type }) => Type === 'AWS::ApiGateway::Authorizer',
    );

    expect(authorizer?.Properties.AuthorizerResultTtlInSeconds).toBe(60);
  });

  it.each([
    [
      { authorizerCacheTtlSeconds: 'abc' },
      'scopegate: Context authorizerCacheTtlSeconds must be a whole number from 0 to 3600, got "abc"',
    ],
    [
      { stackName: '1bad' },
      'scopegate: Context stackName (or SCOPEGATE_STACK_NAME) must start with a letter and hold only letters, digits and hyphens, got "1bad"',
    ],
  ])('answers the bad setting %j with one line on stderr, exit 1 and no assembly', (context, line) => {
    const { outdir, status, stdout, stderr } = runApp(context);

    expect({ status, stdout, stderr }).toEqual({ status: 1, stdout: '', stderr: `${line}\n` });
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
  });
});

describe('construct props validation', () => {
  it('refuses throttling limits that are not positive', () => {
    expect(() => new ScopegateStack(appWith(), 'X', { throttlingRateLimit: 0 })).toThrow(
      /throttlingRateLimit/,
    );
    expect(() => new ScopegateStack(appWith(), 'Y', { throttlingBurstLimit: 2.5 })).toThrow(
      /throttlingBurstLimit/,
    );
  });

  it('refuses an empty or duplicated route table and a bad stage name', () => {
    const stack = new Stack(appWith(), 'X');
    const services = {
      sending: stubFunction(stack),
      account: stubFunction(stack),
      domains: stubFunction(stack),
      templates: stubFunction(stack),
      webhooks: stubFunction(stack),
      audience: stubFunction(stack),
      suppressions: stubFunction(stack),
      broadcasts: stubFunction(stack),
    };
    const authorizer = { authorizerId: 'stub' };
    const route = {
      id: 'listProjects',
      method: 'GET',
      path: '/v1/projects',
      scope: 'projects:read',
      service: 'account',
      summary: '',
      surface: 'v1',
    } as const;

    expect(() => new Api(stack, 'Empty', { authorizer, services, routes: [] })).toThrow(
      /route table is empty/,
    );
    expect(() => new Api(stack, 'Twice', { authorizer, services, routes: [route, route] })).toThrow(
      /appears twice/,
    );
    expect(() => new Api(stack, 'Staged', { authorizer, services, stageName: 'prod/v1' })).toThrow(
      /stageName/,
    );
  });

  it.each([
    [{ memorySize: 64 }, /memorySize must be a whole number of MB between 128 and 10240/],
    [{ memorySize: 300.5 }, /memorySize/],
  ])('refuses Lambda props %j', (props, message) => {
    expect(
      () => new ScopegateFunction(new Stack(appWith(), 'X'), 'Fn', { name: 'account', ...props }),
    ).toThrow(message);
  });

  it('refuses a Lambda timeout over 15 minutes', () => {
    expect(
      () =>
        new ScopegateFunction(new Stack(appWith(), 'X'), 'Fn', {
          name: 'account',
          timeout: Duration.minutes(16),
        }),
    ).toThrow(/timeout must be between 1 and 900 seconds/);
  });

  it('refuses a table binding whose env var is not UPPER_SNAKE_CASE', () => {
    const stack = new Stack(appWith(), 'X');
    const fn = new ScopegateFunction(stack, 'Fn', { name: 'account' });
    const table = new dynamodb.Table(stack, 'T', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });

    expect(() => fn.bindTable({ table, access: 'getItem', envVar: 'data-table' })).toThrow(
      /UPPER_SNAKE_CASE/,
    );
  });

  it('refuses to destroy tables that are protected from deletion', () => {
    expect(
      () => new KeyStore(new Stack(appWith(), 'X'), 'Keys', { removalPolicy: RemovalPolicy.DESTROY }),
    ).toThrow(/deletionProtection/);
  });

  it.each([
    [undefined, true],
    ['false', false],
    [false, false],
    ['true', true],
  ])('reads apiGatewayCloudWatchRole %j as %j', (value, expected) => {
    const context = value === undefined ? {} : { apiGatewayCloudWatchRole: value };
    expect(readAppConfig(appWith(context).node, {}).manageApiGatewayCloudWatchRole).toBe(expected);
  });

  it('refuses an apiGatewayCloudWatchRole that is not true or false', () => {
    expect(() => readAppConfig(appWith({ apiGatewayCloudWatchRole: 'no' }).node, {})).toThrow(
      /apiGatewayCloudWatchRole must be true or false/,
    );
  });

  it('reads the broadcast pace: maxSendRate and broadcastSenders, absent unless given', () => {
    const none = readAppConfig(appWith().node, {});
    expect([none.maxSendRate, none.broadcastSenders]).toEqual([undefined, undefined]);
    const given = readAppConfig(appWith({ maxSendRate: '14.5', broadcastSenders: 4 }).node, {});
    expect([given.maxSendRate, given.broadcastSenders]).toEqual([14.5, 4]);
  });

  it.each([['0'], ['-3'], ['fast'], [''], [1e6]])('refuses maxSendRate %j, naming it', (value) => {
    expect(() => readAppConfig(appWith({ maxSendRate: value }).node, {})).toThrow(/maxSendRate must be/);
  });

  it.each([['1'], ['2.5'], [1001], ['many']])('refuses broadcastSenders %j, naming it', (value) => {
    expect(() => readAppConfig(appWith({ broadcastSenders: value }).node, {})).toThrow(
      /broadcastSenders must be a whole number from 2 to 1000/,
    );
  });
});

function stubFunction(stack: Stack) {
  return new ScopegateFunction(stack, `Stub${stack.node.children.length}`, { name: 'account' }).function;
}
