/**
 * SES's events of the configuration set, into emails' histories: SES v2 publishes them to the
 * account's default EventBridge bus; a rule matching this configuration set puts them on a durable
 * SQS queue (with a dead-letter queue); the events Lambda (lambdas/provider-events) consumes it with partial
 * batch responses. Why EventBridge rather than SNS: docs/decisions/0013-email-events.md.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TRACKING_MODES, type TrackingMode, trackingOf } from '../lambdas/domains/email-tracking.js';
import { ScopegateFunction } from './scopegate-function.js';
import { DATA_TABLE_GRANTS } from './table-grants.js';

/**
 * Every event that changes an email's status or history (lambdas/message-status/ses-event.ts). OPEN and CLICK
 * are published only by the configuration sets whose domains asked for tracking: publishing them is
 * what makes SES add the pixel and rewrite the links (publishedEvents).
 */
export const PUBLISHED_SES_EVENTS: readonly ses.EmailSendingEvent[] = [
  ses.EmailSendingEvent.SEND,
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.OPEN,
  ses.EmailSendingEvent.CLICK,
  ses.EmailSendingEvent.RENDERING_FAILURE,
  ses.EmailSendingEvent.DELIVERY_DELAY,
];

/** What a configuration set of this tracking mode publishes: OPEN and CLICK only when asked for. */
export function publishedEvents(mode: TrackingMode): ses.EmailSendingEvent[] {
  const tracking = trackingOf(mode);
  return PUBLISHED_SES_EVENTS.filter(
    (event) =>
      (event !== ses.EmailSendingEvent.OPEN || tracking.open) &&
      (event !== ses.EmailSendingEvent.CLICK || tracking.click),
  );
}

const FUNCTION_TIMEOUT = Duration.seconds(30);
/** Receives before a message goes to the dead-letter queue: covers an event that beats its send's bookkeeping. */
const MAX_RECEIVE_COUNT = 5;

export interface SesEventsProps {
  /** One per tracking mode (Services.configurationSets); each publishes what its mode allows. */
  readonly configurationSets: Readonly<Record<TrackingMode, ses.ConfigurationSet>>;
  readonly dataTable: ITable;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class SesEvents extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly function: ScopegateFunction;

  constructor(scope: Construct, id: string, props: SesEventsProps) {
    super(scope, id);
    // SQS-managed encryption: EventBridge can deliver to it without a customer key and its policy.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // AWS's advice for Lambda consumers: six times the function's timeout.
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    for (const mode of TRACKING_MODES) {
      props.configurationSets[mode].addEventDestination('EventBridge', {
        destination: ses.EventDestination.eventBus(defaultBus),
        events: publishedEvents(mode),
      });
    }
    new events.Rule(this, 'Rule', {
      description: "scopegate: this stack's SES configuration sets' events, to the events queue",
      eventBus: defaultBus,
      eventPattern: {
        source: ['aws.ses'],
        detail: {
          mail: {
            tags: {
              'ses:configuration-set': TRACKING_MODES.map(
                (mode) => props.configurationSets[mode].configurationSetName,
              ),
            },
          },
        },
      },
      targets: [new targets.SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue })],
    });

    this.function = new ScopegateFunction(this, 'Function', {
      name: 'events',
      description: 'scopegate events: SES events into email status and history',
      logRetention: props.logRetention,
      timeout: FUNCTION_TIMEOUT,
    });
    this.function.bindTable({
      table: props.dataTable,
      access: DATA_TABLE_GRANTS.events,
      envVar: 'DATA_TABLE',
    });
    this.function.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    // Anything in the dead-letter queue is an event no retry could record: someone must look.
    new cloudwatch.Alarm(this, 'DeadLetterQueueNotEmpty', {
      alarmDescription: 'SES events that could not be recorded are waiting in the dead-letter queue',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // A growing backlog means the consumer is failing or too slow: statuses are falling behind.
    new cloudwatch.Alarm(this, 'QueueBacklog', {
      alarmDescription: 'SES events are waiting longer than 15 minutes to be recorded',
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) }),
      threshold: Duration.minutes(15).toSeconds(),
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
