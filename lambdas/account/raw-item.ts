/**
 * DynamoDB's raw AttributeValues → plain values, without ever throwing. lib-dynamodb's unmarshall
 * throws on a number JavaScript cannot hold (e.g. `expiresAt` typed in the console as a 25-digit N);
 * in a list of keys, one such item would hide every other key, and the operator could not even revoke
 * the broken one. Here a value that cannot be read exactly becomes an `UnreadableValue` (never a
 * string, so it can never pass for a key's hash, id or timestamp) and its attribute is named.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type RawItem = Record<string, AttributeValue>;

/**
 * Stands in for a value that has no exact plain form: readers that want a string see an object and
 * fail closed, while `String()` and JSON still show what is stored, to find it in the console.
 */
export class UnreadableValue {
  constructor(readonly stored: string) {}

  toString(): string {
    return this.stored;
  }

  toJSON(): string {
    return this.stored;
  }
}

export interface PlainItem {
  readonly item: Record<string, unknown>;
  /** One line per attribute holding a value that could not be read, e.g. `expiresAt: a number …`. */
  readonly unreadable: readonly string[];
}

export function plainItem(raw: RawItem): PlainItem {
  const unreadable: string[] = [];
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const problems: string[] = [];
    item[name] = plainValue(value, problems);
    // One line per attribute is enough to find it in the console.
    if (problems[0] !== undefined) unreadable.push(`${name}: ${problems[0]}`);
  }
  return { item, unreadable };
}

function plainValue(value: AttributeValue, problems: string[]): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return plainNumber(value.N, problems);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return value.B;
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map((number) => plainNumber(number, problems)));
  if (value.BS !== undefined) return new Set(value.BS);
  if (value.L !== undefined) return value.L.map((entry) => plainValue(entry, problems));
  if (value.M !== undefined) {
    return Object.fromEntries(
      Object.entries(value.M).map(([key, entry]) => [key, plainValue(entry, problems)]),
    );
  }
  problems.push('a value of a type this version does not know');
  return new UnreadableValue('(unknown type)');
}

/**
 * A JavaScript number within ±2^53 (what lib-dynamodb also reads as a number); beyond that, the
 * stored digits cannot all be kept, so the value is unreadable rather than silently rounded.
 */
function plainNumber(text: string, problems: string[]): number | UnreadableValue {
  const number = Number(text);
  if (Number.isFinite(number) && Math.abs(number) <= Number.MAX_SAFE_INTEGER) return number;
  // The digits are not repeated: the attribute might be one that must never be echoed (keyHash).
  problems.push('a number beyond what JavaScript reads exactly (±2^53)');
  return new UnreadableValue(shorten(text));
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
