/**
 * The `api_key.expiring` job: an EventBridge schedule invokes lambdas/expiring-keys/handler.ts
 * every hour. It Scans ApiKeys reading only the attributes the decision needs (never keyHash), writes
 * only its marker attribute on a key item, and puts the event into the Data table (the outbox, from
 * which the existing fan-out delivers it to webhooks).
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  EXPIRING_MARKER_ATTRIBUTE,
  EXPIRING_SCAN_ATTRIBUTES,
} from '../lambdas/expiring-keys/expiring-keys.js';
import { ScopegateFunction } from './scopegate-function.js';
import { DATA_TABLE_GRANTS, tableGrantStatements } from './table-grants.js';
import { scheduleJob } from './job-schedule.js';

/** Hourly: a notice goes out within an hour of its threshold (7 days or 1 day before expiry). */
export const EXPIRING_KEYS_SCHEDULE = Duration.hours(1);

export interface ExpiringKeysProps {
  readonly apiKeysTable: ITable;
  readonly dataTable: ITable;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class ExpiringKeys extends Construct {
  public readonly function: ScopegateFunction;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: ExpiringKeysProps) {
    super(scope, id);
    this.function = new ScopegateFunction(this, 'Function', {
      name: 'expiringKeys',
      description: 'scopegate: api_key.expiring events 7 days and 1 day before a key expires',
      logRetention: props.logRetention,
      // A paged Scan of every key: generous, since the run is off the request path.
      timeout: Duration.minutes(5),
    });
    const fn = this.function.function;
    fn.addEnvironment('API_KEYS_TABLE', props.apiKeysTable.tableName);
    fn.addEnvironment('DATA_TABLE', props.dataTable.tableName);
    const role = this.function.role;
    // Read only the decision's attributes: dynamodb:Select pins a projection, so no Scan reads hashes.
    // StringEquals (not IfExists) on purpose: the Scan always sends Select (lambdas/expiring-keys/expiring-keys.ts),
    // and a Scan without it, or without a projection, must be refused.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Scan'],
        resources: [props.apiKeysTable.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...EXPIRING_SCAN_ATTRIBUTES] },
          StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );
    // Write only the marker set (keyId is the key and the existence condition): never an expiry or scope.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.apiKeysTable.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['keyId', EXPIRING_MARKER_ATTRIBUTE] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      }),
    );
    // The event, put in the same transaction as the marker.
    for (const statement of tableGrantStatements(props.dataTable, DATA_TABLE_GRANTS.expiringKeys)) {
      role.addToPrincipalPolicy(statement);
    }

    this.schedule = scheduleJob(this, fn, {
      description: 'Runs the scopegate api_key.expiring job',
      rate: EXPIRING_KEYS_SCHEDULE,
      maxEventAge: Duration.hours(1),
    });
  }
}
