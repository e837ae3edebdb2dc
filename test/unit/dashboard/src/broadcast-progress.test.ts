import { describe, expect, it } from 'vitest';
import { refreshDelay, settledCount } from '../../../../dashboard/src/broadcast-progress.js';

describe('a broadcast’s progress on the page', () => {
  it.each([
    ['draft', undefined],
    ['scheduled', 15_000],
    ['sending', 1000],
    ['sent', undefined],
    ['canceled', undefined],
    ['failed', undefined],
  ] as const)('a %s broadcast is read again after %j ms', (status, delay) => {
    expect(refreshDelay(status)).toBe(delay);
  });

  it('counts every recipient with an outcome, queued ones not', () => {
    expect(
      settledCount({ recipients: 10, sent: 3, failed: 1, suppressed: 1, unsubscribed: 1, skipped: 2 }),
    ).toBe(8);
  });
});
