/**
 * Per-key usage, off the request path: a CloudWatch Logs subscription on the API's access log group
 * invokes the usage Lambda (lambdas/usage) with batches of access-log records; it adds per-key daily
 * counts to the Data table and moves `lastUsedAt` forward on the ApiKeys item. A batch that still
 * fails after Lambda's two asynchronous retries is kept in an alarmed queue.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ScopegateFunction } from './scopegate-function.js';
import { DATA_TABLE_GRANTS, tableGrantStatements } from './table-grants.js';

/** Only records that name a key: a 401 (no principal, written `-`) is counted nowhere. */
export const USAGE_FILTER_PATTERN = logs.FilterPattern.stringValue('$.principalId', '!=', '-');

export interface UsageProps {
  readonly accessLogGroup: logs.ILogGroup;
  readonly apiKeysTable: ITable;
  readonly dataTable: ITable;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class Usage extends Construct {
  public readonly function: ScopegateFunction;
  public readonly subscription: logs.SubscriptionFilter;
  public readonly failedBatches: sqs.Queue;

  constructor(scope: Construct, id: string, props: UsageProps) {
    super(scope, id);
    this.function = new ScopegateFunction(this, 'Function', {
      name: 'usage',
      description: 'scopegate usage: API Gateway access logs into per-key daily counts and lastUsedAt',
      logRetention: props.logRetention,
      timeout: Duration.seconds(60),
    });
    const fn = this.function.function;
    fn.addEnvironment('DATA_TABLE', props.dataTable.tableName);
    fn.addEnvironment('API_KEYS_TABLE', props.apiKeysTable.tableName);
    const role = this.function.role;
    // Counters and batch markers: a transaction of Put (marker) and Update (counters) items.
    for (const statement of tableGrantStatements(props.dataTable, DATA_TABLE_GRANTS.usage)) {
      role.addToPrincipalPolicy(statement);
    }
    // ApiKeys: read a key's project (for a Deny's record) and write its lastUsedAt — no other attribute.
    // GetItem has no Select parameter, so the key is absent from its request: AWS's documented form
    // for attribute-limited reads is StringEqualsIfExists (a plain StringEquals denies every GetItem).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [props.apiKeysTable.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['keyId', 'projectId'] },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.apiKeysTable.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['keyId', 'lastUsedAt'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      }),
    );

    this.failedBatches = new sqs.Queue(this, 'FailedBatches', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedBatches).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'It is itself the on-failure destination of the usage function: a dead-letter queue.',
    });
    fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failedBatches),
    });
    new cloudwatch.Alarm(this, 'FailedBatchesNotEmpty', {
      alarmDescription: 'Access-log batches could not be counted into per-key usage',
      metric: this.failedBatches.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.subscription = new logs.SubscriptionFilter(this, 'AccessLogSubscription', {
      logGroup: props.accessLogGroup,
      destination: new LambdaDestination(fn),
      filterPattern: USAGE_FILTER_PATTERN,
    });
  }
}
