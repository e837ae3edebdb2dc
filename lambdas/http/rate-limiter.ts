/**
 * Holds a key to its `rateLimitPerSecond` with one conditional UpdateItem per request: ADD 1 to the
 * counter of the key's current one-second window, on the condition that it is below the limit.
 * DynamoDB applies the condition and the increment atomically, so concurrent requests of one key,
 * in any number of Lambdas, are admitted exactly `limit` times per window.
 */
import type { Documents } from '../aws/aws-clients.js';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { admits, rateWindowKey, rateWindowOf } from './rate-limit.js';

export interface RateLimitStore {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly now: () => Date;
}

export type RateDecision =
  { readonly admitted: true } | { readonly admitted: false; readonly retryAfterSeconds: number };

/**
 * Counts one request of `keyId` against `limit`. A failure of DynamoDB rejects (the frame answers
 * 503): a limit that cannot be checked is never waved through.
 */
export async function takeRateToken(
  store: RateLimitStore,
  keyId: string,
  limit: number,
): Promise<RateDecision> {
  const window = rateWindowOf(store.now());
  const refused = { admitted: false, retryAfterSeconds: window.retryAfterSeconds } as const;
  if (!admits(0, limit)) return refused;
  try {
    await store.documents.send(
      new UpdateCommand({
        TableName: store.dataTable,
        Key: rateWindowKey(keyId, window),
        UpdateExpression: 'SET #ttl = :ttl ADD #count :one',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': window.expiresAt },
      }),
    );
    return { admitted: true };
  } catch (error) {
    if (isConditionalCheckFailure(error)) return refused;
    throw error;
  }
}
