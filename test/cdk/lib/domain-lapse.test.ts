/** The domain lapse job: a schedule, and a function held to the items and the one SES call it uses. */
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

describe('domain lapse job', () => {
  it('runs the function every 15 minutes from an EventBridge schedule, with retries', () => {
    const { stack, template } = synthesized;
    expectScheduledJob(
      template,
      { function: stack.domainLapse.function.function, schedule: stack.domainLapse.schedule },
      'rate(15 minutes)',
      900,
    );
  });

  it('holds each Data table action to the kind of item it is used on, and deletes SES identities only', () => {
    const { stack, template } = synthesized;
    const statements = roleStatements(template, logicalIdOf(stack.domainLapse.function.role));
    const data = logicalIdOf(stack.keyStore.data);
    const apiKeys = logicalIdOf(stack.keyStore.apiKeys);
    const leading = (keys: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } });
    const onData = statements.filter((statement) => JSON.stringify(statement.Resource).includes(data));

    expect(onData).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: arnOf(data),
        Condition: leading(['DOMAIN_LAPSE']),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: arnOf(data),
        Condition: leading(['PROJECT#*']),
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:DeleteItem',
        Resource: arnOf(data),
        Condition: leading(['DOMAIN_LAPSE', 'DOMAIN_FAMILY#*']),
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain(apiKeys);
    const ses = statements.filter((statement) => JSON.stringify(statement.Action).includes('ses:'));
    expect(ses.map((statement) => statement.Action)).toEqual(['ses:DeleteEmailIdentity']);
    expect(
      propertiesOf(template, 'AWS::Lambda::Function', stack.domainLapse.function.function).Environment,
    ).toEqual({ Variables: expect.objectContaining({ DATA_TABLE: { Ref: data } }) });
  });
});
