/** The scheduled-email sweeper: a one-minute EventBridge rule invoking it, and what it may call. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf, roleStatements, type Synthesized, synthesize } from '../template.js';

let synthesized: Synthesized;
let template: Template;
beforeAll(() => {
  synthesized = synthesize();
  template = synthesized.template;
});

describe('ScheduledEmails', () => {
  it('runs the sweeper every minute, the finest rate EventBridge has', () => {
    const { stack } = synthesized;
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: Match.arrayWith([
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(stack.scheduledEmails.function.function), 'Arn'] },
        }),
      ]),
    });
  });

  it('may send through SES (as the sending service) and touches no other SES action', () => {
    const { stack } = synthesized;
    const actions = roleStatements(template, logicalIdOf(stack.scheduledEmails.function.role)).flatMap(
      (statement) => {
        const action = statement.Action;
        return Array.isArray(action) ? action : [action];
      },
    );
    expect(actions.filter((action) => String(action).startsWith('ses:')).sort()).toEqual([
      'ses:SendEmail',
      'ses:SendRawEmail',
    ]);
  });

  it('names the configuration sets and both tables to the function', () => {
    const { stack } = synthesized;
    const fn =
      template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.scheduledEmails.function.function)];
    const variables = Object.keys(
      (fn?.Properties as { Environment: { Variables: object } }).Environment.Variables,
    );
    expect(variables).toEqual(
      expect.arrayContaining(['DATA_TABLE', 'API_KEYS_TABLE', 'SES_CONFIGURATION_SET']),
    );
  });
});
