/**
 * The cache-flush option: with it, a KEYS_ONLY stream on ApiKeys feeds a Lambda allowed exactly
 * `apigateway:DELETE` on the stage's authorizer cache; without it, none of this exists. cdk-nag stays
 * clean either way.
 */
import { Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppConfigError, readAppConfig } from '../../../lib/app-config.js';
import { ScopegateStack } from '../../../lib/scopegate-stack.js';
import {
  actionsOf,
  logicalIdOf,
  propertiesOf,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  type Synthesized,
  synthesize,
  testApp,
} from '../template.js';

let withFlush: Synthesized;
let withoutFlush: Synthesized;
beforeAll(() => {
  withFlush = synthesize({ authorizerCacheTtl: Duration.seconds(300), authorizerCacheFlush: true });
  withoutFlush = synthesize({ authorizerCacheTtl: Duration.seconds(300) });
});

const apiKeysTable = (synthesized: Synthesized) =>
  propertiesOf(synthesized.template, 'AWS::DynamoDB::Table', synthesized.stack.keyStore.apiKeys);

const flusherOf = (synthesized: Synthesized) => {
  const flush = synthesized.stack.authorizerCacheFlush;
  if (!flush) throw new Error('no cache flusher in this stack');
  return flush;
};

describe('authorizerCacheFlush on', () => {
  it('turns on a KEYS_ONLY stream on ApiKeys and leaves the Data stream as it was', () => {
    expect(apiKeysTable(withFlush).StreamSpecification).toEqual({ StreamViewType: 'KEYS_ONLY' });
    expect(
      propertiesOf(withFlush.template, 'AWS::DynamoDB::Table', withFlush.stack.keyStore.data)
        .StreamSpecification,
    ).toEqual({ StreamViewType: 'NEW_IMAGE' });
  });

  it('maps the ApiKeys stream to the flusher: 1 s window, no bisecting, bounded retries, a failure queue', () => {
    const flush = flusherOf(withFlush);
    const mappings = Object.values(
      resourcesOfType(withFlush.template, 'AWS::Lambda::EventSourceMapping'),
    ).filter(
      (mapping) =>
        JSON.stringify(mapping.Properties.FunctionName) ===
        JSON.stringify({ Ref: logicalIdOf(flush.handler.function) }),
    );

    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(withFlush.stack.keyStore.apiKeys), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 300,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(flush.failures), 'Arn'] } },
      },
    });
  });

  it('grants apigateway:DELETE on exactly the stage authorizer cache, and nothing else of API Gateway', () => {
    const flush = flusherOf(withFlush);
    const statements = roleStatements(withFlush.template, logicalIdOf(flush.handler.role));
    const apiGateway = statements.filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('apigateway:')),
    );

    expect(apiGateway).toHaveLength(1);
    const [statement] = apiGateway;
    if (!statement) throw new Error('no API Gateway statement');
    expect(actionsOf(statement)).toEqual(['apigateway:DELETE']);
    expect(resourcesOf(statement)).toEqual([
      {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':apigateway:',
            { Ref: 'AWS::Region' },
            '::/restapis/',
            { Ref: logicalIdOf(withFlush.stack.api.restApi) },
            '/stages/',
            { Ref: logicalIdOf(withFlush.stack.api.restApi.deploymentStage) },
            '/cache/authorizers',
          ],
        ],
      },
    ]);
  });

  it('tells the flusher which API and stage to flush', () => {
    const properties = propertiesOf(
      withFlush.template,
      'AWS::Lambda::Function',
      flusherOf(withFlush).handler.function,
    );
    expect(properties).toMatchObject({
      Timeout: 30,
      Environment: {
        Variables: {
          REST_API_ID: { Ref: logicalIdOf(withFlush.stack.api.restApi) },
          STAGE_NAME: { Ref: logicalIdOf(withFlush.stack.api.restApi.deploymentStage) },
        },
      },
    });
  });

  it('alarms when a batch lands in the failure queue', () => {
    const alarm = propertiesOf(withFlush.template, 'AWS::CloudWatch::Alarm', flusherOf(withFlush).alarm);
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('has no unacknowledged cdk-nag finding', () => {
    const report = new AwsSolutionsChecks().validateScope(withFlush.stack);
    const findings = report.violations
      .filter((violation) => violation.ruleName.startsWith('AwsSolutions-'))
      .map((violation) => violation.ruleName);
    expect(findings).toEqual([]);
  });
});

describe('authorizerCacheFlush off', () => {
  it('adds no stream to ApiKeys, no flusher, no API Gateway permission', () => {
    expect(apiKeysTable(withoutFlush).StreamSpecification).toBeUndefined();
    expect(withoutFlush.stack.authorizerCacheFlush).toBeUndefined();
    const roles = Object.keys(resourcesOfType(withoutFlush.template, 'AWS::IAM::Role'));
    const actions = roles.flatMap((role) => roleStatements(withoutFlush.template, role)).flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('apigateway:'))).toEqual([]);
    expect(
      Object.keys(resourcesOfType(withoutFlush.template, 'AWS::Lambda::EventSourceMapping')),
    ).toHaveLength(
      Object.keys(resourcesOfType(withFlush.template, 'AWS::Lambda::EventSourceMapping')).length - 1,
    );
  });

  it('refuses the option without a cache, in the stack and in the app settings', () => {
    expect(() => new ScopegateStack(testApp(), 'NoCache', { authorizerCacheFlush: true })).toThrow(
      /authorizerCacheFlush needs an authorizerCacheTtl above 0/,
    );
    const node = testApp({ context: { authorizerCacheFlush: 'true' } }).node;
    expect(() => readAppConfig(node, {})).toThrow(AppConfigError);
    expect(() => readAppConfig(node, {})).toThrow(
      'Context authorizerCacheFlush=true needs authorizerCacheTtlSeconds above 0 (with no cache there is nothing to flush)',
    );
  });

  it('reads the option from context', () => {
    const on = testApp({ context: { authorizerCacheFlush: 'true', authorizerCacheTtlSeconds: '300' } });
    expect(readAppConfig(on.node, {}).authorizerCacheFlush).toBe(true);
    expect(readAppConfig(testApp().node, {}).authorizerCacheFlush).toBe(false);
    expect(() => readAppConfig(testApp({ context: { authorizerCacheFlush: 'yes' } }).node, {})).toThrow(
      /Context authorizerCacheFlush must be true or false/,
    );
  });
});
