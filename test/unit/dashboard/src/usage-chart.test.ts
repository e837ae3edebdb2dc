import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { usageBars } from '../../../../dashboard/src/usage-chart.js';

describe('usage bars', () => {
  it('stacks denied on allowed and scales the busiest day to the full height', () => {
    const bars = usageBars(
      [
        { date: '2026-11-23', allowed: 6, denied: 2 },
        { date: '2026-11-24', allowed: 0, denied: 4 },
      ],
      200,
      80,
    );
    expect(bars[0]).toEqual({
      date: '2026-11-23',
      x: 10,
      width: 80,
      allowed: { y: 20, height: 60 },
      denied: { y: 0, height: 20 },
    });
    expect(bars[1]?.allowed).toEqual({ y: 80, height: 0 });
    expect(bars[1]?.denied).toEqual({ y: 40, height: 40 });
  });

  it('draws days without traffic as nothing, not as a division by zero', () => {
    const [bar] = usageBars([{ date: '2026-11-24', allowed: 0, denied: 0 }], 100, 50);
    expect([bar?.allowed.height, bar?.denied.height]).toEqual([0, 0]);
  });

  it('keeps every bar inside the box', () => {
    const day = fc.record({
      date: fc.constant('2026-11-24'),
      allowed: fc.nat(10_000),
      denied: fc.nat(10_000),
    });
    fc.assert(
      fc.property(fc.array(day, { minLength: 1, maxLength: 90 }), (days) => {
        for (const bar of usageBars(days, 600, 120)) {
          expect(bar.denied.y).toBeGreaterThanOrEqual(-1e-9);
          expect(bar.allowed.y + bar.allowed.height).toBeCloseTo(120);
          expect(bar.x + bar.width).toBeLessThanOrEqual(600 + 1e-9);
        }
      }),
    );
  });
});
