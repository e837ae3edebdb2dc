/**
 * The services' AWS SDK v3 clients, each built once (at module scope in the Lambda entry points) with
 * the bounds in lambdas/aws/call-bounds.ts through lambdas/aws/sdk-client-bounds.ts. Deployed, the SDK reads
 * region, endpoint overrides and the role's credentials from Lambda's environment; the local stack
 * and the tests pass ClientOverrides naming the local stand-ins. SQS (the delivery pipeline) is built
 * in lambdas/aws/sqs-client.ts, API Gateway (the cache flusher) in lambdas/cache-flush/stage-cache.ts,
 * the authorizer's low-level DynamoDB client in lambdas/aws/dynamodb-client.ts.
 * The SDK packages are side-effect free, so a bundle carries only the clients its entry point uses.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type CallBounds, DYNAMODB_BOUNDS, MESSAGING_BOUNDS, SES_BOUNDS } from './call-bounds.js';
import { type ClientOverrides, sdkClientBounds, withDeadline } from './sdk-client-bounds.js';

/** What the services hold for DynamoDB: lib-dynamodb's DocumentClient (native values in and out). */
export type Documents = DynamoDBDocumentClient;

/**
 * The services' DynamoDB: a DocumentClient over createDynamoClient. A member that is undefined is left
 * out of an item rather than refused; numbers that do not fit a JavaScript number are refused.
 */
export function createDocumentClient(
  overrides: ClientOverrides = {},
  bounds: CallBounds = DYNAMODB_BOUNDS,
): Documents {
  const dynamo = new DynamoDBClient({ ...overrides, ...sdkClientBounds(bounds) });
  const documents = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  // The DocumentClient's own destroy() leaves the DynamoDBClient (and its sockets) alone.
  Object.assign(documents, { destroy: () => dynamo.destroy() });
  return withDeadline(documents, bounds);
}

/**
 * SES v2 (SendEmail, the identity calls of the domains service), with SES_BOUNDS: one attempt, since
 * SendEmail has no idempotency token and a retried send could deliver the email twice.
 */
export function createSesClient(overrides: ClientOverrides = {}, bounds = SES_BOUNDS): SESv2Client {
  return withDeadline(new SESv2Client({ ...overrides, ...sdkClientBounds(bounds) }), bounds);
}

/** End User Messaging SMS (SendTextMessage), with MESSAGING_BOUNDS: one attempt, as for SES. */
export function createSmsClient(
  overrides: ClientOverrides = {},
  bounds = MESSAGING_BOUNDS,
): PinpointSMSVoiceV2Client {
  return withDeadline(new PinpointSMSVoiceV2Client({ ...overrides, ...sdkClientBounds(bounds) }), bounds);
}

/** End User Messaging Social (SendWhatsAppMessage), with MESSAGING_BOUNDS. */
export function createSocialMessagingClient(
  overrides: ClientOverrides = {},
  bounds = MESSAGING_BOUNDS,
): SocialMessagingClient {
  return withDeadline(new SocialMessagingClient({ ...overrides, ...sdkClientBounds(bounds) }), bounds);
}
