/**
 * When a failed delivery is tried again. Eight attempts in all: the first, then retries about 5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h and 24 h after each failure (about 42 hours end to end), after which
 * the delivery is `failed`. Each delay counts from the attempt that just failed, like Svix's schedule
 * that Standard Webhooks describes, so a slow receiver does not eat into the next wait.
 *
 * Jitter of ±10% spreads deliveries that failed together (a receiver's outage fails all of them in
 * the same seconds) so they do not all come back at once; it is small enough that every delay stays
 * "about" the documented one and that the schedule stays strictly increasing.
 */

export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  24 * 3_600_000,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const JITTER_RATIO = 0.1;
/** A receiver's `Retry-After` is a floor, but no receiver holds a delivery back longer than this. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;

export interface RetryOptions {
  /** A number in [0, 1), like Math.random; injected so tests can pin it. */
  readonly random: () => number;
  /** The failed response's `Retry-After`, in seconds. */
  readonly retryAfterSeconds?: number;
}

/**
 * When attempt `attempt + 1` is due, given that attempt number `attempt` (1 = the first) failed at
 * `failedAt`; `undefined` when it was the last, and the delivery is `failed`.
 */
export function nextAttemptAt(attempt: number, failedAt: Date, options: RetryOptions): Date | undefined {
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attempt}.`);
  }
  const baseDelay = RETRY_DELAYS_MS[attempt - 1];
  if (baseDelay === undefined) return undefined;
  return new Date(failedAt.getTime() + retryDelayMs(baseDelay, options));
}

function retryDelayMs(baseDelay: number, options: RetryOptions): number {
  const jittered = Math.round(baseDelay * (1 + JITTER_RATIO * (2 * unitInterval(options.random()) - 1)));
  const retryAfter = options.retryAfterSeconds;
  if (retryAfter === undefined || !Number.isFinite(retryAfter) || retryAfter <= 0) return jittered;
  return Math.max(jittered, Math.min(retryAfter, MAX_RETRY_AFTER_SECONDS) * 1000);
}

/** A misbehaving random source can never push a delay outside the jitter band. */
function unitInterval(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0.5;
}
