/**
 * The one-off clean-up of secrets older versions stored (lambdas/cleanup/secret-records.ts): a
 * CloudFormation custom resource backed directly by its own Lambda, so it runs when the resource is
 * created — the first deploy of a stack with it — and not again. Least privilege: a Scan of the Data
 * table that can read only the record keys and the stored answer, and DeleteItem on the Data table.
 */
import { CustomResource, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CLEANUP_SCAN_ATTRIBUTES } from '../lambdas/cleanup/secret-records.js';
import { ScopegateFunction } from './scopegate-function.js';

export interface SecretRecordsCleanupProps {
  readonly dataTable: ITable;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class SecretRecordsCleanup extends Construct {
  public readonly function: ScopegateFunction;
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: SecretRecordsCleanupProps) {
    super(scope, id);
    this.function = new ScopegateFunction(this, 'Function', {
      name: 'secretRecordsCleanup',
      description: 'scopegate: one-off removal of stored idempotent answers that hold a secret',
      logRetention: props.logRetention,
      // A paged Scan of the Data table, bounded by this timeout (it stops a minute before).
      timeout: Duration.minutes(10),
    });
    this.function.function.addEnvironment('DATA_TABLE', props.dataTable.tableName);
    const role = this.function.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Scan'],
        resources: [props.dataTable.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...CLEANUP_SCAN_ATTRIBUTES] },
          StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [props.dataTable.tableArn],
        conditions: { StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' } },
      }),
    );
    this.resource = new CustomResource(this, 'Run', {
      serviceToken: this.function.function.functionArn,
      resourceType: 'Custom::ScopegateSecretRecordsCleanup',
    });
  }
}
