/**
 * The segment filter language, pure (no AWS imports): which operators each field takes and with
 * which value, and the evaluation of a filter against one contact. The contract validates with
 * `conditionProblem`, the segment routes evaluate with `matches`; both read the same tables below.
 *
 * Semantics (docs/decisions/0019-audiences.md): string comparisons ignore case; `neq`, `not_exists`
 * and `not_in_list` are exactly the negations of `eq`, `exists` and `in_list`, so a contact without
 * the field matches `neq`; the ordered comparisons, `contains` and `starts_with` only match a value
 * of the condition's own type (a number never equals the string "1"). The `list` field is the set of
 * lists the contact is in: `eq` means "is in this list", `in_list` "is in any of these lists",
 * `exists` "is in some list".
 */

export const FILTER_OPS = [
  'eq',
  'neq',
  'contains',
  'starts_with',
  'exists',
  'not_exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'in_list',
  'not_in_list',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export const FIXED_FIELDS = ['email', 'first_name', 'last_name', 'unsubscribed', 'list'] as const;
export type FixedField = (typeof FIXED_FIELDS)[number];

export const MATCH_MODES = ['all', 'any'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

/** A filter holds at most this many conditions: a segment is evaluated on every read. */
export const MAX_CONDITIONS = 50;
/** An `in_list` / `not_in_list` condition names at most this many values. */
export const MAX_LIST_VALUES = 100;
/** A string value in a condition is at most this long (the longest field a contact holds). */
export const MAX_CONDITION_STRING = 512;

export type Scalar = string | number | boolean;

export interface Condition {
  readonly field: string;
  readonly op: FilterOp;
  readonly value?: Scalar | readonly Scalar[] | undefined;
}

export interface Filter {
  readonly match: MatchMode;
  readonly conditions: readonly Condition[];
}

/** What the evaluator reads of a contact. */
export interface ContactFacts {
  readonly email: string;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly unsubscribed: boolean;
  readonly lists: readonly string[];
  readonly properties: Readonly<Record<string, Scalar>>;
}

/** `properties.<name>`: a name as contacts' properties allow it (lambdas/audience/contact-rules.ts). */
export const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const PROPERTY_FIELD_PREFIX = 'properties.';

export type ValueKind = 'string' | 'boolean' | 'scalar';

export interface FieldRule {
  readonly ops: readonly FilterOp[];
  readonly value: ValueKind;
}

const TEXT_OPS: readonly FilterOp[] = ['eq', 'neq', 'contains', 'starts_with', 'in_list', 'not_in_list'];
const PRESENCE_OPS: readonly FilterOp[] = ['exists', 'not_exists'];

const FIELD_RULES: Readonly<Record<FixedField | 'property', FieldRule>> = {
  // Every contact has an email and an unsubscribed flag, so presence is never a question for them.
  email: { ops: TEXT_OPS, value: 'string' },
  first_name: { ops: [...TEXT_OPS, ...PRESENCE_OPS], value: 'string' },
  last_name: { ops: [...TEXT_OPS, ...PRESENCE_OPS], value: 'string' },
  unsubscribed: { ops: ['eq', 'neq'], value: 'boolean' },
  list: { ops: ['eq', 'neq', 'in_list', 'not_in_list', ...PRESENCE_OPS], value: 'string' },
  property: { ops: FILTER_OPS, value: 'scalar' },
};

const FIELD_DESCRIPTION = `${FIXED_FIELDS.join(', ')} or properties.<name>`;

/** The ops a field takes and its value kind (undefined for no such field); the dashboard's filter builder offers these. */
export function ruleOf(field: string): FieldRule | undefined {
  if (field.startsWith(PROPERTY_FIELD_PREFIX)) {
    return PROPERTY_NAME.test(field.slice(PROPERTY_FIELD_PREFIX.length)) ? FIELD_RULES.property : undefined;
  }
  return (FIXED_FIELDS as readonly string[]).includes(field) ? FIELD_RULES[field as FixedField] : undefined;
}

/** Which part of a condition is wrong and why (a predicate, as validation messages are phrased). */
export interface ConditionProblem {
  readonly part: 'field' | 'op' | 'value';
  readonly message: string;
}

/** The first problem of a condition whose field and op are strings, or undefined when it is valid. */
export function conditionProblem(condition: {
  readonly field: string;
  readonly op: string;
  readonly value?: unknown;
}): ConditionProblem | undefined {
  const rule = ruleOf(condition.field);
  if (!rule) {
    return {
      part: 'field',
      message: `must be ${FIELD_DESCRIPTION} (a property name is a letter then up to 63 letters, digits or _)`,
    };
  }
  if (!(FILTER_OPS as readonly string[]).includes(condition.op)) {
    return { part: 'op', message: `must be one of ${FILTER_OPS.join(', ')}` };
  }
  const op = condition.op as FilterOp;
  if (!rule.ops.includes(op)) {
    return { part: 'op', message: `must be one of ${rule.ops.join(', ')} for the field ${condition.field}` };
  }
  const valueMessage = valueProblem(op, rule.value, condition.value);
  return valueMessage === undefined ? undefined : { part: 'value', message: valueMessage };
}

function valueProblem(op: FilterOp, kind: ValueKind, value: unknown): string | undefined {
  if (op === 'exists' || op === 'not_exists') {
    return value === undefined ? undefined : `must be left out with ${op}`;
  }
  if (op === 'in_list' || op === 'not_in_list') {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST_VALUES) {
      return `must be a list of 1 to ${MAX_LIST_VALUES} values with ${op}`;
    }
    return value.every((item) => isValueOf(kind, item)) ? undefined : `must hold only ${kindWords(kind)}`;
  }
  if (op === 'contains' || op === 'starts_with') {
    return typeof value === 'string' && value.length > 0 && value.length <= MAX_CONDITION_STRING
      ? undefined
      : `must be a non-empty string of at most ${MAX_CONDITION_STRING} characters with ${op}`;
  }
  if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') {
    return isFiniteNumber(value) || isBoundedString(value)
      ? undefined
      : `must be a number or a string with ${op}`;
  }
  return isValueOf(kind, value) ? undefined : `must be ${kindWords(kind, 'one')} with ${op}`;
}

