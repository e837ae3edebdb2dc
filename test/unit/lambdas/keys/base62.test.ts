import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE62_ALPHABET, encodeBase62, randomBase62 } from '../../../../lambdas/keys/base62.js';
import { isIdOf, newId } from '../../../../lambdas/shared/ids.js';

/** An independent decoder, so encode is checked against arithmetic rather than against itself. */
function decodeBase62(text: string): bigint {
  let value = 0n;
  for (const char of text) {
    const digit = BASE62_ALPHABET.indexOf(char);
    if (digit < 0) throw new Error(`not base62: ${char}`);
    value = value * 62n + BigInt(digit);
  }
  return value;
}

const WIDTH = 8;
const MAX_AT_WIDTH = 62n ** BigInt(WIDTH) - 1n;

describe('encodeBase62', () => {
  it.each([
    [0, 1, '0'],
    [0, 6, '000000'],
    [61, 1, 'z'],
    [62, 2, '10'],
    [2 ** 32 - 1, 6, '4gfFC3'],
  ])('encodes %d in %d characters as %s', (value, width, expected) => {
    expect(encodeBase62(value, width)).toBe(expected);
  });

  it('round-trips every value that fits the width', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_AT_WIDTH }), (value) => {
        const encoded = encodeBase62(value, WIDTH);
        expect(encoded).toHaveLength(WIDTH);
        expect(decodeBase62(encoded)).toBe(value);
      }),
    );
  });

  it('fixed-width strings sort like the numbers they encode (ids sort by time)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MAX_AT_WIDTH }),
        fc.bigInt({ min: 0n, max: MAX_AT_WIDTH }),
        (a, b) => {
          const [left, right] = [encodeBase62(a, WIDTH), encodeBase62(b, WIDTH)];
          const byString = left < right ? -1 : left > right ? 1 : 0;
          const byNumber = a < b ? -1 : a > b ? 1 : 0;
          expect(byString).toBe(byNumber);
        },
      ),
    );
  });

  it('refuses a value that does not fit rather than widening silently', () => {
    expect(() => encodeBase62(62n ** 6n, 6)).toThrow(RangeError);
  });

  it('refuses a negative value', () => {
    expect(() => encodeBase62(-1, 6)).toThrow(RangeError);
  });
});

describe('randomBase62', () => {
  it('uses only the base62 alphabet and the requested length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), (length) => {
        expect(randomBase62(length)).toMatch(new RegExp(`^[0-9A-Za-z]{${length}}$`));
      }),
      { numRuns: 200 },
    );
  });

  it('reaches every character of the alphabet (no truncated range)', () => {
    const seen = new Set(randomBase62(20_000));
    expect(seen.size).toBe(62);
  });

  it('is not biased towards the low digits (the 248-byte rejection)', () => {
    // 62 000 draws: each character expects 1000; a modulo bias on 256 would give the first 8 ~25% more.
    const counts = new Map<string, number>();
    for (const char of randomBase62(62_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    const low = [...BASE62_ALPHABET.slice(0, 8)].reduce((sum, char) => sum + (counts.get(char) ?? 0), 0) / 8;
    const high = [...BASE62_ALPHABET.slice(8)].reduce((sum, char) => sum + (counts.get(char) ?? 0), 0) / 54;
    expect(low / high).toBeLessThan(1.12);
  });
});

describe('resource ids', () => {
  it('have the prefix, 8 time characters and 14 random ones', () => {
    const id = newId('em', new Date('2025-01-01T00:00:00Z'));
    expect(isIdOf('em', id)).toBe(true);
    expect(id.slice(3, 11)).toBe(encodeBase62(Date.parse('2025-01-01T00:00:00Z'), 8));
  });

  it('sort by creation time', () => {
    const earlier = newId('em', new Date('2025-01-01T00:00:00Z'));
    const later = newId('em', new Date('2025-01-01T00:00:00.001Z'));
    expect(earlier < later).toBe(true);
  });

  it.each([
    'tpl_0Vb3kQ2x7Hc1pZ9mWq4Rt8Ly',
    'em_0Vb3kQ2x7Hc1pZ9mWq4Rt8L',
    'em_0Vb3kQ2x7Hc1pZ9mWq4Rt8L!',
    'em_',
  ])('isIdOf("em") refuses %s', (value) => {
    expect(isIdOf('em', value)).toBe(false);
  });
});
