/** The api_key.expiring job: an hourly schedule, and a function that reads no hash and writes only its marker. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  arnOf,
  expectScheduledJob,
  logicalIdOf,
  propertiesOf,
  roleStatements,
  type Synthesized,
  synthesize,
} from '../template.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

describe('expiring keys job', () => {
  it('runs the function every hour from an EventBridge schedule, with retries', () => {
    const { stack, template } = synthesized;
    expectScheduledJob(
      template,
      { function: stack.expiringKeys.function.function, schedule: stack.expiringKeys.schedule },
      'rate(1 hour)',
      3600,
    );
  });

  it('Scans ApiKeys for named attributes only (no keyHash), updates only the marker, puts events in Data', () => {
    const { stack, template } = synthesized;
    const statements = roleStatements(template, logicalIdOf(stack.expiringKeys.function.role));
    const apiKeys = logicalIdOf(stack.keyStore.apiKeys);
    const data = logicalIdOf(stack.keyStore.data);
    const onTable = (id: string) =>
      statements.filter((statement) => JSON.stringify(statement.Resource).includes(id));

    expect(onTable(apiKeys)).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Scan',
        Resource: arnOf(apiKeys),
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': [
              'keyId',
              'teamId',
              'projectId',
              'name',
              'type',
              'permission',
              'expiresAt',
              'revokedAt',
              'expiringNotified',
            ],
          },
          StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: arnOf(apiKeys),
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['keyId', 'expiringNotified'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      },
    ]);
    expect(onTable(data)).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: arnOf(data),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PROJECT#*'] } },
      },
    ]);
    expect(
      propertiesOf(template, 'AWS::Lambda::Function', stack.expiringKeys.function.function).Environment,
    ).toEqual({
      Variables: expect.objectContaining({ DATA_TABLE: { Ref: data }, API_KEYS_TABLE: { Ref: apiKeys } }),
    });
  });
});
