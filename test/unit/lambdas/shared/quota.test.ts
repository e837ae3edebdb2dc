import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fitsUnderCap,
  highestStartFor,
  monthOf,
  projectCounter,
  readCap,
  usageSortKey,
} from '../../../../lambdas/shared/quota.js';

describe('monthOf', () => {
  it.each([
    ['2026-11-01T00:00:00.000Z', '2026-11'],
    ['2026-11-30T23:59:59.999Z', '2026-11'],
    ['2026-12-01T00:00:00.000Z', '2026-12'],
    // The calendar month is UTC's: 23:30 on Dec 31 in New York is already January.
    ['2026-12-31T23:30:00.000-05:00', '2027-01'],
  ])('%s counts in %s', (iso, month) => {
    expect(monthOf(new Date(iso))).toBe(month);
    expect(usageSortKey(monthOf(new Date(iso)))).toBe(`USAGE#${month}`);
  });

  it('names a project counter by channel and project', () => {
    expect(projectCounter('sms', 'proj_1')).toBe('sms#proj_1');
  });
});

describe('fitsUnderCap', () => {
  it.each([
    [0, 1, undefined, true],
    [1_000_000, 100, undefined, true],
    [0, 1, 1, true],
    [1, 1, 1, false],
    [0, 1, 0, false],
    [9, 1, 10, true],
    [10, 1, 10, false],
    [5, 5, 10, true],
    [6, 5, 10, false],
    [0, 11, 10, false],
  ])('%d used + %d more under cap %s → %s', (used, count, cap, expected) => {
    expect(fitsUnderCap(used, count, cap)).toBe(expected);
  });

  it('is exactly used + count <= cap, computed without the addition DynamoDB cannot do in a condition', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.nat({ max: 1_000_000 }),
        (used, count, cap) => {
          expect(fitsUnderCap(used, count, cap)).toBe(used + count <= cap);
          const highestStart = highestStartFor(count, cap) ?? Number.POSITIVE_INFINITY;
          // The store's condition: refuse outright when negative, else `used <= highestStart`.
          expect(highestStart >= 0 && used <= highestStart).toBe(used + count <= cap);
        },
      ),
    );
  });

  it('concurrent reservations of any sizes, applied one at a time as DynamoDB does, never pass the cap', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 200 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 60 }),
        (cap, sizes) => {
          let used = 0;
          for (const count of sizes) {
            if (fitsUnderCap(used, count, cap)) used += count;
            // A refused reservation is refused only because it would have overshot.
            else expect(used + count).toBeGreaterThan(cap);
          }
          expect(used).toBeLessThanOrEqual(cap);
        },
      ),
    );
  });
});

describe('readCap', () => {
  it.each([
    ['absent: no cap', undefined, undefined, true],
    ['a number', 100, 100, true],
    ['0: nothing may be sent', 0, 0, true],
    ['a numeric string typed in the console', ' 25 ', 25, true],
    ['NULL: 0', null, 0, false],
    ['negative: 0', -5, 0, false],
    ['a fraction: 0', 2.5, 0, false],
    ['text: 0', 'lots', 0, false],
  ])('%s', (_name, value, cap, readable) => {
    expect(readCap(value)).toEqual({ cap, readable });
  });
});
