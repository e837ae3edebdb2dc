/**
 * Key schemas of the two tables, shared by the CDK stack and the local stack so that both create the
 * same tables. Physical names are the deployment's business (CDK generates them).
 */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface TableDefinition {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly timeToLiveAttribute?: string;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** A DynamoDB stream of new images (deployed only; the local stack polls instead). */
  readonly streamNewImages?: boolean;
}

/** ApiKeys: one item per key, read by the authorizer with a single strongly consistent GetItem. */
export const API_KEYS_TABLE: TableDefinition = {
  partitionKey: 'keyId',
  globalSecondaryIndexes: [{ indexName: 'byProject', partitionKey: 'projectId', sortKey: 'createdAt' }],
};

/** Data: every project resource lives under `pk = PROJECT#<projectId>`, so isolation is structural. */
export const DATA_TABLE: TableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'ttl',
  globalSecondaryIndexes: [],
  // The outbox: inserted `EVENT#` items wake the webhook fan-out.
  streamNewImages: true,
};

export const projectPartition = (projectId: string): string => `PROJECT#${projectId}`;
export const teamPartition = (teamId: string): string => `TEAM#${teamId}`;
