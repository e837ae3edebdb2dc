import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  DynamoNumber,
  fromAttributeMap,
  fromAttributeValue,
  UnknownAttribute,
} from '../../../../lambdas/aws/attribute-values.js';

describe('fromAttributeValue: the shapes readKeyItem reads, as lib-dynamodb gives them', () => {
  it.each<[string, AttributeValue, unknown]>([
    ['S', { S: 'x' }, 'x'],
    ['empty S', { S: '' }, ''],
    ['BOOL', { BOOL: false }, false],
    ['NULL', { NULL: true }, null],
    ['B', { B: new Uint8Array([1]) }, new Uint8Array([1])],
    ['SS', { SS: ['a', 'b'] }, new Set(['a', 'b'])],
    ['L', { L: [{ S: 'a' }, { L: [] }] }, ['a', []]],
    ['M', { M: { a: { S: 'b' } } }, { a: 'b' }],
  ])('%s', (_type, value, expected) => {
    expect(fromAttributeValue(value)).toEqual(expected);
  });
});

describe('fromAttributeValue: what lib-dynamodb cannot convert is kept, never thrown on', () => {
  it.each(['90071992547409930.5', '1e400', '12345678901234567890123456789012345678'])(
    'the number %s stays its decimal text',
    (text) => {
      expect(fromAttributeValue({ N: text })).toEqual(new DynamoNumber(text));
      expect(fromAttributeValue({ NS: [text] })).toEqual(new Set([new DynamoNumber(text)]));
    },
  );

  it.each<[string, AttributeValue]>([
    ['an empty SS', { SS: [] }],
    ['an empty NS', { NS: [] }],
    ['an empty BS', { BS: [] }],
    ['a type DynamoDB may add', { $unknown: ['XS', 1] }],
    ['no type at all', {} as AttributeValue],
    ['a map given as a list', { M: [{ S: 'x' }] } as unknown as AttributeValue],
  ])('%s is an UnknownAttribute (unreadable, but present)', (_case, value) => {
    expect(fromAttributeValue(value)).toBeInstanceOf(UnknownAttribute);
  });

  it('a null or a list where a value belongs is unreadable, inside a list or a map too', () => {
    const item = { list: { L: [null] }, map: { M: { inner: null } } } as unknown as Record<
      string,
      AttributeValue
    >;
    const converted = fromAttributeMap(item);
    expect((converted.list as unknown[])[0]).toBeInstanceOf(UnknownAttribute);
    expect((converted.map as Record<string, unknown>).inner).toBeInstanceOf(UnknownAttribute);
  });

  it('a map named like Object.prototype members stays plain data', () => {
    const converted = fromAttributeMap({
      revokedAt: { M: { toString: { S: 'x' }, ['__proto__']: { S: 'y' } } },
    });
    expect(Object.getPrototypeOf(converted.revokedAt)).toBe(Object.prototype);
    expect(Object.keys(converted.revokedAt ?? {})).toEqual(['toString', '__proto__']);
  });
});
