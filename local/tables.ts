/** Creates the ApiKeys and Data tables in DynamoDB Local from the same definitions the CDK stack uses. */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { API_KEYS_TABLE, DATA_TABLE, type TableDefinition } from '../lambdas/aws/tables.js';

export interface TableNames {
  readonly apiKeys: string;
  readonly data: string;
}

export interface TableOptions {
  /**
   * Turn DynamoDB TTL on where the definition names an attribute, as deployed. Tests that inject a
   * clock turn it off: DynamoDB Local deletes items whose `ttl` is already past, at moments of its
   * own choosing, so records written under an injected past clock would vanish mid-test.
   * @default true
   */
  readonly timeToLive?: boolean;
}

export async function ensureTables(
  client: DynamoDBClient,
  names: TableNames,
  options: TableOptions = {},
): Promise<void> {
  await ensureTable(client, names.apiKeys, API_KEYS_TABLE, options);
  await ensureTable(client, names.data, DATA_TABLE, options);
}

export async function ensureTable(
  client: DynamoDBClient,
  name: string,
  definition: TableDefinition,
  { timeToLive = true }: TableOptions = {},
): Promise<void> {
  const keyNames = new Set([definition.partitionKey, definition.sortKey]);
  for (const index of definition.globalSecondaryIndexes) keyNames.add(index.partitionKey).add(index.sortKey);
  keyNames.delete(undefined);
  const attributes: AttributeDefinition[] = [...keyNames].map((attribute) => ({
    AttributeName: attribute as string,
    AttributeType: 'S',
  }));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes,
        KeySchema: keySchema(definition.partitionKey, definition.sortKey),
        ...(definition.globalSecondaryIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
                IndexName: index.indexName,
                KeySchema: keySchema(index.partitionKey, index.sortKey),
                Projection: { ProjectionType: 'ALL' },
              })),
            }
          : {}),
      }),
    );
    if (timeToLive && definition.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await client.send(new DescribeTableCommand({ TableName: name }));
}

function keySchema(partitionKey: string, sortKey: string | undefined) {
  return [
    { AttributeName: partitionKey, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
  ];
}
