/**
 * The baseline the Lambdas' bundles are compared with: the smallest useful DynamoDB Lambda, a
 * DocumentClient at module scope and one GetCommand per invocation. Bundled by the benchmark only.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: { readonly id: string }): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: process.env.API_KEYS_TABLE, Key: { keyId: event.id } }),
  );
  return Item;
}
