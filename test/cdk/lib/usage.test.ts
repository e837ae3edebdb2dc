/** The usage pipeline: a subscription on the access log group, a function that may touch only what it counts. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  arnOf,
  logicalIdOf,
  propertiesOf,
  resourcesOfType,
  roleStatements,
  type Synthesized,
  synthesize,
} from '../template.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

describe('usage pipeline', () => {
  it('subscribes the usage function to the API access log group, for records that name a key', () => {
    const subscriptions = Object.values(
      resourcesOfType(synthesized.template, 'AWS::Logs::SubscriptionFilter'),
    );
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]?.Properties).toMatchObject({
      LogGroupName: { Ref: logicalIdOf(synthesized.stack.api.accessLogGroup) },
      DestinationArn: arnOf(logicalIdOf(synthesized.stack.usage.function.function)),
      FilterPattern: '{ $.principalId != "-" }',
    });
    // CloudWatch Logs may invoke it, from this log group only.
    const permissions = Object.values(
      resourcesOfType(synthesized.template, 'AWS::Lambda::Permission'),
    ).filter((permission) => String(permission.Properties.Principal).includes('logs.'));
    expect(permissions).toHaveLength(1);
    expect(JSON.stringify(permissions[0]?.Properties.SourceArn)).toContain(
      logicalIdOf(synthesized.stack.api.accessLogGroup),
    );
  });

  it('writes counters to the Data table and only keyId/lastUsedAt of ApiKeys items', () => {
    const { stack, template } = synthesized;
    const statements = roleStatements(template, logicalIdOf(stack.usage.function.role));
    const apiKeys = logicalIdOf(stack.keyStore.apiKeys);
    const data = logicalIdOf(stack.keyStore.data);
    const onTable = (id: string) =>
      statements.filter((statement) => JSON.stringify(statement.Resource).includes(id));

    expect(onTable(data).flatMap(actionsOf).toSorted()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(onTable(apiKeys)).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: arnOf(apiKeys),
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['keyId', 'projectId'] },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: arnOf(apiKeys),
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['keyId', 'lastUsedAt'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      },
    ]);
    expect(
      propertiesOf(template, 'AWS::Lambda::Function', stack.usage.function.function).Environment,
    ).toEqual({
      Variables: expect.objectContaining({ DATA_TABLE: { Ref: data }, API_KEYS_TABLE: { Ref: apiKeys } }),
    });
  });

  it('keeps a batch that failed every retry in an alarmed queue', () => {
    const { stack, template } = synthesized;
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arnOf(logicalIdOf(stack.usage.failedBatches)) } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(stack.usage.failedBatches), 'QueueName'] } },
      ],
    });
  });
});
