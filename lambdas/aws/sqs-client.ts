/**
 * SQS for the webhook delivery pipeline, off the request path; kept apart from lambdas/aws/aws-clients.ts
 * so that only the Lambdas that enqueue deliveries bundle the SQS client.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { CallBounds } from './call-bounds.js';
import { type ClientOverrides, sdkClientBounds, withDeadline } from './sdk-client-bounds.js';

/**
 * SQS, for the delivery pipeline (off the request path): a send is cheap to repeat, since a job
 * delivered twice carries the same `webhook-id`, so the SDK may retry it.
 */
const SQS_BOUNDS: CallBounds = {
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 3000,
  maxAttempts: 3,
  deadlineMs: 8000,
};

export function createSqsClient(overrides: ClientOverrides = {}): SQSClient {
  return withDeadline(new SQSClient({ ...overrides, ...sdkClientBounds(SQS_BOUNDS) }), SQS_BOUNDS);
}
