/** SES events in the deployed stack: the configuration set's destination, the queue and its consumer. */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_TABLE_GRANTS } from '../../../lib/table-grants.js';
import {
  actionsOf,
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

describe('SES events', () => {
  const ALWAYS = ['send', 'delivery', 'bounce', 'complaint', 'reject', 'renderingFailure', 'deliveryDelay'];

  /** The event types a configuration set's EventBridge destination publishes. */
  function publishedBy(configurationSet: Parameters<typeof logicalIdOf>[0]): string[] {
    const destinations = Object.values(
      resourcesOfType(synthesized.template, 'AWS::SES::ConfigurationSetEventDestination'),
    )
      .map((resource) => resource.Properties)
      .filter(
        (properties) =>
          JSON.stringify(properties.ConfigurationSetName) ===
          JSON.stringify({ Ref: logicalIdOf(configurationSet) }),
      );
    expect(destinations).toHaveLength(1);
    const published = destinations[0]?.EventDestination as {
      Enabled: boolean;
      EventBridgeDestination?: { EventBusArn: unknown };
      MatchingEventTypes: string[];
    };
    expect(published.Enabled).toBe(true);
    expect(JSON.stringify(published.EventBridgeDestination?.EventBusArn)).toContain('event-bus/default');
    return [...published.MatchingEventTypes].sort();
  }

  it('the default configuration set publishes no OPEN or CLICK, so SES adds no pixel and rewrites no link', () => {
    const { stack } = synthesized;
    expect(stack.services.configurationSets.none).toBe(stack.services.configurationSet);
    expect(publishedBy(stack.services.configurationSet)).toEqual([...ALWAYS].sort());
  });

  it.each([
    ['open', ['open']],
    ['click', ['click']],
    ['open_click', ['open', 'click']],
  ] as const)('the %s tracking configuration set publishes exactly %j on top', (mode, extra) => {
    expect(publishedBy(synthesized.stack.services.configurationSets[mode])).toEqual(
      [...ALWAYS, ...extra].sort(),
    );
  });

  it('the domains identity names the default set; the sending function knows all four and may send with each', () => {
    const { template, stack } = synthesized;
    const sets = stack.services.configurationSets;
    const sending = propertiesOf(
      template,
      'AWS::Lambda::Function',
      stack.services.functions.sending.function,
    );
    expect((sending.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      SES_CONFIGURATION_SET: { Ref: logicalIdOf(sets.none) },
      SES_CONFIGURATION_SET_OPEN: { Ref: logicalIdOf(sets.open) },
      SES_CONFIGURATION_SET_CLICK: { Ref: logicalIdOf(sets.click) },
      SES_CONFIGURATION_SET_OPEN_CLICK: { Ref: logicalIdOf(sets.open_click) },
    });
    const domains = propertiesOf(
      template,
      'AWS::Lambda::Function',
      stack.services.functions.domains.function,
    );
    expect((domains.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      SES_CONFIGURATION_SET: { Ref: logicalIdOf(sets.none) },
    });
    const sendStatement = JSON.stringify(stack.resolve(stack.services.sesSendStatement.toStatementJson()));
    for (const set of Object.values(sets)) expect(sendStatement).toContain(`"Ref":"${logicalIdOf(set)}"`);
  });

  it("routes only this stack's configuration sets' SES events to the queue", () => {
    const { template, stack } = synthesized;
    const sets = stack.services.configurationSets;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        detail: {
          mail: {
            tags: {
              'ses:configuration-set': [sets.none, sets.open, sets.click, sets.open_click].map((set) => ({
                Ref: logicalIdOf(set),
              })),
            },
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
