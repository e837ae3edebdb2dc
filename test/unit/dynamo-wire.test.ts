import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromAttributeMap } from '../../lambdas/core/attribute-values.js';
import { toWireJson } from '../../lambdas/aws-wire/json.js';
import { wireMapAt } from '../../lambdas/dynamo/wire.js';

describe('wireMapAt: DynamoDB JSON → the AttributeValue shape the readers take', () => {
  it('decodes base64 binaries (B, BS), also inside lists and maps, and keeps every other type', () => {
    const item = JSON.parse(
      JSON.stringify({
        keyId: { S: 'abc' },
        n: { N: '1e400' },
        flag: { BOOL: true },
        none: { NULL: true },
        b: { B: 'AQL/' },
        bs: { BS: ['AA==', '/w=='] },
        ss: { SS: ['a', 'b'] },
        list: { L: [{ B: 'AQ==' }, { S: 'x' }] },
        map: { M: { inner: { B: 'Ag==' } } },
      }),
    ) as unknown;
    expect(wireMapAt(item, 'an Item')).toEqual({
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

  it('absent → undefined', () => {
    expect(wireMapAt(undefined, 'an Item')).toBeUndefined();
  });

  it.each([
    ['a string', 'x'],
    ['a list', []],
    ['null', null],
    ['a number', 7],
  ])('an Item that is %s throws (a store fault, answered 503)', (_case, value) => {
    expect(() => wireMapAt(value, 'an Item')).toThrow('DynamoDB answered with an Item that is not an object');
  });

  it('any JSON item, however odd its values, converts and reads without throwing (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (item) => {
        const decoded = wireMapAt(JSON.parse(JSON.stringify(item)), 'an Item');
        expect(decoded).toBeDefined();
        expect(() => fromAttributeMap(decoded ?? {})).not.toThrow();
      }),
    );
  });
});

describe('toWireJson: a request as DynamoDB JSON', () => {
  it('writes bytes of every kind marshall accepts as base64, wherever they are', () => {
    const request = {
      Item: {
        u8: { B: new Uint8Array([1, 2, 255]) },
        buffer: { B: Buffer.from([0, 1]) },
        slice: { B: new Uint8Array([9, 1, 2, 9]).subarray(1, 3) },
        arrayBuffer: { B: new Uint8Array([7]).buffer },
        view: { B: new DataView(new Uint8Array([5, 6]).buffer) },
        set: { BS: [new Uint8Array([0]), Buffer.from([255])] },
        nested: { M: { inner: { L: [{ B: new Uint8Array([2]) }] } } },
        text: { S: 'AQL/' },
      },
    };
    expect(JSON.parse(toWireJson(request))).toEqual({
      Item: {
        u8: { B: 'AQL/' },
        buffer: { B: 'AAE=' },
        slice: { B: 'AQI=' },
        arrayBuffer: { B: 'Bw==' },
        view: { B: 'BQY=' },
        set: { BS: ['AA==', '/w=='] },
        nested: { M: { inner: { L: [{ B: 'Ag==' }] } } },
        text: { S: 'AQL/' },
      },
    });
  });

  it('round-trips binaries through wireMapAt', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        const wire = JSON.parse(toWireJson({ b: { B: bytes } })) as unknown;
        expect(wireMapAt(wire, 'an Item')).toEqual({ b: { B: bytes } });
      }),
    );
  });
});
