/**
 * What a contact may hold, pure: the bounds on its custom properties and how an email address is
 * compared for uniqueness. Bounds are documented in docs/decisions/0019-audiences.md.
 */
import { PROPERTY_NAME, type Scalar } from './filter.js';

export const CONTACT_ID_PREFIX = 'ct';
export const LIST_ID_PREFIX = 'lst';
export const SEGMENT_ID_PREFIX = 'seg';

/** A contact holds at most this many properties. */
export const MAX_PROPERTIES = 50;
/** A string property is at most this many characters. */
export const MAX_PROPERTY_STRING = 512;
/** All properties together, as JSON, are at most this many bytes. */
export const MAX_PROPERTIES_BYTES = 8192;
/** A contact is in at most this many lists (deleting it removes every membership in one transaction). */
export const MAX_LISTS_PER_CONTACT = 40;

export const PROPERTY_NAME_RULE = 'must be a letter then up to 63 letters, digits or _';

/**
 * Numbers are stored as DynamoDB numbers in events, and the SDK refuses integers beyond 2^53 - 1:
 * a larger magnitude is a 400 here rather than a failure when writing.
 */
export const MAX_PROPERTY_NUMBER = Number.MAX_SAFE_INTEGER;

export function isPropertyName(name: string): boolean {
  return PROPERTY_NAME.test(name);
}

/** The problems of a whole property map (after a PATCH merged into it), as predicates. */
export function propertiesProblem(properties: Readonly<Record<string, Scalar>>): string | undefined {
  const count = Object.keys(properties).length;
  if (count > MAX_PROPERTIES)
    return `must hold at most ${MAX_PROPERTIES} properties, and would hold ${count}`;
  const bytes = Buffer.byteLength(JSON.stringify(properties), 'utf8');
  if (bytes > MAX_PROPERTIES_BYTES) {
    return `must be at most ${MAX_PROPERTIES_BYTES} bytes as JSON, all properties together, and would be ${bytes}`;
  }
  return undefined;
}

/** Emails are unique per project regardless of case: `Ada@Example.com` is `ada@example.com`. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Applies a PATCH of properties: a value sets a property, null removes it. */
export function mergeProperties(
  current: Readonly<Record<string, Scalar>>,
  changes: Readonly<Record<string, Scalar | null>>,
): Record<string, Scalar> {
  const removed = new Set(Object.keys(changes).filter((name) => changes[name] === null));
  const set = Object.entries(changes).filter((entry): entry is [string, Scalar] => entry[1] !== null);
  return Object.fromEntries([...Object.entries(current).filter(([name]) => !removed.has(name)), ...set]);
}
