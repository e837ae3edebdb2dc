/** Broadcast sending as deployed: the queue and its dead letters, the paced sender's concurrency, its grants. */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BroadcastSending } from '../../../lib/broadcast-sending.js';
import { logicalIdOf, propertiesOf, roleStatements, type Synthesized, synthesize } from '../template.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize({ maxSendRate: 50, broadcastSenders: 4 });
});
const sending = () => synthesized.stack.broadcastSending;
const actionsOf = (construct: Parameters<typeof logicalIdOf>[0]) =>
  roleStatements(synthesized.template, logicalIdOf(construct)).flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );

describe('broadcast sending', () => {
  it('dead-letters a message after 50 receives into an encrypted queue that alarms at its first message', () => {
    expect(propertiesOf(synthesized.template, 'AWS::SQS::Queue', sending().queue)).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(sending().deadLetterQueue), 'Arn'] },
        maxReceiveCount: 50,
      },
    });
    expect(propertiesOf(synthesized.template, 'AWS::CloudWatch::Alarm', sending().alarm)).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(sending().deadLetterQueue), 'QueueName'] } },
      ],
    });
  });

  it('holds the sender to broadcastSenders instances, paced to maxSendRate, with partial batch responses', () => {
    const fn = sending().sender.function;
    expect(propertiesOf(synthesized.template, 'AWS::Lambda::Function', fn)).toMatchObject({
      ReservedConcurrentExecutions: 4,
      Timeout: 60,
      Environment: { Variables: expect.objectContaining({ BROADCAST_SENDERS: '4', MAX_SEND_RATE: '50' }) },
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(fn) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 4 },
    });
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(fn), 'Arn'] } })],
    });
  });

  it('grants the sender SES sends, its quota, and only sending and backoffs on its own queue', () => {
    const actions = actionsOf(sending().sender.role);
    expect(actions).toEqual(
      expect.arrayContaining([
        'ses:SendEmail',
        'ses:SendRawEmail',
        'ses:GetAccount',
        'sqs:SendMessage',
        'sqs:ChangeMessageVisibility',
      ]),
    );
    expect(actions.filter((action) => action.startsWith('ses:'))).not.toContain('ses:CreateEmailIdentity');
    expect(actions).not.toContain('sqs:*');
    // The broadcasts API Lambda only queues the first page: no SES at all.
    const service = actionsOf(synthesized.stack.services.functions.broadcasts.role);
    expect(service).toContain('sqs:SendMessage');
    expect(service.some((action) => action.startsWith('ses:'))).toBe(false);
  });

  it('refuses fewer than two senders (SQS event sources) and a rate that is not positive', () => {
    const stack = synthesized.stack;
    const props = {
      dataTable: stack.keyStore.data,
      service: stack.services.functions.broadcasts,
      configurationSets: stack.services.configurationSets,
      sesSendStatement: stack.services.sesSendStatement,
      apiUrl: 'https://x.example/',
    };
    expect(() => new BroadcastSending(stack, 'One', { ...props, senders: 1 })).toThrow(/senders/);
    expect(() => new BroadcastSending(stack, 'Zero', { ...props, maxSendRate: 0 })).toThrow(/maxSendRate/);
  });
});
