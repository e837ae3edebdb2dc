/**
 * The one-off clean-up and migrations: a custom resource run by its own function, which may only read
 * record keys, stored answers and legacy claims, write domain claims, and delete what it removes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  arnOf,
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

describe('secret records clean-up', () => {
  it('runs on deploy as a custom resource backed directly by its function', () => {
    const { stack, template } = synthesized;
    template.hasResourceProperties('Custom::ScopegateSecretRecordsCleanup', {
      ServiceToken: arnOf(logicalIdOf(stack.secretRecordsCleanup.function.function)),
      // A migration added later changes this, so an existing stack runs the resource again.
      Migrations: 'secret-records,domain-family-claims',
    });
    expect(
      propertiesOf(template, 'AWS::Lambda::Function', stack.secretRecordsCleanup.function.function),
    ).toMatchObject({
      Timeout: 600,
      Environment: { Variables: { DATA_TABLE: { Ref: logicalIdOf(stack.keyStore.data) } } },
    });
  });

  it('may Scan for record keys, stored answers and legacy claims only, write claims in their partitions, and delete project items and legacy claims; nothing on ApiKeys', () => {
    const { stack, template } = synthesized;
    const statements = roleStatements(template, logicalIdOf(stack.secretRecordsCleanup.function.role));
    const data = logicalIdOf(stack.keyStore.data);
    const onTables = statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));

    expect(onTables).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Scan',
        Resource: arnOf(data),
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': ['pk', 'sk', 'response', 'projectId', 'domainId'],
          },
          StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: arnOf(data),
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PROJECT#*'] },
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': ['name', 'status', 'createdAt', 'verifiedAt', 'failureReason'],
          },
        },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: arnOf(data),
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DOMAIN_FAMILY#*', 'DOMAIN_LAPSE'] },
        },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: arnOf(data),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DOMAIN_FAMILY#*'] } },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:DeleteItem',
        Resource: arnOf(data),
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PROJECT#*', 'DOMAIN_NAME#*'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain(logicalIdOf(stack.keyStore.apiKeys));
  });
});
