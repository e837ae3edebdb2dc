/**
 * Fields of Resend's or SendGrid's API that scopegate cannot honour, refused by name: a client that
 * moved its code over learns which feature is missing (422 `invalid_parameter`), and nothing is sent.
 * Read from the raw body before validation, so such a field is never reported as an unknown one.
 */
import { unsupportedParameter } from '../api/errors.js';

/**
 * Throws `invalid_parameter` for the first path that the body sets to something other than null, and
 * answers the body without those set to null (a client that passes its options through sends
 * `"topic_id": null` for "none"). A path is dot-separated; `name[]` is each item of the list `name`
 * (`attachments[].path`), and a leading `[]` each item of a list body (`[].topic_id`).
 */
export function refuseUnsupportedFields(paths: readonly string[], body: unknown): unknown {
  let kept = body;
  for (const path of paths) kept = visit(kept, path.split('.'), []);
  return kept;
}

/** The value with the field at `parts` removed when null; throws when it is set. */
function visit(value: unknown, parts: readonly string[], at: readonly string[]): unknown {
  const [part, ...rest] = parts;
  // `[]` alone is each item of a list body (a batch: `[].topic_id`).
  if (part === '[]' && Array.isArray(value)) {
    return value.map((item: unknown, index) => visit(item, rest, [...at, String(index)]));
  }
  if (part === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const list = part.endsWith('[]');
  const name = list ? part.slice(0, -2) : part;
  if (!Object.hasOwn(value, name)) return value;
  const record = value as Record<string, unknown>;
  const child = record[name];
  if (rest.length === 0 && !list) {
    if (child === null) return Object.fromEntries(Object.entries(record).filter(([key]) => key !== name));
    throw unsupportedParameter([...at, name].join('.'));
  }
  if (!list) return { ...record, [name]: visit(child, rest, [...at, name]) };
  if (!Array.isArray(child)) return value;
  return { ...record, [name]: child.map((item, index) => visit(item, rest, [...at, name, String(index)])) };
}
