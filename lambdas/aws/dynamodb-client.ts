/**
 * DynamoDB's low-level SDK client (AttributeValues in and out), bounded like every client
 * (lambdas/aws/sdk-client-bounds.ts). Apart from lambdas/aws/aws-clients.ts because lib-dynamodb, which the
 * DocumentClient there needs, does not declare itself free of side effects, so importing that module
 * would put it in the authorizer's bundle.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type CallBounds, DYNAMODB_BOUNDS } from './call-bounds.js';
import { type ClientOverrides, sdkClientBounds, withDeadline } from './sdk-client-bounds.js';

/**
 * With DYNAMODB_BOUNDS unless the caller names others. The authorizer holds this one: it reads its
 * item as raw AttributeValues, which lambdas/aws/attribute-values.ts converts without throwing.
 */
export function createDynamoClient(
  overrides: ClientOverrides = {},
  bounds: CallBounds = DYNAMODB_BOUNDS,
): DynamoDBClient {
  return withDeadline(new DynamoDBClient({ ...overrides, ...sdkClientBounds(bounds) }), bounds);
}
