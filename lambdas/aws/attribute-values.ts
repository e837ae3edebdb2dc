/**
 * DynamoDB's wire format (AttributeValue) → plain values, as a total function: whatever an operator
 * typed in the console, it returns a value and never throws. lib-dynamodb's unmarshall throws on a
 * number beyond 2^53 or with too many digits, and a throw inside the authorizer's lookup would read
 * as "the store is down" (503, retry) instead of "this item is unreadable" (fail closed, 401/403).
 *
 * Shapes match lib-dynamodb's where they are read (S → string, SS → Set, L → array, M → object), so
 * readKeyItem reads both the same way. Numbers stay text: no ApiKeys attribute the authorizer reads is
 * a number, so a number where a string belongs is simply unreadable.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A DynamoDB number (N), kept as the decimal text DynamoDB sent. */
export class DynamoNumber {
  constructor(readonly text: string) {}
}

/** An attribute of a type this reader does not know (one added to DynamoDB later). */
export class UnknownAttribute {
  constructor(readonly type: string) {}
}

export type PlainValue =
  | string
  | boolean
  | null
  | DynamoNumber
  | Uint8Array
  | UnknownAttribute
  | ReadonlySet<string>
  | ReadonlySet<DynamoNumber>
  | ReadonlySet<Uint8Array>
  | readonly PlainValue[]
  | { readonly [name: string]: PlainValue };

export function fromAttributeMap(item: Readonly<Record<string, AttributeValue>>): Record<string, PlainValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, fromAttributeValue(value)]));
}

export function fromAttributeValue(value: AttributeValue): PlainValue {
  // Each member is checked for its runtime type too: the input comes from a deserializer, not from us.
  // That includes the value itself: `{"L":[null]}` on the wire holds a null where a value belongs.
  const raw: unknown = value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return new UnknownAttribute('not a value');
  if (typeof value.S === 'string') return value.S;
  if (typeof value.N === 'string') return new DynamoNumber(value.N);
  if (typeof value.BOOL === 'boolean') return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B instanceof Uint8Array) return value.B;
  // DynamoDB stores no empty set. Should one arrive, an empty Set would read as an empty string list
  // ("any IP"), whatever its type: it is unreadable instead.
  for (const type of ['SS', 'NS', 'BS'] as const) {
    if (value[type]?.length === 0) return new UnknownAttribute(`empty ${type}`);
  }
  if (isArrayOf(value.SS, (entry) => typeof entry === 'string')) return new Set(value.SS);
  if (isArrayOf(value.NS, (entry) => typeof entry === 'string')) {
    return new Set(value.NS.map((text) => new DynamoNumber(text)));
  }
  if (isArrayOf(value.BS, (entry) => entry instanceof Uint8Array)) return new Set(value.BS);
  if (Array.isArray(value.L)) return value.L.map(fromAttributeValue);
  if (typeof value.M === 'object' && value.M !== null && !Array.isArray(value.M)) {
    return fromAttributeMap(value.M);
  }
  return new UnknownAttribute(Object.keys(value).join(',') || 'none');
}

function isArrayOf<T>(
  value: readonly unknown[] | undefined,
  test: (entry: unknown) => boolean,
): value is T[] {
  return Array.isArray(value) && value.every(test);
}
