/**
 * The webhook delivery pipeline: the Data table's stream (inserted `EVENT#` items only) wakes the
 * fan-out Lambda, which puts one job per subscribed webhook on the delivery queue; the deliveries
 * Lambda consumes it with partial batch responses. Nothing is lost on the way:
 * - a fan-out that fails is retried from the failed record (bisected), and after the retries the
 *   batch's stream position goes to a failure queue;
 * - a job that keeps failing inside the consumer goes to the dead-letter queue; both queues alarm as
 *   soon as they hold a message.
 * Queues are encrypted with SQS-managed keys (no key policy for the Lambdas to need) and refuse
 * anything but TLS.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTBOX_STREAM_FILTER } from '../lambdas/fan-out/outbox-stream.js';
import { ScopegateFunction } from './scopegate-function.js';
import { DATA_TABLE_GRANTS } from './table-grants.js';

export interface WebhookDeliveriesProps {
  /** The Data table, with a NEW_IMAGE stream. */
  readonly dataTable: Table;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** One delivery attempt is bounded at 15 s; a batch of ten runs them side by side. */
const CONSUMER_TIMEOUT = Duration.seconds(60);
/** Receives before a job is dead-lettered: each is a whole consumer failure, not a failed delivery. */
const MAX_RECEIVES = 5;

export class WebhookDeliveries extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** Stream batches the fan-out gave up on (their shard positions, to replay by hand). */
  public readonly fanOutFailures: sqs.Queue;
  public readonly consumer: ScopegateFunction;
  public readonly fanOut: ScopegateFunction;
  public readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: WebhookDeliveriesProps) {
    super(scope, id);
    const { dataTable, logRetention } = props;
    const queueDefaults = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', queueDefaults);
    this.fanOutFailures = new sqs.Queue(this, 'FanOutFailures', queueDefaults);
    this.queue = new sqs.Queue(this, 'Queue', {
      ...queueDefaults,
      // AWS's advice for a Lambda consumer: six times its timeout.
      visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVES },
    });

    this.consumer = new ScopegateFunction(this, 'Deliveries', {
      name: 'deliveries',
      description: 'scopegate webhook deliveries: signs and POSTs queued delivery jobs',
      logRetention,
      timeout: CONSUMER_TIMEOUT,
      environment: { DELIVERY_QUEUE_URL: this.queue.queueUrl },
    });
    this.consumer.bindTable({ table: dataTable, access: DATA_TABLE_GRANTS.deliveries, envVar: 'DATA_TABLE' });
    // Retries and hops are sent back onto the same queue; receiving and deleting come with the source.
    this.consumer.role.addToPrincipalPolicy(sendStatement(this.queue));
    this.consumer.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.fanOut = new ScopegateFunction(this, 'FanOut', {
      name: 'fanOut',
      description: 'scopegate webhook fan-out: outbox events to delivery jobs',
      logRetention,
      timeout: Duration.seconds(30),
      environment: { DELIVERY_QUEUE_URL: this.queue.queueUrl },
    });
    this.fanOut.bindTable({ table: dataTable, access: DATA_TABLE_GRANTS.fanOut, envVar: 'DATA_TABLE' });
    this.fanOut.role.addToPrincipalPolicy(sendStatement(this.queue));
    this.fanOut.function.addEventSource(
      new DynamoEventSource(dataTable, {
        // From the oldest record kept: events written before a (re)deployment are not skipped.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 50,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        onFailure: new SqsDlq(this.fanOutFailures),
        filters: [lambda.FilterCriteria.filter(OUTBOX_STREAM_FILTER)],
      }),
    );

    Validations.of(this.fanOutFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'It is itself the on-failure destination of the fan-out stream mapping: a dead-letter queue.',
    });
    Validations.of(this.fanOut.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which the stream event source needs, has no resource-level permissions; every other stream action names the Data table stream.',
    });

    this.alarms = [
      backlogAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, 'Webhook delivery jobs were dead-lettered'),
      backlogAlarm(this, 'FanOutFailureAlarm', this.fanOutFailures, 'Outbox events could not be fanned out'),
    ];
  }
}

/** sqs:SendMessage on the one queue: nothing else. */
function sendStatement(queue: sqs.IQueue): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] });
}

function backlogAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  description: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: `${description}: see the queue's messages.`,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
