/**
 * How a cache flush is retried, without AWS imports: FlushStageAuthorizersCache shares API Gateway's
 * account-wide control-plane budget (10 requests per second, burst 40, with deployments and every
 * other management call), so a throttle (429) is expected now and then and is retried with capped
 * exponential backoff and full jitter, all inside one deadline that stays below the Lambda timeout.
 * A refusal that will not change by waiting (404, 403, 400) is not retried: the stream retries the
 * batch later, and after its retries the batch lands in the failure queue.
 */

export interface FlushRetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** The backoff cap before jitter for the first retry; doubles per retry. */
  readonly baseDelayMs: number;
  /** No single wait is longer than this. */
  readonly maxDelayMs: number;
  /** No retry starts after this much time since the first attempt. */
  readonly deadlineMs: number;
}

/**
 * One flush answers within 4 s (FLUSH_CALL_BOUNDS); waits of at most 0.2, 0.4, 0.8, 1.6 and 3.2 s
 * between six attempts. No attempt starts after 20 s, so the last one ends by 24 s, inside the
 * function's 30 s timeout.
 */
export const FLUSH_RETRY_POLICY: FlushRetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 3200,
  deadlineMs: 20_000,
};

export interface FlushRetryDependencies {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** In [0, 1); Math.random deployed. */
  readonly random: () => number;
}

export type FlushOutcome = { readonly ok: true; readonly attempts: number };

/** The error thrown when every attempt failed: the last error, and how many attempts were made. */
export class FlushFailedError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
    readonly retryable: boolean,
  ) {
    super(`authorizer cache flush failed after ${attempts} attempt(s): ${errorName(lastError)}`);
    this.name = 'FlushFailedError';
  }
}

/**
 * Runs `flush` until it succeeds, a non-retryable error comes, the attempts run out, or the next
 * wait would end past the deadline.
 */
export async function flushWithRetries(
  flush: () => Promise<void>,
  deps: FlushRetryDependencies,
  policy: FlushRetryPolicy = FLUSH_RETRY_POLICY,
): Promise<FlushOutcome> {
  const started = deps.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await flush();
      return { ok: true, attempts: attempt };
    } catch (error) {
      const retryable = isRetryableFlushError(error);
      if (!retryable || attempt >= policy.maxAttempts) {
        throw new FlushFailedError(attempt, error, retryable);
      }
      const wait = backoffDelayMs(attempt, policy, deps.random());
      if (deps.now() - started + wait > policy.deadlineMs) {
        throw new FlushFailedError(attempt, error, retryable);
      }
      await deps.sleep(wait);
    }
  }
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in [0, cap). */
export function backoffDelayMs(retry: number, policy: FlushRetryPolicy, random: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(cap * Math.min(Math.max(random, 0), 1));
}

/**
 * Throttles, server errors, timeouts and lost connections may pass; anything else is a 4xx that
 * waiting will not fix. Read from the error's shape (name, `$metadata.httpStatusCode`, the SDK's
 * `$retryable`), so this module needs no SDK import.
 */
export function isRetryableFlushError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $metadata, $retryable } = error as {
    name?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $retryable?: unknown;
  };
  if ($retryable !== undefined && $retryable !== null) return true;
  const status = $metadata?.httpStatusCode;
  if (typeof status === 'number') return status === 429 || status >= 500;
  // No HTTP answer at all: a timeout or a network failure.
  return [name, code].some((value) => typeof value === 'string' && RETRYABLE_NAMES.has(value));
}

const RETRYABLE_NAMES = new Set([
  'TooManyRequestsException',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
