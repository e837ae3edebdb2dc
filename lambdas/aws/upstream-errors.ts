/**
 * Recognises a dependency (DynamoDB, SES) that did not answer or answered "not now": a timeout, a
 * dropped connection, a throttle or a server-side fault. Those are 503 `upstream_unavailable` (retry
 * later), not the 500 of a bug. Recognised by the error's shape, so no SDK class is imported (the API's error module maps it).
 */

const TRANSIENT_NAMES = new Set([
  // The SDK's per-attempt timeouts, the call deadline (lambdas/aws/sdk-client-bounds.ts) and the abort
  // it causes.
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  // Throttles that survived the SDK's retries.
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function isUpstreamUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT_NAMES.has(error.name)) return true;
  const { code, $fault } = error as { code?: unknown; $fault?: unknown };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // The SDK marks a 5xx answer as a server fault.
  return $fault === 'server';
}
