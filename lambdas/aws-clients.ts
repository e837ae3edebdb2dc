/**
 * The services' clients, built with the bounds in lambdas/call-bounds.ts. The Lambda entry points of
 * the services and the local stack (`npm start`, the tests) build their clients here. DynamoDB goes
 * through scopegate's own SDK-free client (lambdas/dynamo), as the authorizer's GetItem does; SES,
 * SQS, SMS and WhatsApp through the AWS SDK.
 */
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  type CallBounds,
  DeadlineExceededError,
  DYNAMODB_BOUNDS,
  MESSAGING_BOUNDS,
  SES_BOUNDS,
} from './call-bounds.js';
import { createDynamoClient } from './dynamo/client.js';
import { createDocuments, type Documents } from './dynamo/documents.js';
import { type DynamoTarget, dynamoTargetFromEnv } from './dynamo/target.js';

export { type CallBounds, DeadlineExceededError, DYNAMODB_BOUNDS, MESSAGING_BOUNDS, SES_BOUNDS };

/**
 * The services' DynamoDB, with DYNAMODB_BOUNDS: deployed, where and as whom Lambda's environment says
 * (AWS_REGION, the role's credentials); the local stack and the tests name DynamoDB Local.
 */
export function createDocumentClient(target: DynamoTarget = dynamoTargetFromEnv()): Documents {
  return createDocuments(createDynamoClient({ ...target, bounds: DYNAMODB_BOUNDS }));
}

/**
 * SQS, for the delivery pipeline (off the request path): a send is cheap to repeat, since a job
 * delivered twice carries the same `webhook-id`, so the SDK may retry it.
 */
export const SQS_BOUNDS: CallBounds = {
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 3000,
  maxAttempts: 3,
  deadlineMs: 8000,
};

/** What only the local stack and tests set; deployed, the SDK reads region and credentials itself. */
export type ClientOverrides = Pick<SESv2ClientConfig, 'endpoint' | 'region' | 'credentials'>;

export function createSesClient(overrides: ClientOverrides = {}): SESv2Client {
  const client = new SESv2Client({ ...overrides, ...clientBounds(SES_BOUNDS) });
  addDeadline(client, SES_BOUNDS.deadlineMs);
  return client;
}

export function createSqsClient(overrides: ClientOverrides = {}): SQSClient {
  const client = new SQSClient({ ...overrides, ...clientBounds(SQS_BOUNDS) });
  client.middlewareStack.add(deadlineMiddleware(SQS_BOUNDS.deadlineMs), DEADLINE_STEP);
  return client;
}

/** End User Messaging SMS (SendTextMessage). */
export function createSmsClient(overrides: ClientOverrides = {}): PinpointSMSVoiceV2Client {
  const client = new PinpointSMSVoiceV2Client({ ...overrides, ...clientBounds(MESSAGING_BOUNDS) });
  client.middlewareStack.add(deadlineMiddleware(MESSAGING_BOUNDS.deadlineMs), DEADLINE_STEP);
  return client;
}

/** End User Messaging Social (SendWhatsAppMessage). */
export function createSocialMessagingClient(overrides: ClientOverrides = {}): SocialMessagingClient {
  const client = new SocialMessagingClient({ ...overrides, ...clientBounds(MESSAGING_BOUNDS) });
  client.middlewareStack.add(deadlineMiddleware(MESSAGING_BOUNDS.deadlineMs), DEADLINE_STEP);
  return client;
}

function clientBounds(bounds: CallBounds) {
  return {
    maxAttempts: bounds.maxAttempts,
    requestHandler: {
      connectionTimeout: bounds.connectionTimeoutMs,
      requestTimeout: bounds.requestTimeoutMs,
      // Without it the SDK only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
      // requestTimeout stops at the response headers; a body that stalls after them is bounded here.
      socketTimeout: bounds.requestTimeoutMs,
    },
  };
}

/**
 * Races every call against its deadline. The SDK only cancels through an AbortSignal handed to each
 * `send`, which the callers would have to remember; this holds for every command. An attempt still
 * in flight when the deadline passes is ended by its own per-attempt timeouts.
 */
function addDeadline(client: SESv2Client, deadlineMs: number): void {
  client.middlewareStack.add(deadlineMiddleware(deadlineMs), DEADLINE_STEP);
}

const DEADLINE_STEP = { step: 'initialize', name: 'scopegateCallDeadline', priority: 'high' } as const;

function deadlineMiddleware(deadlineMs: number) {
  return <A, R>(next: (args: A) => Promise<R>) =>
    (args: A): Promise<R> => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new DeadlineExceededError(deadlineMs)), deadlineMs);
      });
      return Promise.race([next(args), deadline]).finally(() => clearTimeout(timer));
    };
}
