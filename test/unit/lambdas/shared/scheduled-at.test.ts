/** `scheduled_at`: the two shapes, calendar validity, offsets, and the 1 minute – 30 days bounds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isScheduledAtShape,
  MAX_LEAD_MS,
  MIN_LEAD_MS,
  parseScheduledAt,
} from '../../../../lambdas/shared/scheduled-at.js';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const at = (text: string) => {
  const reading = parseScheduledAt(text, NOW);
  return reading.ok ? reading.at.toISOString() : reading.message;
};

describe('parseScheduledAt', () => {
  it.each([
    ['2026-12-07T10:30:00Z', '2026-12-07T10:30:00.000Z'],
    ['2026-12-07T11:30:00+01:00', '2026-12-07T10:30:00.000Z'],
    ['2026-12-07T05:30-05:00', '2026-12-07T10:30:00.000Z'],
    ['2026-12-07T10:30:00.123456z', '2026-12-07T10:30:00.123Z'],
    ['2026-12-08T00:15:00+14:00', '2026-12-07T10:15:00.000Z'],
    ['in 1 minute', '2026-12-07T10:01:00.000Z'],
    ['in 5 minutes', '2026-12-07T10:05:00.000Z'],
    ['IN 2 Hours', '2026-12-07T12:00:00.000Z'],
    ['  in 30 days ', '2027-01-06T10:00:00.000Z'],
  ])('reads %j as %s', (text, expected) => {
    expect(at(text)).toBe(expected);
  });

  it.each([
    ['2026-12-07T10:30:00', 'offset'],
    ['2026-12-07 10:30:00Z', 'offset'],
    ['2026-02-30T10:30:00Z', 'offset'],
    ['2026-12-07T24:00:00Z', 'offset'],
    ['2026-12-07T10:30:00+24:00', 'offset'],
    ['in 0.5 hours', 'offset'],
    ['in -5 minutes', 'offset'],
    ['tomorrow', 'offset'],
    ['1765103400', 'offset'],
  ])('refuses %j by its shape', (text, word) => {
    expect(at(text)).toContain(word);
    expect(isScheduledAtShape(text)).toBe(false);
  });

  it.each([
    ['in 0 minutes', 'at least 1 minute'],
    ['2026-12-07T10:00:59Z', 'at least 1 minute'],
    ['2026-12-07T09:00:00Z', 'at least 1 minute'],
    ['in 31 days', 'at most 30 days'],
    ['in 721 hours', 'at most 30 days'],
    ['2027-01-06T10:00:00.001Z', 'at most 30 days'],
  ])('refuses %j as out of bounds', (text, message) => {
    expect(at(text)).toContain(message);
  });

  it('accepts any instant from 1 minute to 30 days ahead, written with any offset, as that instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_LEAD_MS / 1000, max: MAX_LEAD_MS / 1000 }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (leadSeconds, offsetMinutes) => {
          const instant = new Date(NOW.getTime() + leadSeconds * 1000);
          const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const reading = parseScheduledAt(`${local}${zone}`, NOW);
          expect(reading.ok && reading.at.getTime()).toBe(instant.getTime());
        },
      ),
    );
  });

  it('holds every relative form to its bounds exactly', () => {
    const units = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000 }),
        fc.constantFrom('minute', 'hour', 'day' as const),
        fc.boolean(),
        (n, unit, plural) => {
          const reading = parseScheduledAt(`in ${n} ${unit}${plural ? 's' : ''}`, NOW);
          const lead = n * units[unit];
          expect(reading.ok).toBe(lead >= MIN_LEAD_MS && lead <= MAX_LEAD_MS);
          if (reading.ok) expect(reading.at.getTime() - NOW.getTime()).toBe(lead);
        },
      ),
    );
  });

  it('never throws, and accepts nothing outside the bounds, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const reading = parseScheduledAt(text, NOW);
        if (reading.ok) {
          const lead = reading.at.getTime() - NOW.getTime();
          expect(lead >= MIN_LEAD_MS && lead <= MAX_LEAD_MS).toBe(true);
        }
      }),
    );
  });
});
