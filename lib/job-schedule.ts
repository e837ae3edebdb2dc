/**
 * A Lambda run on a fixed rate by an EventBridge rule: the jobs (the scheduled-email sweep, the
 * broadcast starter, domain lapse, expiring keys). A failed run is retried twice by EventBridge, then
 * dropped after `maxEventAge`: each job is idempotent and its next run catches up.
 */
import type { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

export interface JobScheduleProps {
  readonly description: string;
  readonly rate: Duration;
  /** How long a failed run may still be retried (EventBridge's minimum is one minute). */
  readonly maxEventAge: Duration;
}

export function scheduleJob(scope: Construct, fn: lambda.IFunction, props: JobScheduleProps): events.Rule {
  const rule = new events.Rule(scope, 'Schedule', {
    description: props.description,
    schedule: events.Schedule.rate(props.rate),
  });
  rule.addTarget(new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: props.maxEventAge }));
  return rule;
}
