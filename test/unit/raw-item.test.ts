import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainItem, UnreadableValue } from '../../lambdas/account/raw-item.js';

describe('plainItem', () => {
  it('reads every DynamoDB type as the document client would', () => {
    const bytes = new Uint8Array([1, 2]);
    const { item, unreadable } = plainItem({
      s: { S: 'text' },
      n: { N: '42' },
      decimal: { N: '-1.5' },
      bool: { BOOL: true },
      nil: { NULL: true },
      b: { B: bytes },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2'] },
      l: { L: [{ S: 'x' }, { N: '3' }] },
      m: { M: { inner: { S: 'y' } } },
    });
    expect(unreadable).toEqual([]);
    expect(item).toEqual({
      s: 'text',
      n: 42,
      decimal: -1.5,
      bool: true,
      nil: null,
      b: bytes,
      ss: new Set(['a', 'b']),
      ns: new Set([1, 2]),
      l: ['x', 3],
      m: { inner: 'y' },
    });
  });

  it.each([
    ['an integer beyond 2^53', '9007199254740993'],
    ['a large decimal', '12345678901234567890.5'],
    ['an exponent JavaScript cannot hold', '1E+400'],
  ])('names the attribute holding %s, and gives a non-string stand-in', (_case, digits) => {
    const { item, unreadable } = plainItem({ expiresAt: { N: digits }, keyId: { S: 'id' } });
    expect(unreadable).toEqual(['expiresAt: a number beyond what JavaScript reads exactly (±2^53)']);
    expect(item.expiresAt).toBeInstanceOf(UnreadableValue);
    expect(typeof item.expiresAt).not.toBe('string');
    expect(String(item.expiresAt)).toBe(digits);
    expect(item.keyId).toBe('id');
  });

  it('finds an unreadable number nested in a list, a map or a number set', () => {
    const huge = '123456789012345678901234567890';
    const { unreadable } = plainItem({
      scopes: { L: [{ S: 'emails:send' }, { N: huge }] },
      extra: { M: { deep: { L: [{ N: huge }] } } },
      numbers: { NS: ['1', huge] },
    });
    expect(unreadable).toEqual([
      'scopes: a number beyond what JavaScript reads exactly (±2^53)',
      'extra: a number beyond what JavaScript reads exactly (±2^53)',
      'numbers: a number beyond what JavaScript reads exactly (±2^53)',
    ]);
  });

  it('flags an attribute type it does not know instead of throwing', () => {
    const unknown = { $unknown: ['X', 'y'] } as unknown as AttributeValue;
    const { item, unreadable } = plainItem({ odd: unknown });
    expect(unreadable).toEqual(['odd: a value of a type this version does not know']);
    expect(item.odd).toBeInstanceOf(UnreadableValue);
  });

  it('never throws, whatever the numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 5 }), (numbers) => {
        const raw = Object.fromEntries(numbers.map((text, index) => [`a${index}`, { N: text }]));
        const { item, unreadable } = plainItem(raw);
        expect(Object.keys(item)).toHaveLength(numbers.length);
        expect(unreadable.length).toBeLessThanOrEqual(numbers.length);
      }),
    );
  });
});
