/**
 * The services' clients, built with the bounds in lambdas/call-bounds.ts. The Lambda entry points of
 * the services and the local stack (`npm start`, the tests) build their clients here. Everything on
 * the request path — DynamoDB, SES, SMS and WhatsApp — goes through scopegate's own SDK-free clients
 * (lambdas/dynamo, lambdas/aws-wire), as the authorizer's GetItem does. SQS, for the delivery
 * pipeline only, keeps the AWS SDK in lambdas/sqs-client.ts, so no service bundle carries it.
 */
import { DYNAMODB_BOUNDS, MESSAGING_BOUNDS, SES_BOUNDS } from './call-bounds.js';
import {
  createSesClient as createSesWireClient,
  SES_ADDRESS,
  type SesClient,
} from './aws-wire/ses-client.js';
import {
  createSmsClient as createSmsWireClient,
  SMS_ADDRESS,
  type SmsClient,
} from './aws-wire/sms-client.js';
import {
  createSocialMessagingClient as createSocialMessagingWireClient,
  SOCIAL_MESSAGING_ADDRESS,
  type SocialMessagingClient,
} from './aws-wire/social-messaging-client.js';
import { type AwsTarget, targetFromEnv } from './aws-wire/target.js';
import { createDynamoClient } from './dynamo/client.js';
import { createDocuments, type Documents } from './dynamo/documents.js';
import { type DynamoTarget, dynamoTargetFromEnv } from './dynamo/target.js';

/**
 * The services' DynamoDB, with DYNAMODB_BOUNDS: deployed, where and as whom Lambda's environment says
 * (AWS_REGION, the role's credentials); the local stack and the tests name DynamoDB Local.
 */
export function createDocumentClient(target: DynamoTarget = dynamoTargetFromEnv()): Documents {
  return createDocuments(createDynamoClient({ ...target, bounds: DYNAMODB_BOUNDS }));
}

/**
 * SES v2 (SendEmail, the identity calls) with SES_BOUNDS: deployed, where and as whom Lambda's
 * environment says (AWS_ENDPOINT_URL_SESV2 overrides the endpoint, as it did for the SDK's client);
 * the local stack and the tests name the local SES.
 */
export function createSesClient(target: AwsTarget = targetFromEnv(SES_ADDRESS)): SesClient {
  return createSesWireClient(target, SES_BOUNDS);
}

/** End User Messaging SMS (SendTextMessage), with MESSAGING_BOUNDS. */
export function createSmsClient(target: AwsTarget = targetFromEnv(SMS_ADDRESS)): SmsClient {
  return createSmsWireClient(target, MESSAGING_BOUNDS);
}

/** End User Messaging Social (SendWhatsAppMessage), with MESSAGING_BOUNDS. */
export function createSocialMessagingClient(
  target: AwsTarget = targetFromEnv(SOCIAL_MESSAGING_ADDRESS),
): SocialMessagingClient {
  return createSocialMessagingWireClient(target, MESSAGING_BOUNDS);
}
