/**
 * The two DynamoDB tables, built from the key schemas in lambdas/aws/tables.ts that the local stack
 * also uses, so a deployed stack and `npm start` can never disagree on key names or indexes.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { API_KEYS_TABLE, DATA_TABLE, type TableDefinition } from '../lambdas/aws/tables.js';

/** Construct ids (and so logical ids) of the tables; physical names are left to CloudFormation. */
const DEFINITIONS = { ApiKeys: API_KEYS_TABLE, Data: DATA_TABLE } as const satisfies Record<
  string,
  TableDefinition
>;
type TableId = keyof typeof DEFINITIONS;

export interface KeyStoreProps {
  /**
   * What happens to the tables when the stack is deleted. API keys and project data are not
   * reproducible, so the default keeps them; tests and throwaway stacks may choose DESTROY.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Refuses DeleteTable, even from the console, until switched off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * A KEYS_ONLY stream on ApiKeys, for the authorizer cache flush (any change to a key is news).
   * Turning it on or off later is an in-place update of the table: no replacement, no data lost.
   * @default false
   */
  readonly apiKeysStream?: boolean;
}

export class KeyStore extends Construct {
  /** One item per API key; read by the authorizer with GetItem only. */
  public readonly apiKeys: dynamodb.Table;
  /** Every project resource, partitioned by project. */
  public readonly data: dynamodb.Table;

  constructor(scope: Construct, id: string, props: KeyStoreProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const deletionProtection = props.deletionProtection ?? true;
    if (deletionProtection && removalPolicy === RemovalPolicy.DESTROY) {
      throw new Error('KeyStore: removalPolicy DESTROY cannot delete tables with deletionProtection on');
    }
    const tables = Object.fromEntries(
      (Object.entries(DEFINITIONS) as [TableId, TableDefinition][]).map(([tableId, definition]) => [
        tableId,
        createTable(this, tableId, definition, removalPolicy, deletionProtection, {
          keysOnlyStream: tableId === 'ApiKeys' && props.apiKeysStream === true,
        }),
      ]),
    ) as Record<TableId, dynamodb.Table>;
    this.apiKeys = tables.ApiKeys;
    this.data = tables.Data;
  }
}

/** Every key attribute in the definitions is a string (ids, ISO 8601 timestamps, composite keys). */
const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

function createTable(
  scope: Construct,
  id: string,
  definition: TableDefinition,
  removalPolicy: RemovalPolicy,
  deletionProtection: boolean,
  options: { keysOnlyStream: boolean },
): dynamodb.Table {
  const table = new dynamodb.Table(scope, id, {
    partitionKey: stringKey(definition.partitionKey),
    sortKey: definition.sortKey === undefined ? undefined : stringKey(definition.sortKey),
    timeToLiveAttribute: definition.timeToLiveAttribute,
    stream:
      definition.streamNewImages === true
        ? dynamodb.StreamViewType.NEW_IMAGE
        : options.keysOnlyStream
          ? dynamodb.StreamViewType.KEYS_ONLY
          : undefined,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // At rest with the AWS managed key: visible in CloudTrail, and no key policy for the Lambdas to need.
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection,
    removalPolicy,
  });
  for (const index of definition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: stringKey(index.partitionKey),
      sortKey: index.sortKey === undefined ? undefined : stringKey(index.sortKey),
      // Same projection as the local stack's tables (local/tables.ts).
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}
