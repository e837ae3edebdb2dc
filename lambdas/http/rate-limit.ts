/**
 * Per-key rate limits: the pure part. A key with `rateLimitPerSecond` may make that many requests
 * in each calendar second (a fixed one-second window, counted in DynamoDB by
 * lambdas/http/rate-limiter.ts); a key without one costs nothing here.
 *
 * A fixed window admits up to twice the limit across a window edge (a full window just before it
 * and another just after): docs/decisions/0020-rate-limits-and-billing-caps.md.
 */

/** How long a window's counter item is kept: long enough to outlive any clock skew between Lambdas. */
export const RATE_WINDOW_TTL_SECONDS = 60;

export interface RateWindow {
  /** The window: whole seconds since the Unix epoch. */
  readonly second: number;
  /** Whole seconds until the next window opens, for `Retry-After` (at least 1). */
  readonly retryAfterSeconds: number;
  /** When DynamoDB's TTL may delete the window's item (Unix seconds). */
  readonly expiresAt: number;
}

export function rateWindowOf(now: Date): RateWindow {
  const ms = now.getTime();
  const second = Math.floor(ms / 1000);
  const untilNext = (second + 1) * 1000 - ms;
  return {
    second,
    retryAfterSeconds: Math.max(1, Math.ceil(untilNext / 1000)),
    expiresAt: second + RATE_WINDOW_TTL_SECONDS,
  };
}

/**
 * Whether a request is admitted when `countBefore` requests were already admitted in its window.
 * The counter's condition says the same thing to DynamoDB, so the decision is atomic there; a limit
 * of 0 (or an unreadable one, read as 0) admits nothing and needs no write at all.
 */
export function admits(countBefore: number, limit: number): boolean {
  return limit > 0 && countBefore < limit;
}

/** The window item's key in the Data table: one item per key and second, outside every project. */
export function rateWindowKey(keyId: string, window: RateWindow): { pk: string; sk: string } {
  return { pk: `${RATE_PARTITION_PREFIX}${keyId}`, sk: String(window.second) };
}

/** The partition prefix of window items: the only Data items a read-only service may write. */
export const RATE_PARTITION_PREFIX = 'RATE#';
