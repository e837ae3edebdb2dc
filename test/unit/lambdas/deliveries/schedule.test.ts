import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../../lambdas/deliveries/retry-after.js';
import {
  JITTER_RATIO,
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_SECONDS,
  RETRY_DELAYS_MS,
  nextAttemptAt,
} from '../../../../lambdas/deliveries/schedule.js';

const failedAt = new Date('2025-06-01T00:00:00.000Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
/** The wait before the next attempt, in ms; undefined when there is none. */
function delayOf(attempt: number, random: number, retryAfterSeconds?: number): number | undefined {
  const next = nextAttemptAt(attempt, failedAt, { random: () => random, retryAfterSeconds });
  return next === undefined ? undefined : next.getTime() - failedAt.getTime();
}

describe('nextAttemptAt', () => {
  it.each([
    [1, 5 * S],
    [2, 5 * M],
    [3, 30 * M],
    [4, 2 * H],
    [5, 5 * H],
    [6, 10 * H],
    [7, 24 * H],
  ])('after attempt %i fails, the next comes %i ms later (no jitter at random = 0.5)', (attempt, delay) => {
    expect(delayOf(attempt, 0.5)).toBe(delay);
    expect(delayOf(attempt, 0)).toBe(Math.round(delay * 0.9));
    expect(delayOf(attempt, 0.999999)).toBeCloseTo(delay * 1.1, -3);
  });

  it('stops after the eighth attempt: the delivery is failed', () => {
    expect(MAX_ATTEMPTS).toBe(8);
    expect(nextAttemptAt(8, failedAt, { random: () => 0.5 })).toBeUndefined();
    expect(nextAttemptAt(100, failedAt, { random: () => 0.5 })).toBeUndefined();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt number %s', (attempt) => {
    expect(() => nextAttemptAt(attempt, failedAt, { random: () => 0.5 })).toThrow(RangeError);
  });

  it.each([
    ['a Retry-After longer than the delay is the floor', 1, 120, 120 * S],
    ['a Retry-After shorter than the delay changes nothing', 3, 60, 30 * M],
    ['Retry-After is capped at 24 hours', 1, 7 * 24 * 3600, 24 * H],
    ['Retry-After 0 changes nothing', 2, 0, 5 * M],
    ['a negative Retry-After is ignored', 2, -50, 5 * M],
    ['an infinite Retry-After is ignored', 2, Number.POSITIVE_INFINITY, 5 * M],
  ])('%s', (_case, attempt, retryAfterSeconds, delay) => {
    expect(delayOf(attempt, 0.5, retryAfterSeconds)).toBe(delay);
  });

  it.each([Number.NaN, -3, 7, Number.POSITIVE_INFINITY])(
    'a random source returning %s stays within the jitter band',
    (value) => {
      const delay = delayOf(4, value) ?? 0;
      expect(delay).toBeGreaterThanOrEqual(2 * H * (1 - JITTER_RATIO));
      expect(delay).toBeLessThanOrEqual(2 * H * (1 + JITTER_RATIO));
    },
  );

  const attemptWithRetry = fc.integer({ min: 1, max: RETRY_DELAYS_MS.length });
  const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  it('jitter stays within ±10% of the documented delay', () => {
    fc.assert(
      fc.property(attemptWithRetry, unit, (attempt, random) => {
        const base = RETRY_DELAYS_MS[attempt - 1] ?? 0;
        const delay = delayOf(attempt, random) ?? -1;
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - JITTER_RATIO)));
        expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + JITTER_RATIO)));
      }),
    );
  });

  it('every retry waits longer than the one before, whatever the jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: RETRY_DELAYS_MS.length - 1 }), unit, unit, (attempt, r1, r2) => {
        expect(delayOf(attempt + 1, r2) ?? 0).toBeGreaterThan(delayOf(attempt, r1) ?? 0);
      }),
    );
  });

  it('Retry-After is a floor bounded by 24 hours, and never shortens a wait', () => {
    fc.assert(
      fc.property(
        attemptWithRetry,
        unit,
        fc.integer({ min: 0, max: 10 * 24 * 3600 }),
        (attempt, random, after) => {
          const withHeader = delayOf(attempt, random, after) ?? -1;
          const without = delayOf(attempt, random) ?? -1;
          expect(withHeader).toBeGreaterThanOrEqual(without);
          expect(withHeader).toBeGreaterThanOrEqual(Math.min(after, MAX_RETRY_AFTER_SECONDS) * S);
          expect(withHeader).toBeLessThanOrEqual(Math.max(without, MAX_RETRY_AFTER_SECONDS * S));
        },
      ),
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00.000Z');

  it.each([
    ['120', 120],
    ['0', 0],
    [' 30 ', 30],
    ['Sun, 01 Jun 2025 12:02:00 GMT', 120],
    ['Sun, 01 Jun 2025 12:00:00 GMT', 0],
    ['Sun, 01 Jun 2025 11:00:00 GMT', 0], // in the past
    ['Mon, 02 Jun 2025 12:00:00 GMT', 86_400],
  ])('%j → %i seconds', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });

  it.each([
    undefined,
    '',
    '-5',
    '1.5',
    '12abc',
    'soon',
    '2025-06-01T12:02:00Z',
    'Sun, 01 Jun 2025 12:02:00 PST',
    '99999999999',
  ])('%j is ignored', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
