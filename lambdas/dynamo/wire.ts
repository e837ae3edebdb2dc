/**
 * DynamoDB's JSON wire format ↔ the SDK's AttributeValue shape (which lambdas/core/attribute-values.ts
 * and @aws-sdk/util-dynamodb read). They are the same JSON except for binary values, which the wire
 * carries as base64 text (`B`, `BS`) and the SDK's shape holds as bytes. Reading is total: a value of
 * a shape it does not know is passed on for the reader to mark unreadable, never thrown on (in the
 * authorizer a throw would read as a store failure).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isObject } from '../aws-wire/json.js';

export { isObject } from '../aws-wire/json.js';

/**
 * The attribute map at `value` in an answer (an Item, a key): undefined when absent; throws when it
 * is there but not an object, which only a broken answer can hold.
 */
export function wireMapAt(value: unknown, what: string): Record<string, AttributeValue> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new Error(`DynamoDB answered with ${what} that is not an object`);
  return fromWireMap(value);
}

export function fromWireMap(map: Readonly<Record<string, unknown>>): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(map)) result[name] = fromWireValue(value);
  return result;
}

export function fromWireValue(value: unknown): AttributeValue {
  // Not an object at all: an empty value, which fromAttributeValue reads as unreadable.
  if (!isObject(value)) return {} as AttributeValue;
  if (typeof value.B === 'string') return { B: decodeBase64(value.B) };
  if (Array.isArray(value.BS) && value.BS.every((entry) => typeof entry === 'string')) {
    return { BS: value.BS.map(decodeBase64) };
  }
  if (Array.isArray(value.L)) return { L: value.L.map(fromWireValue) };
  if (isObject(value.M)) return { M: fromWireMap(value.M) };
  // S, N, BOOL, NULL, SS, NS and anything unknown are already in the reader's shape, and
  // fromAttributeValue checks every member's runtime type before it trusts it.
  return value as unknown as AttributeValue;
}

function decodeBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}
