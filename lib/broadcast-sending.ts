/**
 * Broadcast sending: the broadcasts service puts a broadcast's first audience page on the queue, and
 * the sender Lambda consumes it (SQS batches of 10, partial batch responses), reading the audience a
 * page at a time and sending one recipient per message. Its maximum concurrency is `senders`
 * (held on the event source and, as a hard cap, by reserved concurrency), and each instance paces
 * itself to `maxSendRate / senders`, so the stack stays under the SES account's maximum send rate;
 * a throttled send comes back on the queue after its backoff. A minute schedule starts scheduled
 * broadcasts. Messages that keep failing go to a dead-letter queue that alarms.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CONFIGURATION_SET_ENV,
  TRACKING_MODES,
  type TrackingMode,
} from '../lambdas/domains/email-tracking.js';
import { BROADCAST_MAX_RECEIVES } from '../lambdas/broadcasts/queue.js';
import { ScopegateFunction } from './scopegate-function.js';
import { DATA_TABLE_GRANTS } from './table-grants.js';
import { scheduleJob } from './job-schedule.js';

export interface BroadcastSendingProps {
  readonly dataTable: ITable;
  /** The broadcasts service: it puts the first message of each broadcast on the queue. */
  readonly service: ScopegateFunction;
  readonly configurationSets: Readonly<Record<TrackingMode, ses.IConfigurationSet>>;
  /** ses:SendEmail on the identities and configuration sets (lib/services.ts). */
  readonly sesSendStatement: iam.PolicyStatement;
  /** The API's base URL: unsubscribe links point at its `/u/{token}`. */
  readonly apiUrl: string;
  /**
   * The SES account's maximum send rate (emails per second).
   * @default - read from SES (GetAccount SendQuota.MaxSendRate) when the sender starts
   */
  readonly maxSendRate?: number;
  /**
   * Sender instances at most (the event source's maximum concurrency, 2 to 1000).
   * @default 2
   */
  readonly senders?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** A batch of 10 paced sends at the slowest rate (1/s, two senders) takes 20 s; SES calls are bounded at 4 s. */
export const SENDER_TIMEOUT = Duration.seconds(60);

export class BroadcastSending extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly sender: ScopegateFunction;
  public readonly alarm: cloudwatch.Alarm;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: BroadcastSendingProps) {
    super(scope, id);
    const senders = props.senders ?? 2;
    if (!Number.isInteger(senders) || senders < 2 || senders > 1000) {
      throw new Error(`senders must be a whole number from 2 to 1000 (SQS event sources), got ${senders}`);
    }
    if (props.maxSendRate !== undefined && !(props.maxSendRate > 0)) {
      throw new Error(`maxSendRate must be a positive number of emails per second, got ${props.maxSendRate}`);
    }
    const queueDefaults = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', queueDefaults);
    this.queue = new sqs.Queue(this, 'Queue', {
      ...queueDefaults,
      // AWS's advice for a Lambda consumer: six times its timeout.
      visibilityTimeout: Duration.seconds(SENDER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: BROADCAST_MAX_RECEIVES },
    });
    props.service.function.addEnvironment('BROADCAST_QUEUE_URL', this.queue.queueUrl);
    props.service.role.addToPrincipalPolicy(sendStatement(this.queue));

    this.sender = new ScopegateFunction(this, 'Sender', {
      name: 'broadcastSender',
      description: 'scopegate broadcast sender: reads audiences and sends one email per recipient, paced',
      logRetention: props.logRetention,
      timeout: SENDER_TIMEOUT,
      reservedConcurrentExecutions: senders,
      environment: {
        BROADCAST_QUEUE_URL: this.queue.queueUrl,
        BROADCAST_SENDERS: String(senders),
        SENDER_TIMEOUT_SECONDS: String(SENDER_TIMEOUT.toSeconds()),
        API_BASE_URL: props.apiUrl,
        ...(props.maxSendRate !== undefined ? { MAX_SEND_RATE: String(props.maxSendRate) } : {}),
        ...Object.fromEntries(
          TRACKING_MODES.map((mode) => [
            CONFIGURATION_SET_ENV[mode],
            props.configurationSets[mode].configurationSetName,
          ]),
        ),
      },
    });
    this.sender.bindTable({
      table: props.dataTable,
      access: DATA_TABLE_GRANTS.broadcastSender,
      envVar: 'DATA_TABLE',
    });
    const role = this.sender.role;
    role.addToPrincipalPolicy(props.sesSendStatement);
    // GetAccount has no resource: it reads the account's own sending quota, nothing else.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    // Next pages and recipients back onto the queue; backoffs on the messages it holds.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage', 'sqs:ChangeMessageVisibility'],
        resources: [this.queue.queueArn],
      }),
    );
    this.sender.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: senders,
      }),
    );

    this.schedule = scheduleJob(this, this.sender.function, {
      description: 'Starts scheduled scopegate broadcasts whose time has come',
      rate: Duration.minutes(1),
      maxEventAge: Duration.minutes(2),
    });

    this.alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        "Broadcast messages were dead-lettered: their recipients stay queued until redriven; see the queue's messages.",
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    Validations.of(role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]`,
        reason:
          'Sending identities (the projects\u2019 domains) are verified after deployment; the pattern is limited to this account and region.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ses:GetAccount (the account\u2019s maximum send rate) has no resource-level permissions.',
      },
    );
  }
}

function sendStatement(queue: sqs.IQueue): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] });
}
