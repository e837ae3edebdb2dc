import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemOfGetItemAnswer } from '../../lambdas/authorizer/wire-item.js';
import { fromAttributeMap } from '../../lambdas/core/attribute-values.js';

describe('itemOfGetItemAnswer: DynamoDB JSON → the AttributeValue shape the reader takes', () => {
  it('decodes base64 binaries (B, BS), also inside lists and maps, and keeps every other type', () => {
    const body = JSON.stringify({
      Item: {
        keyId: { S: 'abc' },
        n: { N: '1e400' },
        flag: { BOOL: true },
        none: { NULL: true },
        b: { B: 'AQL/' },
        bs: { BS: ['AA==', '/w=='] },
        ss: { SS: ['a', 'b'] },
        list: { L: [{ B: 'AQ==' }, { S: 'x' }] },
        map: { M: { inner: { B: 'Ag==' } } },
      },
    });
    expect(itemOfGetItemAnswer(body)).toEqual({
      keyId: { S: 'abc' },
      n: { N: '1e400' },
      flag: { BOOL: true },
      none: { NULL: true },
      b: { B: new Uint8Array([1, 2, 255]) },
      bs: { BS: [new Uint8Array([0]), new Uint8Array([255])] },
      ss: { SS: ['a', 'b'] },
      list: { L: [{ B: new Uint8Array([1]) }, { S: 'x' }] },
      map: { M: { inner: { B: new Uint8Array([2]) } } },
    });
  });

  it.each([
    ['no Item (an unknown key)', '{}'],
    ['no Item, with consumed capacity', '{"ConsumedCapacity":{"TableName":"ApiKeys"}}'],
  ])('%s → undefined', (_case, body) => {
    expect(itemOfGetItemAnswer(body)).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"Item":'],
    ['a JSON array', '[]'],
    ['an Item that is a string', '{"Item":"x"}'],
    ['an Item that is a list', '{"Item":[]}'],
    ['null', 'null'],
  ])('a body that is %s throws (a store fault, answered 503)', (_case, body) => {
    expect(() => itemOfGetItemAnswer(body)).toThrow();
  });

  it('any JSON item, however odd its values, converts and reads without throwing (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (item) => {
        const decoded = itemOfGetItemAnswer(JSON.stringify({ Item: item }));
        expect(decoded).toBeDefined();
        expect(() => fromAttributeMap(decoded ?? {})).not.toThrow();
      }),
    );
  });
});
