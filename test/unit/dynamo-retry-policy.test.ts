import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AttemptFailure,
  RETRY_DELAY_BASE_MS,
  retryDelayMs,
  THROTTLING_RETRY_DELAY_BASE_MS,
} from '../../lambdas/aws-wire/retry-policy.js';

const half = () => 0.5;

describe("retryDelayMs: what scopegate's DynamoDB client retries, as the SDK standard mode would", () => {
  it.each<[string, AttemptFailure, number | undefined]>([
    ['ProvisionedThroughputExceededException', status(400, 'ProvisionedThroughputExceededException'), 250],
    ['ThrottlingException', status(400, 'ThrottlingException'), 250],
    ['RequestLimitExceeded', status(400, 'RequestLimitExceeded'), 250],
    ['a throttle answered with 500', status(500, 'ThrottlingException'), 250],
    ['InternalServerError (500)', status(500, 'InternalServerError'), 50],
    ['a 503 without a type', status(503, undefined), 50],
    ['a timeout', { kind: 'timeout' }, 50],
    ['ECONNRESET', { kind: 'network', code: 'ECONNRESET' }, 50],
    ['ECONNREFUSED', { kind: 'network', code: 'ECONNREFUSED' }, 50],
    ['EPIPE', { kind: 'network', code: 'EPIPE' }, 50],
    ['AccessDeniedException', status(400, 'AccessDeniedException'), undefined],
    ['ResourceNotFoundException', status(400, 'ResourceNotFoundException'), undefined],
    ['ValidationException', status(400, 'ValidationException'), undefined],
    ['a 403 without a type', status(403, undefined), undefined],
    ['a 200 that could not be read', status(200, undefined), undefined],
    ['a name-resolution failure (ENOTFOUND)', { kind: 'network', code: 'ENOTFOUND' }, undefined],
    ['an error without a code (a broken answer body)', { kind: 'network', code: undefined }, undefined],
  ])('%s → %s ms with random 0.5', (_case, failure, expected) => {
    expect(retryDelayMs(failure, half)).toBe(expected);
  });

  it('the delay is full jitter: anywhere in [0, base) for any random value in [0, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (value) => {
        const throttled = retryDelayMs(status(400, 'ThrottlingException'), () => value) ?? -1;
        const transient = retryDelayMs({ kind: 'timeout' }, () => value) ?? -1;
        expect(throttled).toBeGreaterThanOrEqual(0);
        expect(throttled).toBeLessThan(THROTTLING_RETRY_DELAY_BASE_MS);
        expect(transient).toBeGreaterThanOrEqual(0);
        expect(transient).toBeLessThan(RETRY_DELAY_BASE_MS);
      }),
    );
  });
});

function status(code: number, errorType: string | undefined): AttemptFailure {
  return { kind: 'status', status: code, errorType };
}
