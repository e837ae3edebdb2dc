/**
 * Native JavaScript values ↔ AttributeValues with @aws-sdk/util-dynamodb (pure JavaScript, no SDK
 * runtime), exactly as lib-dynamodb's DocumentClient converts them: a map at a time, numbers that do
 * not fit a JavaScript number refused rather than rounded, sets as Sets, binaries as Uint8Arrays.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, type NativeAttributeValue, unmarshall } from '@aws-sdk/util-dynamodb';
import { isObject, wireMapAt } from './wire.js';

export type NativeMap = Record<string, NativeAttributeValue>;

/** As the services' DocumentClient was configured: a member that is undefined is left out. */
const MARSHALL_OPTIONS = { removeUndefinedValues: true };

export function marshalMap(map: NativeMap | undefined): Record<string, AttributeValue> | undefined {
  return map === undefined ? undefined : marshall(map, MARSHALL_OPTIONS);
}

/** An attribute map of an answer (Item, Attributes, a key) as native values; undefined when absent. */
export function unmarshalMap(value: unknown, what: string): NativeMap | undefined {
  const map = wireMapAt(value, what);
  return map === undefined ? undefined : unmarshall(map);
}

/** A list of attribute maps of an answer (Items). */
export function unmarshalMaps(value: unknown, what: string): NativeMap[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new Error(`DynamoDB answered with ${what} that is not a list`);
  return value.map((entry) => unmarshalMap(entry, what) ?? {});
}

/** `convert` applied to every value of an object of an answer (a per-table map); undefined when absent. */
export function mapValues<T>(value: unknown, what: string, convert: (entry: unknown) => T) {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new Error(`DynamoDB answered with ${what} that is not an object`);
  return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, convert(entry)]));
}
