/**
 * Scheduled emails: an EventBridge rule invokes lambdas/scheduler/handler.ts every minute, which
 * sweeps the due-time index of the Data table (`SCHEDULED#<minute>`) and sends what is due through
 * SES, exactly once (docs/decisions/0033-scheduled-emails.md). Its grants are held to the items it
 * touches by `dynamodb:LeadingKeys`; on ApiKeys it may read a key's id, revocation and expiry only.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as ses from 'aws-cdk-lib/aws-ses';
import {
  CONFIGURATION_SET_ENV,
  TRACKING_MODES,
  type TrackingMode,
} from '../lambdas/domains/email-tracking.js';
import { Construct } from 'constructs';
import { KEY_ATTRIBUTES } from '../lambdas/scheduler/sweep.js';
import { ScopegateFunction } from './scopegate-function.js';
import { DATA_TABLE_GRANTS } from './table-grants.js';
import { scheduleJob } from './job-schedule.js';

/** EventBridge's finest rate: a due email goes out within about a minute of its time. */
export const SCHEDULED_EMAILS_RATE = Duration.minutes(1);

export interface ScheduledEmailsProps {
  readonly dataTable: ITable;
  readonly apiKeysTable: ITable;
  /** The sending service's SES grant (identities and configuration sets), shared, not widened. */
  readonly sesSendStatement: iam.PolicyStatement;
  /** The configuration sets by tracking mode, named to the sweep as the sending service gets them. */
  readonly configurationSets: Readonly<Record<TrackingMode, ses.IConfigurationSet>>;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class ScheduledEmails extends Construct {
  public readonly function: ScopegateFunction;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: ScheduledEmailsProps) {
    super(scope, id);
    this.function = new ScopegateFunction(this, 'Function', {
      name: 'scheduledEmails',
      description: 'scopegate: sends due scheduled emails, exactly once',
      logRetention: props.logRetention,
      // A run starts no email after 50 s (lambdas/scheduler/handler.ts); the claim lock (5 min) is longer.
      timeout: Duration.minutes(2),
      environment: Object.fromEntries(
        TRACKING_MODES.map((mode) => [
          CONFIGURATION_SET_ENV[mode],
          props.configurationSets[mode].configurationSetName,
        ]),
      ),
    });
    this.function.bindTable({
      table: props.dataTable,
      access: DATA_TABLE_GRANTS.scheduledEmails,
      envVar: 'DATA_TABLE',
    });
    this.function.function.addEnvironment('API_KEYS_TABLE', props.apiKeysTable.tableName);
    const role = this.function.role;
    // The scheduling key's revocation and expiry, and nothing else of the key (no hash, no scopes).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [props.apiKeysTable.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...KEY_ATTRIBUTES] },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );
    role.addToPrincipalPolicy(props.sesSendStatement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]`,
      reason:
        'The sending service’s own SES grant: identities are the projects’ domains, verified after deployment; limited to this account and region.',
    });

    // Retrying a failed run is safe: every claim is conditional.
    this.schedule = scheduleJob(this, this.function.function, {
      description: 'Runs the scopegate scheduled-email sweep',
      rate: SCHEDULED_EMAILS_RATE,
      maxEventAge: Duration.minutes(2),
    });
  }
}
