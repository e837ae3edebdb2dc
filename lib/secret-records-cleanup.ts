/**
 * The one-off clean-up of secrets older versions stored (lambdas/cleanup/secret-records.ts): a
 * CloudFormation custom resource backed directly by its own Lambda, so it runs when the resource is
 * created — the first deploy of a stack with it — and again when its `migrations` property changes,
 * which is how an existing stack runs a migration added later (lambdas/cleanup/domain-claims-migration.ts).
 * Least privilege: a Scan of the Data table that can read only the record keys, the stored answer and
 * a legacy claim's project and domain; a GetItem of a domain's name, status and times in project
 * partitions; writes of claims, family counters and lapse entries in their own partitions; DeleteItem
 * of project items (idempotency records) and legacy claims only.
 */
import { CustomResource, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  LEGACY_NAME_PREFIX,
  MIGRATION_DOMAIN_ATTRIBUTES,
  MIGRATION_SCAN_ATTRIBUTES,
} from '../lambdas/cleanup/domain-claims-migration.js';
import { CLEANUP_SCAN_ATTRIBUTES } from '../lambdas/cleanup/secret-records.js';
import { DOMAIN_FAMILY_ITEMS, DOMAIN_LAPSE_ITEMS, PROJECT_ITEMS } from './table-grants.js';
import { ScopegateFunction } from './scopegate-function.js';

/**
 * The migrations the clean-up runs, named in the custom resource's properties: adding one changes
 * them, so CloudFormation sends an Update and an existing stack runs the new migration once.
 */
export const CLEANUP_MIGRATIONS = ['secret-records', 'domain-family-claims'] as const;

/** Legacy `DOMAIN_NAME#<name>` claims. */
const LEGACY_CLAIM_ITEMS = `${LEGACY_NAME_PREFIX}*`;

const leadingKeys = (keys: readonly string[]) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keys] },
});

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
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': [...new Set([...CLEANUP_SCAN_ATTRIBUTES, ...MIGRATION_SCAN_ATTRIBUTES])],
          },
          StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );
    // A legacy claim's domain, for its times (GetItem has no Select: its projection is the limit).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [props.dataTable.tableArn],
        conditions: {
          ...leadingKeys([PROJECT_ITEMS]),
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...MIGRATION_DOMAIN_ATTRIBUTES] },
        },
      }),
    );
    // The family claim and its counter; the lapse entry of a domain still pending.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [props.dataTable.tableArn],
        conditions: leadingKeys([DOMAIN_FAMILY_ITEMS, DOMAIN_LAPSE_ITEMS]),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.dataTable.tableArn],
        conditions: leadingKeys([DOMAIN_FAMILY_ITEMS]),
      }),
    );
    // Idempotency records live in project partitions; legacy claims in their own.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [props.dataTable.tableArn],
        conditions: {
          ...leadingKeys([PROJECT_ITEMS, LEGACY_CLAIM_ITEMS]),
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      }),
    );
    this.resource = new CustomResource(this, 'Run', {
      serviceToken: this.function.function.functionArn,
      resourceType: 'Custom::ScopegateSecretRecordsCleanup',
      properties: { Migrations: CLEANUP_MIGRATIONS.join(',') },
    });
  }
}
