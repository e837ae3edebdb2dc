/** The one-off clean-up: a custom resource run by its own function, which may only read record keys and answers, and delete. */
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
    });
    expect(
      propertiesOf(template, 'AWS::Lambda::Function', stack.secretRecordsCleanup.function.function),
    ).toMatchObject({
      Timeout: 600,
      Environment: { Variables: { DATA_TABLE: { Ref: logicalIdOf(stack.keyStore.data) } } },
    });
  });

  it('may Scan the Data table for record keys and stored answers only, and delete; nothing on ApiKeys', () => {
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
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'response'] },
          StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:DeleteItem',
        Resource: arnOf(data),
        Condition: { StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' } },
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain(logicalIdOf(stack.keyStore.apiKeys));
  });
});
