/**
 * How a failed AWS call looks to its caller. Errors keep the AWS SDK's shape, because the code
 * recognises them by shape, not class (lambdas/core/upstream-errors.ts, the senders' and the domains
 * service's error mappers): `name` is the service's error type, `$fault` says whose fault and
 * `$metadata.httpStatusCode` the status.
 */
import type { AttemptFailure } from './retry-policy.js';

/** The service answered with an error; `name` is its error type, as the SDK names its exceptions. */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string | undefined };

  constructor(status: number, type: string | undefined, message: string, requestId?: string) {
    super(message);
    this.name = type ?? `HTTP ${status}`;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

/** A connect or attempt timer ran out; named like the SDK's own timeouts. */
export class AttemptTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/** How an attempt failed, for the retry policy. */
export function failureOf(error: unknown): AttemptFailure {
  if (error instanceof AwsServiceError) {
    return { kind: 'status', status: error.$metadata.httpStatusCode, errorType: error.name };
  }
  if (error instanceof AttemptTimeoutError) return { kind: 'timeout' };
  const code =
    error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return { kind: 'network', code };
}
