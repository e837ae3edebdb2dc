/** The webhook delivery pipeline as deployed: wiring, encryption, least privilege and alarms. */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  arnOf,
  logicalIdOf,
  propertiesOf,
  resourcesOf,
  roleStatements,
  type Synthesized,
  synthesize,
} from '../template.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

const pipeline = () => synthesized.stack.webhookDeliveries;
const statementsOf = (fn: 'consumer' | 'fanOut') =>
  roleStatements(synthesized.template, logicalIdOf(pipeline()[fn].role));

describe('queues', () => {
  it('encrypts every queue with SQS-managed keys and refuses requests without TLS', () => {
    for (const queue of [pipeline().queue, pipeline().deadLetterQueue, pipeline().fanOutFailures]) {
      expect(propertiesOf(synthesized.template, 'AWS::SQS::Queue', queue)).toMatchObject({
        SqsManagedSseEnabled: true,
      });
      synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('dead-letters a job after five failed receives', () => {
    expect(propertiesOf(synthesized.template, 'AWS::SQS::Queue', pipeline().queue)).toMatchObject({
      RedrivePolicy: {
        deadLetterTargetArn: arnOf(logicalIdOf(pipeline().deadLetterQueue)),
        maxReceiveCount: 5,
      },
      VisibilityTimeout: 360,
    });
  });

  it('alarms as soon as the dead-letter or the fan-out failure queue holds a message', () => {
    for (const queue of [pipeline().deadLetterQueue, pipeline().fanOutFailures]) {
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });
});

describe('event sources', () => {
  it('streams new images of the Data table', () => {
    expect(
      propertiesOf(synthesized.template, 'AWS::DynamoDB::Table', synthesized.stack.keyStore.data),
    ).toMatchObject({
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('wakes the fan-out only for inserted EVENT# items, bisecting, with an on-failure queue', () => {
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(pipeline().fanOut.function) },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: arnOf(logicalIdOf(pipeline().fanOutFailures)) } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { Keys: { sk: { S: [{ prefix: 'EVENT#' }] } } },
            }),
          },
        ],
      },
    });
  });

  it('feeds the deliveries Lambda from the queue with partial batch responses', () => {
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(pipeline().consumer.function) },
      EventSourceArn: arnOf(logicalIdOf(pipeline().queue)),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('least privilege', () => {
  it('lets the fan-out only send to the delivery queue (and its own failure queue), and only read the table', () => {
    const statements = statementsOf('fanOut');
    const queueArn = arnOf(logicalIdOf(pipeline().queue));
    const failuresArn = arnOf(logicalIdOf(pipeline().fanOutFailures));
    const sqsStatements = statements.filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('sqs:')),
    );

    const onDeliveryQueue = sqsStatements.filter((statement) =>
      JSON.stringify(resourcesOf(statement)).includes(JSON.stringify(queueArn)),
    );
    expect(onDeliveryQueue.map((statement) => [actionsOf(statement), resourcesOf(statement)])).toEqual([
      [['sqs:SendMessage'], [queueArn]],
    ]);
    for (const statement of sqsStatements) {
      expect([queueArn, failuresArn]).toEqual(expect.arrayContaining(resourcesOf(statement)));
    }
    const actions = statements.flatMap(actionsOf);
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
      expect(actions).not.toContain(write);
    }
  });

  it('lets the deliveries Lambda use the Data table and the delivery queue, and nothing of SES', () => {
    const statements = statementsOf('consumer');
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('ses:'))).toEqual([]);
    const queueArn = arnOf(logicalIdOf(pipeline().queue));
    for (const statement of statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')))) {
      expect(resourcesOf(statement)).toEqual([queueArn]);
    }
    expect(actions).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
  });
});