function isValueOf(kind: ValueKind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return isBoundedString(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'scalar':
      return isBoundedString(value) || isFiniteNumber(value) || typeof value === 'boolean';
  }
}

function kindWords(kind: ValueKind, count: 'one' | 'many' = 'many'): string {
  const one = count === 'one';
  switch (kind) {
    case 'string':
      return one ? `a string of at most ${MAX_CONDITION_STRING} characters` : 'strings';
    case 'boolean':
      return one ? 'true or false' : 'true or false';
    case 'scalar':
      return one ? 'a string, a number, or true or false' : 'strings, numbers, or true or false';
  }
}

const isBoundedString = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_CONDITION_STRING;
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** Whether a contact belongs to the segment the filter describes. */
export function matches(filter: Filter, contact: ContactFacts): boolean {
  const test = (condition: Condition) => holds(condition, contact);
  return filter.match === 'all' ? filter.conditions.every(test) : filter.conditions.some(test);
}

/** One condition against one contact (the condition is assumed valid: see conditionProblem). */
export function holds(condition: Condition, contact: ContactFacts): boolean {
  const { op, value } = condition;
  if (condition.field === 'list') return listHolds(op, value, contact.lists);
  const actual = fieldValue(condition.field, contact);
  switch (op) {
    case 'eq':
      return same(actual, value);
    case 'neq':
      return !same(actual, value);
    case 'exists':
      return actual !== undefined;
    case 'not_exists':
      return actual === undefined;
    case 'in_list':
      return asList(value).some((item) => same(actual, item));
    case 'not_in_list':
      return !asList(value).some((item) => same(actual, item));
    case 'contains':
      return typeof actual === 'string' && typeof value === 'string' && fold(actual).includes(fold(value));
    case 'starts_with':
      return typeof actual === 'string' && typeof value === 'string' && fold(actual).startsWith(fold(value));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return ordered(op, actual, value);
  }
}

function listHolds(op: FilterOp, value: Condition['value'], lists: readonly string[]): boolean {
  switch (op) {
    case 'eq':
      return typeof value === 'string' && lists.includes(value);
    case 'neq':
      return !(typeof value === 'string' && lists.includes(value));
    case 'in_list':
      return asList(value).some((id) => typeof id === 'string' && lists.includes(id));
    case 'not_in_list':
      return !asList(value).some((id) => typeof id === 'string' && lists.includes(id));
    case 'exists':
      return lists.length > 0;
    case 'not_exists':
      return lists.length === 0;
    default:
      // Refused by conditionProblem; a stored filter edited by hand matches nothing rather than all.
      return false;
  }
}

function fieldValue(field: string, contact: ContactFacts): Scalar | undefined {
  switch (field) {
    case 'email':
      return contact.email;
    case 'first_name':
      return contact.firstName;
    case 'last_name':
      return contact.lastName;
    case 'unsubscribed':
      return contact.unsubscribed;
    default: {
      const name = field.slice(PROPERTY_FIELD_PREFIX.length);
      // Own properties only: a name like `constructor` must not find Object.prototype's.
      return Object.hasOwn(contact.properties, name) ? contact.properties[name] : undefined;
    }
  }
}

const fold = (text: string): string => text.toLowerCase();

function same(actual: Scalar | undefined, expected: unknown): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') return fold(actual) === fold(expected);
  return actual !== undefined && actual === expected;
}

function asList(value: Condition['value']): readonly Scalar[] {
  return Array.isArray(value) ? (value as readonly Scalar[]) : [];
}

function ordered(op: 'gt' | 'gte' | 'lt' | 'lte', actual: Scalar | undefined, expected: unknown): boolean {
  let order: number;
  if (typeof actual === 'number' && typeof expected === 'number') order = actual - expected;
  else if (typeof actual === 'string' && typeof expected === 'string') {
    const [a, b] = [fold(actual), fold(expected)];
    order = a < b ? -1 : a > b ? 1 : 0;
  } else return false;
  switch (op) {
    case 'gt':
      return order > 0;
    case 'gte':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'lte':
      return order <= 0;
  }
}
