/**
 * DynamoDB's JSON wire format → the AttributeValue shape lambdas/core/attribute-values.ts reads.
 * They are the same JSON except for binary values, which the wire carries as base64 text (`B`, `BS`)
 * and the reader expects as bytes. Total: a value of a shape it does not know is passed on for
 * fromAttributeValue to mark unreadable, never thrown on (a throw would read as a store failure).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** The `Item` of a GetItem answer body, or undefined when there is none. Throws on a body that is not one. */
export function itemOfGetItemAnswer(body: string): Record<string, AttributeValue> | undefined {
  const parsed: unknown = JSON.parse(body);
  if (!isObject(parsed)) throw new Error('GetItem answered with something other than a JSON object');
  const item = parsed.Item;
  if (item === undefined) return undefined;
  if (!isObject(item)) throw new Error('GetItem answered with an Item that is not an object');
  return fromWireMap(item);
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
