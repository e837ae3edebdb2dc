import { fromAttributeMap, type PlainValue } from '../core/attribute-values.js';
import type { GetItemClient } from './get-item-client.js';

/**
 * The authorizer's only data access: one strongly consistent GetItem on ApiKeys (IAM allows nothing
 * else), read as raw AttributeValues: converting the item is ours and cannot throw, so only a
 * failure of DynamoDB itself rejects (→ 503), never an odd value in the item (→ fail closed).
 */
export function keyItemReader(client: GetItemClient, tableName: string) {
  return async (keyId: string): Promise<Record<string, PlainValue> | undefined> => {
    const { Item } = await client.getItem({
      TableName: tableName,
      Key: { keyId: { S: keyId } },
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : fromAttributeMap(Item);
  };
}
