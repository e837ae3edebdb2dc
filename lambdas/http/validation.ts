/**
 * Validation with zod, answered in people's words: every problem becomes one sentence that names the
 * field and the rule ("to must have at most 50 items."), never the validator's own wording
 * ("Invalid input: expected array, received undefined"), and each problem is listed once.
 *
 * Schemas phrase their own messages as predicates ("must be an email address"); this module words
 * zod's built-in checks the same way and puts the field's name in front.
 */
import * as z from 'zod/mini';
import { ApiError, type FieldError, REQUIRED_PREDICATE } from '../api/errors.js';

/** Where a value came from, so a sentence can say "the limit query parameter" rather than "limit". */
export type RequestPart = 'body' | 'query' | 'path' | 'header';

type Issue = z.core.$ZodRawIssue;

/** Parses `value`, or throws a 400 `validation_error` listing every problem once, in words. */
export function validate<T extends z.core.$ZodType>(
  schema: T,
  value: unknown,
  part: RequestPart = 'body',
): z.output<T> {
  const result = z.safeParse(schema, value, { error: predicateFor });
  if (result.success) return result.data;
  const errors = fieldErrors(result.error.issues, part);
  const [first] = errors;
  throw new ApiError('validation_error', {
    message:
      errors.length === 1 && first
        ? first.message
        : `The request has ${errors.length} problems: ${errors.map((error) => error.message).join(' ')}`,
    errors,
    // Resend names a bad Idempotency-Key header apart from other invalid input.
    ...(part === 'header' && errors.some((error) => error.path === 'idempotency-key')
      ? { nameOverride: 'invalid_idempotency_key' as const }
      : {}),
  });
}

/** One FieldError per distinct (path, sentence), with unrecognised keys reported one field at a time. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], part: RequestPart): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  const add = (path: readonly PropertyKey[], predicate: string) => {
    const key = path.map(String).join('.');
    const message = `${subject(path, part)} ${predicate}.`;
    if (seen.has(`${key}\n${message}`)) return;
    seen.add(`${key}\n${message}`);
    errors.push({ path: key, message });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const name of issue.keys) add([...issue.path, name], 'is not a known field');
    } else {
      add(issue.path, issue.message.replace(/\.$/, ''));
    }
  }
  return errors;
}

function subject(path: readonly PropertyKey[], part: RequestPart): string {
  const name = path.map(String).join('.');
  switch (part) {
    case 'body':
      return name === '' ? 'The request body' : bodySubject(path);
    case 'query':
      return name === '' ? 'The query string' : `The ${name} query parameter`;
    case 'path':
      return `The ${name || 'path'} in the URL`;
    case 'header':
      return name === '' ? 'The request headers' : `The ${headerName(name)} header`;
  }
}

/** In a list body (a batch), `0.to` reads "Item 0: to" and `3` reads "Item 3". */
function bodySubject(path: readonly PropertyKey[]): string {
  const [first, ...rest] = path;
  if (typeof first !== 'number') return path.map(String).join('.');
  return rest.length === 0 ? `Item ${first}` : `Item ${first}: ${rest.map(String).join('.')}`;
}

/** `idempotency-key` → `Idempotency-Key`. */
function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * zod's per-parse error map: a predicate for each built-in check. A message a schema sets itself wins
 * over this map (zod's precedence), so schemas keep their own wording.
 */
export function predicateFor(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue.expected, issue.input);
    case 'too_small':
      return tooSmall(issue.origin, Number(issue.minimum), issue.inclusive !== false, issue.exact === true);
    case 'too_big':
      return tooBig(issue.origin, Number(issue.maximum), issue.inclusive !== false, issue.exact === true);
    case 'invalid_format':
      return FORMATS[issue.format] ?? 'has an invalid format';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return 'has fields that are not known';
    case 'invalid_union':
      return 'does not match any of the accepted forms';
    case 'invalid_key':
      return 'has an invalid key';
    case 'invalid_element':
      return 'has an invalid entry';
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return 'is invalid';
  }
}

const FORMATS: Readonly<Record<string, string>> = {
  email: 'must be an email address',
  url: 'must be a URL',
  datetime: 'must be an ISO 8601 timestamp such as 2027-01-31T00:00:00Z',
  date: 'must be a date such as 2027-01-31',
  uuid: 'must be a UUID',
  ipv4: 'must be an IPv4 address',
  ipv6: 'must be an IPv6 address',
  base64: 'must be base64',
  regex: 'has an invalid format',
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object',
  record: 'a JSON object',
  array: 'a list',
  tuple: 'a list',
  null: 'null',
  date: 'a date',
};

function invalidType(expected: string, input: unknown): string {
  if (input === undefined) return REQUIRED_PREDICATE;
  return `must be ${TYPE_NAMES[expected] ?? expected}`;
}

function tooSmall(origin: string, minimum: number, inclusive: boolean, exact: boolean): string {
  if (origin === 'string') {
    if (exact) return `must be exactly ${plural(minimum, 'character')} long`;
    return minimum <= 1 ? 'must not be empty' : `must be at least ${plural(minimum, 'character')} long`;
  }
  if (origin === 'array' || origin === 'set') {
    if (exact) return `must have exactly ${plural(minimum, 'item')}`;
    return minimum <= 1 ? 'must not be empty' : `must have at least ${plural(minimum, 'item')}`;
  }
  return inclusive ? `must be at least ${minimum}` : `must be greater than ${minimum}`;
}

function tooBig(origin: string, maximum: number, inclusive: boolean, exact: boolean): string {
  if (origin === 'string') {
    return exact
      ? `must be exactly ${plural(maximum, 'character')} long`
      : `must be at most ${plural(maximum, 'character')} long`;
  }
  if (origin === 'array' || origin === 'set') {
    return exact
      ? `must have exactly ${plural(maximum, 'item')}`
      : `must have at most ${plural(maximum, 'item')}`;
  }
  return inclusive ? `must be at most ${maximum}` : `must be less than ${maximum}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
