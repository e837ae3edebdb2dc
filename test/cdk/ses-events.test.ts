/** SES events in the deployed stack: the configuration set's destination, the queue and its consumer. */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_TABLE_GRANTS } from '../../lib/table-grants.js';
import {
  actionsOf,
  logicalIdOf,
  propertiesOf,
  resourcesOfType,
  roleStatements,
  type Synthesized,
  synthesize,
} from './template.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

describe('SES events', () => {
  it('publishes every recorded event type of the configuration set to the default EventBridge bus', () => {
    const { template, stack } = synthesized;
    const [destination] = Object.values(
      resourcesOfType(template, 'AWS::SES::ConfigurationSetEventDestination'),
    ).map((resource) => resource.Properties);
    expect(destination?.ConfigurationSetName).toEqual({ Ref: logicalIdOf(stack.services.configurationSet) });
    const published = destination?.EventDestination as {
      Enabled: boolean;
      EventBridgeDestination?: { EventBusArn: unknown };
      MatchingEventTypes: string[];
    };
    expect(published.Enabled).toBe(true);
    expect(JSON.stringify(published.EventBridgeDestination?.EventBusArn)).toContain('event-bus/default');
    expect([...published.MatchingEventTypes].sort()).toEqual(
      [
        'send',
        'delivery',
        'bounce',
        'complaint',
        'reject',
        'open',
        'click',
        'renderingFailure',
        'deliveryDelay',
      ].sort(),
    );
  });

  it("routes only this configuration set's SES events to the queue", () => {
    const { template, stack } = synthesized;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        detail: {
          mail: {
            tags: { 'ses:configuration-set': [{ Ref: logicalIdOf(stack.services.configurationSet) }] },
          },
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(stack.sesEvents.queue), 'Arn'] } })],
    });
  });

  it('keeps events in encrypted queues, with a dead-letter queue after 5 receives', () => {
    const { template, stack } = synthesized;
    const queue = propertiesOf(template, 'AWS::SQS::Queue', stack.sesEvents.queue);
    const deadLetters = propertiesOf(template, 'AWS::SQS::Queue', stack.sesEvents.deadLetterQueue);
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(deadLetters.SqsManagedSseEnabled).toBe(true);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(stack.sesEvents.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(queue.VisibilityTimeout).toBe(180);
  });

  it('refuses unencrypted transport to both queues', () => {
    const policies = Object.values(resourcesOfType(synthesized.template, 'AWS::SQS::QueuePolicy'));
    const denies = policies.flatMap((policy) =>
      (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement.filter(
        (statement) => statement.Effect === 'Deny',
      ),
    );
    expect(denies.length).toBeGreaterThanOrEqual(2);
    for (const deny of denies) expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  it('consumes the queue with partial batch responses', () => {
    const { template, stack } = synthesized;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.sesEvents.queue), 'Arn'] },
      FunctionName: { Ref: logicalIdOf(stack.sesEvents.function.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('grants the events function exact Data table actions and the queue, nothing else', () => {
    const { template, stack } = synthesized;
    const role = stack.sesEvents.function.function.role;
    if (!role) throw new Error('the events function has no role');
    const actions = roleStatements(template, logicalIdOf(role)).flatMap(actionsOf);
    const tableActions = DATA_TABLE_GRANTS.events.flatMap((grant): string[] => [...grant.actions]);
    expect(actions).toEqual(expect.arrayContaining(tableActions));
    const unexpected = actions.filter(
      (action) => !tableActions.includes(action) && !action.startsWith('sqs:') && !action.startsWith('logs:'),
    );
    expect(unexpected).toEqual([]);
    expect(actions.filter((action) => action.startsWith('ses:'))).toEqual([]);
  });

  it('alarms on anything in the dead-letter queue and on a backlog', () => {
    const { template, stack } = synthesized;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(stack.sesEvents.deadLetterQueue), 'QueueName'] },
        },
      ],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(stack.sesEvents.queue), 'QueueName'] } },
      ],
    });
  });
});
