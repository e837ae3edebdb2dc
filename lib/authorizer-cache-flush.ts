/**
 * Fast revocation with the authorizer cache on: the ApiKeys table's stream (KEYS_ONLY: any change to
 * any key is news, whatever changed) wakes a small Lambda that calls FlushStageAuthorizersCache on the
 * API's stage once per batch. The revocation delay becomes stream delivery (typically under a
 * second) plus the batching window (1 s) plus the flush's own propagation, which AWS does not
 * document; the cache TTL stays the bound when a flush fails. docs/decisions/0018-authorizer-cache-fast-revocation.md has the quota
 * arithmetic ("Authorizer cache and fast revocation").
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ScopegateFunction } from './scopegate-function.js';

export interface AuthorizerCacheFlushProps {
  /** The ApiKeys table, with a stream (any view type). */
  readonly apiKeysTable: ITable;
  readonly restApiId: string;
  readonly stageName: string;
  /** The authorizer cache's TTL: a change older than this needs no flush any more. */
  readonly cacheTtlSeconds: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** Above the flush's 20 s retry deadline (lambdas/cache-flush/flush-retry.ts), with room to log. */
const FLUSH_TIMEOUT = Duration.seconds(30);

export class AuthorizerCacheFlush extends Construct {
  public readonly handler: ScopegateFunction;
  /** Stream batches whose flush failed after every retry (their shard positions). */
  public readonly failures: sqs.Queue;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AuthorizerCacheFlushProps) {
    super(scope, id);
    if (!props.apiKeysTable.tableStreamArn) {
      throw new Error('AuthorizerCacheFlush: the ApiKeys table has no stream');
    }
    this.failures = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.handler = new ScopegateFunction(this, 'Handler', {
      name: 'cacheFlush',
      description: 'scopegate authorizer cache flush: any ApiKeys change flushes the stage authorizer cache',
      logRetention: props.logRetention,
      timeout: FLUSH_TIMEOUT,
      memorySize: 256,
      environment: { REST_API_ID: props.restApiId, STAGE_NAME: props.stageName },
    });
    this.handler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // FlushStageAuthorizersCache is `DELETE /restapis/{id}/stages/{stage}/cache/authorizers`:
        // API Gateway authorises management calls by HTTP verb on the resource's path.
        actions: ['apigateway:DELETE'],
        resources: [authorizersCacheArn(this, props.restApiId, props.stageName)],
      }),
    );
    this.handler.function.addEventSource(
      new DynamoEventSource(props.apiKeysTable, {
        // From the oldest record kept: a change made while the mapping was being created is flushed too
        // (a spare flush costs one re-authorization per cached key; a missed one, up to the TTL).
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        // Coalesce: one flush per second at most per shard, whatever the rate of key changes.
        maxBatchingWindow: Duration.seconds(1),
        batchSize: 1000,
        // One flush covers the whole batch: splitting it would only flush more often.
        bisectBatchOnError: false,
        retryAttempts: 5,
        // A change older than the TTL has already left the cache; flushing for it helps no one.
        maxRecordAge: Duration.seconds(Math.max(60, props.cacheTtlSeconds)),
        onFailure: new SqsDlq(this.failures),
      }),
    );

    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'It is itself the on-failure destination of the cache-flush stream mapping: a dead-letter queue.',
    });
    Validations.of(this.handler.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which the stream event source needs, has no resource-level permissions; every other stream action names the ApiKeys table stream.',
    });

    this.alarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmDescription:
        'The authorizer cache could not be flushed after a key change: revocations wait for the cache TTL. See the queue.',
      metric: this.failures.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

/** `arn:<partition>:apigateway:<region>::/restapis/<id>/stages/<stage>/cache/authorizers`, nothing wider. */
export function authorizersCacheArn(scope: Construct, restApiId: string, stageName: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:apigateway:${stack.region}::/restapis/${restApiId}/stages/${stageName}/cache/authorizers`;
}
