/**
 * The domain lapse job: an EventBridge schedule invokes lambdas/domain-lapse/handler.ts,
 * which Queries the `DOMAIN_LAPSE` due-time index of the Data table and lapses each domain not
 * verified within 72 hours (its SES identity deleted, `failed`, its claim freed, a `domain.failed`
 * event). Every grant is held to the kind of item the job touches by `dynamodb:LeadingKeys`.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ScopegateFunction } from './scopegate-function.js';
import { scheduleJob } from './job-schedule.js';

/** Every 15 minutes: a name is freed within a quarter of an hour of its 72 hours (creates don't wait). */
export const DOMAIN_LAPSE_SCHEDULE = Duration.minutes(15);

export interface DomainLapseProps {
  readonly dataTable: ITable;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** The partition-key prefixes of what the job reads and writes (lambdas/domains/domain-store.ts). */
const ITEMS = {
  due: 'DOMAIN_LAPSE',
  project: 'PROJECT#*',
  claim: 'DOMAIN_FAMILY#*',
} as const;

export class DomainLapse extends Construct {
  public readonly function: ScopegateFunction;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: DomainLapseProps) {
    super(scope, id);
    this.function = new ScopegateFunction(this, 'Function', {
      name: 'domainLapse',
      description: 'scopegate: sending domains not verified within 72 hours lose their name',
      logRetention: props.logRetention,
      // At most LAPSES_PER_RUN lapses, each an SES call and a transaction: off the request path.
      timeout: Duration.minutes(2),
    });
    const fn = this.function.function;
    fn.addEnvironment('DATA_TABLE', props.dataTable.tableName);
    const on = (actions: string[], leadingKeys: string[]) =>
      new iam.PolicyStatement({
        actions,
        resources: [props.dataTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
      });
    const role = this.function.role;
    // The due entries: read, and dropped when their domain was verified, deleted or lapsed.
    role.addToPrincipalPolicy(on(['dynamodb:Query'], [ITEMS.due]));
    // The domain read, then written `failed` with its domain.failed event in the project's partition.
    role.addToPrincipalPolicy(on(['dynamodb:GetItem', 'dynamodb:PutItem'], [ITEMS.project]));
    // The lapse's transaction deletes the claim and the due entry.
    role.addToPrincipalPolicy(on(['dynamodb:DeleteItem'], [ITEMS.due, ITEMS.claim]));
    // The lapsed domain's SES identity, and nothing else of SES.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:DeleteEmailIdentity'],
        resources: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
      }),
    );

    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]`,
      reason:
        'The lapsed identities are the projects\u2019 domains, created after deployment, so they can only be named by pattern; DeleteEmailIdentity only, in this account and region.',
    });

    this.schedule = scheduleJob(this, fn, {
      description: 'Runs the scopegate domain lapse job',
      rate: DOMAIN_LAPSE_SCHEDULE,
      maxEventAge: Duration.minutes(15),
    });
  }
}
