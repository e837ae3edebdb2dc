import { fromAttributeMap, type PlainValue } from '../core/attribute-values.js';
import type { Documents } from '../dynamo/documents.js';
import { GetItemCommand } from '../dynamo/item-commands.js';

/**
 * The authorizer's only data access: one strongly consistent GetItem on ApiKeys (IAM allows nothing
 * else), read as raw AttributeValues: converting the item is ours and cannot throw, so only a
 * failure of DynamoDB itself rejects (→ 503), never an odd value in the item (→ fail closed).
 */
export function keyItemReader(documents: Documents, tableName: string) {
  return async (keyId: string): Promise<Record<string, PlainValue> | undefined> => {
    const { Item } = await documents.send(
      new GetItemCommand({ TableName: tableName, Key: { keyId: { S: keyId } }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : fromAttributeMap(Item);
  };
}
