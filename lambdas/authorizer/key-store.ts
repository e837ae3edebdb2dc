import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/** The authorizer's only data access: one strongly consistent GetItem on ApiKeys. */
export function keyItemReader(client: DynamoDBDocumentClient, tableName: string) {
  return async (keyId: string): Promise<Record<string, unknown> | undefined> => {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: { keyId }, ConsistentRead: true }),
    );
    return Item;
  };
}
