/** Plain test items → DynamoDB's wire format, for tests that mock the low-level client. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** Shaped like lib-dynamodb's marshall for what test items hold; NULL for null, nothing for undefined. */
export function toAttributeMap(item: Readonly<Record<string, unknown>>): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.entries(item)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, toAttributeValue(value)]),
  );
}

export function toAttributeValue(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number' || typeof value === 'bigint') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (value instanceof Uint8Array) return { B: value };
  if (value instanceof Set) {
    const entries: unknown[] = [...value];
    if (entries.every((entry) => typeof entry === 'string')) return { SS: entries };
    if (entries.every((entry) => typeof entry === 'number')) return { NS: entries.map(String) };
    throw new Error('a set holds strings or numbers only');
  }
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  if (typeof value === 'object') return { M: toAttributeMap(value as Record<string, unknown>) };
  throw new Error(`no DynamoDB type for ${typeof value}`);
}
