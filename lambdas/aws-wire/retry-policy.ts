/**
 * Which failed attempts of an AWS call are worth another one, and how long to wait first: the rules
 * of the AWS SDK's standard retry mode, which every Lambda used before scopegate had its own clients
 * (lambdas/aws-wire/signed-client.ts). Pure, so every row is tested without a network. SES and End
 * User Messaging get one attempt (their bounds), so only DynamoDB is ever retried.
 */

/** How an attempt failed, as the transport saw it. */
export type AttemptFailure =
  /** The service answered with an error status; `errorType` is its error type (the SDK's `name`). */
  | { readonly kind: 'status'; readonly status: number; readonly errorType: string | undefined }
  /** The connect or the attempt timer ran out. */
  | { readonly kind: 'timeout' }
  /** The connection failed (reset, refused, closed mid-answer); `code` is Node's error code. */
  | { readonly kind: 'network'; readonly code: string | undefined };

/** Throttling error types (the SDK's THROTTLING_ERROR_CODES that scopegate's services can answer). */
const THROTTLING_TYPES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'Throttling',
]);

/** Connection failures the SDK also treats as transient (NODEJS_TIMEOUT_ERROR_CODES and resets). */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** The SDK's backoff bases: full jitter up to 100 ms, or up to 500 ms after a throttle. */
export const RETRY_DELAY_BASE_MS = 100;
export const THROTTLING_RETRY_DELAY_BASE_MS = 500;

/**
 * Milliseconds to wait before the next attempt, or undefined when the failure is final: a 4xx that
 * is not a throttle (access denied, table gone, a bad request) would fail the same way again.
 * `random` is Math.random in production, fixed in tests.
 */
export function retryDelayMs(failure: AttemptFailure, random: () => number): number | undefined {
  if (failure.kind === 'status') {
    if (failure.errorType !== undefined && THROTTLING_TYPES.has(failure.errorType)) {
      return Math.floor(random() * THROTTLING_RETRY_DELAY_BASE_MS);
    }
    return failure.status >= 500 ? Math.floor(random() * RETRY_DELAY_BASE_MS) : undefined;
  }
  if (
    failure.kind === 'network' &&
    (failure.code === undefined || !TRANSIENT_NETWORK_CODES.has(failure.code))
  ) {
    return undefined;
  }
  return Math.floor(random() * RETRY_DELAY_BASE_MS);
}
