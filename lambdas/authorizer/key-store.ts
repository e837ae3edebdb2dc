import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { fromAttributeMap, type PlainValue } from '../aws/attribute-values.js';

/**
 * The authorizer's only data access: one strongly consistent GetItem on ApiKeys (IAM allows nothing
 * else), read as raw AttributeValues: converting the item is ours and cannot throw, so only a
 * failure of DynamoDB itself rejects (→ 503), never an odd value in the item (→ fail closed).
 */
export function keyItemReader(dynamo: DynamoDBClient, tableName: string) {
  return async (keyId: string): Promise<Record<string, PlainValue> | undefined> => {
    const { Item } = await dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: { keyId: { S: keyId } }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : fromAttributeMap(Item);
  };
}
