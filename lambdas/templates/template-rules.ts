/**
 * The rules a template's names and sizes keep, without AWS imports: what an alias and a variable key
 * may look like, how a reference in a URL or a send is read (id or alias), and the size bounds.
 */
import { isIdOf } from '../shared/ids.js';

export const TEMPLATE_ID_PREFIX = 'tpl';

/**
 * Lower-case letters, digits, `_` and `-`, 1 to 64 characters, starting with a letter or a digit:
 * safe in a URL path without encoding, and never mistaken for an id (see isAlias).
 */
const ALIAS_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** True for a value that may be stored as an alias: the pattern, and not shaped like a template id. */
export function isAlias(value: string): boolean {
  return ALIAS_PATTERN.test(value) && !value.startsWith(`${TEMPLATE_ID_PREFIX}_`);
}

export const ALIAS_RULE =
  'must be 1 to 64 lower-case letters, digits, _ or -, start with a letter or digit, and not start with tpl_';

/** How a `{id}` path parameter or a send's `template.id` names a template. */
export type TemplateReference =
  { readonly kind: 'id'; readonly id: string } | { readonly kind: 'alias'; readonly alias: string };

/** Undefined for a value that can be neither: it names no template, so it answers 404 like a missing one. */
export function readReference(value: string): TemplateReference | undefined {
  if (isIdOf(TEMPLATE_ID_PREFIX, value)) return { kind: 'id', id: value };
  if (isAlias(value)) return { kind: 'alias', alias: value };
  return undefined;
}

/**
 * A variable key starts with a letter and holds letters, digits and `_`: no dots (a dotted name would
 * reach into a value's properties), and none of Object.prototype's names (`constructor`,
 * `hasOwnProperty`, `__proto__`…), which Mustache's own lookup cache relies on.
 */
const VARIABLE_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const OBJECT_PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

export function isVariableKey(value: string): boolean {
  return VARIABLE_KEY_PATTERN.test(value) && !OBJECT_PROTOTYPE_NAMES.has(value);
}

export const VARIABLE_KEY_RULE =
  'must be 1 to 64 letters, digits or _, start with a letter, and not be a name JavaScript objects already have (such as constructor)';

/** Variables a template may declare. */
export const MAX_VARIABLES = 100;
/** A string fallback, in characters. */
export const MAX_FALLBACK_LENGTH = 1000;
/**
 * The whole template as JSON, in UTF-8 bytes: a DynamoDB item holds at most 400 KB, and the item
 * also carries its keys, id, version and timestamps. JSON spends at least as many bytes as DynamoDB
 * counts for the same strings, numbers and lists, so a template within this bound always fits.
 */
export const MAX_TEMPLATE_JSON_BYTES = 390 * 1024;
/** The `template.variables` of a send, as JSON, in UTF-8 bytes. */
export const MAX_SEND_VARIABLES_JSON_BYTES = 64 * 1024;

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
