/**
 * The one place that says how long an AWS call may take. Every AWS SDK client is built from these
 * bounds by lambdas/aws/sdk-client-bounds.ts (retries, per-attempt timeouts, a deadline over the whole
 * call), so a stalled dependency is bounded identically everywhere and answers 503 instead of
 * hanging until a Lambda or API Gateway timeout. No SDK import here: pure values.
 */

export interface CallBounds {
  /** TCP (and TLS) connect, per attempt. */
  readonly connectionTimeoutMs: number;
  /** From sending the request to the response headers, per attempt; also the socket idle limit. */
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  /** The whole call, retries and backoff included: retries cannot multiply the bound. */
  readonly deadlineMs: number;
}

/**
 * DynamoDB, for the authorizer and the services alike. A strongly consistent GetItem answers in
 * milliseconds; a second attempt covers one lost connection. The deadline keeps the authorizer well
 * inside its 10 s Lambda timeout and API Gateway's 29 s integration limit.
 */
export const DYNAMODB_BOUNDS: CallBounds = {
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  maxAttempts: 2,
  deadlineMs: 3000,
};

/**
 * SES SendEmail: slower than DynamoDB, but a send that takes seconds has failed. One attempt
 * (`maxAttempts: 1` turns the SDK's retries off): SendEmail takes no idempotency token, so a send
 * that timed out may still have been accepted and an automatic retry would send the email twice;
 * the API's client retries instead, with its Idempotency-Key.
 */
export const SES_BOUNDS: CallBounds = {
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 3000,
  maxAttempts: 1,
  deadlineMs: 4000,
};

/**
 * End User Messaging SMS SendTextMessage and Social SendWhatsAppMessage: as for SES, one attempt,
 * since a send that timed out may have been accepted and a retry would send the message twice; the
 * client retries with its Idempotency-Key.
 */
export const MESSAGING_BOUNDS: CallBounds = SES_BOUNDS;

/** The error a call gets when its deadline passes; named like the SDK's own timeouts. */
export class DeadlineExceededError extends Error {
  constructor(deadlineMs: number) {
    super(`no answer within the ${deadlineMs} ms deadline`);
    this.name = 'TimeoutError';
  }
}
