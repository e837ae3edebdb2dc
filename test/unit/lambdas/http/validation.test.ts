import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ApiError, toErrorResponse } from '../../../../lambdas/api/errors.js';
import { type RequestPart, validate } from '../../../../lambdas/http/validation.js';

function problems(schema: z.ZodMiniType, value: unknown, part: RequestPart = 'body') {
  try {
    validate(schema, value, part);
  } catch (error) {
    if (error instanceof ApiError) return { message: error.message, errors: error.errors };
    throw error;
  }
  return 'valid';
}

const field = (schema: z.ZodMiniType) => z.object({ field: schema });

describe('validate words every problem as one sentence naming the field and the rule', () => {
  it.each([
    ['a missing field', field(z.string()), {}, 'field is required.'],
    ['a wrong type', field(z.string()), { field: 1 }, 'field must be a string.'],
    ['a number that is not one', field(z.coerce.number()), { field: 'ten' }, 'field must be a number.'],
    [
      'a fraction for a whole number',
      field(z.number().check(z.int())),
      { field: 1.5 },
      'field must be a whole number.',
    ],
    ['an empty string', field(z.string().check(z.minLength(1))), { field: '' }, 'field must not be empty.'],
    [
      'a short string',
      field(z.string().check(z.minLength(3))),
      { field: 'a' },
      'field must be at least 3 characters long.',
    ],
    [
      'a long string',
      field(z.string().check(z.maxLength(2))),
      { field: 'abc' },
      'field must be at most 2 characters long.',
    ],
    [
      'a long list',
      field(z.array(z.string()).check(z.maxLength(1))),
      { field: ['a', 'b'] },
      'field must have at most 1 item.',
    ],
    ['a small number', field(z.number().check(z.minimum(1))), { field: 0 }, 'field must be at least 1.'],
    ['a big number', field(z.number().check(z.maximum(100))), { field: 101 }, 'field must be at most 100.'],
    ['a bad email', field(z.email()), { field: 'x' }, 'field must be an email address.'],
    [
      'a bad timestamp',
      field(z.iso.datetime()),
      { field: 'x' },
      'field must be an ISO 8601 timestamp such as 2027-01-31T00:00:00Z.',
    ],
    ['a value not in the enum', field(z.enum(['a', 'b'])), { field: 'c' }, 'field must be one of "a", "b".'],
    [
      'a schema’s own predicate',
      field(z.string().check(z.refine(() => false, 'must rhyme'))),
      { field: 'x' },
      'field must rhyme.',
    ],
    ['an unknown field', z.strictObject({}), { extra: 1 }, 'extra is not a known field.'],
    ['no body at all', z.object({}), undefined, 'The request body is required.'],
    ['a body that is not an object', z.object({}), [], 'The request body must be a JSON object.'],
  ])('%s', (_case, schema, value, message) => {
    const path = message.startsWith('The request body') ? '' : (message.split(' ')[0] ?? '');
    expect(problems(schema, value)).toEqual({ message, errors: [{ path, message }] });
  });

  it.each([
    ['query', 'The limit query parameter must be a number.'],
    ['header', 'The Limit header must be a number.'],
    ['path', 'The limit in the URL must be a number.'],
  ] as const)('names where a %s value came from', (part, message) => {
    expect(problems(z.object({ limit: z.number() }), { limit: 'x' }, part)).toMatchObject({ message });
  });

  it('lists several problems once each, and says how many in the message', () => {
    const schema = z.strictObject({ a: z.string(), b: z.string() });
    const result = problems(schema, { c: 1 });
    expect(result).toEqual({
      message: 'The request has 3 problems: a is required. b is required. c is not a known field.',
      errors: [
        { path: 'a', message: 'a is required.' },
        { path: 'b', message: 'b is required.' },
        { path: 'c', message: 'c is not a known field.' },
      ],
    });
  });

  it('never shows zod’s own wording', () => {
    const schema = z.object({
      n: z.number(),
      s: z.string().check(z.minLength(2)),
      u: z.union([z.string(), z.number()]),
    });
    const text = JSON.stringify(problems(schema, { n: 'x', s: 'a', u: true }));
    expect(text).not.toMatch(/Invalid input|expected|received/);
  });

  it('answers the parsed value when there is no problem', () => {
    expect(validate(z.object({ n: z.coerce.number() }), { n: '4' })).toEqual({ n: 4 });
  });
});

describe("validate: the error's name", () => {
  const headers = z.object({
    'idempotency-key': z.optional(z.string().check(z.maxLength(3))),
    'x-other': z.optional(z.string().check(z.maxLength(3))),
  });
  const nameOf = (value: unknown, part: RequestPart): string | undefined => {
    try {
      validate(headers, value, part);
    } catch (error) {
      return toErrorResponse(error).body.name;
    }
    return undefined;
  };

  it.each<[string, unknown, RequestPart, string]>([
    ['a bad Idempotency-Key header', { 'idempotency-key': 'toolong' }, 'header', 'invalid_idempotency_key'],
    [
      'a bad Idempotency-Key header beside another bad header',
      { 'idempotency-key': 'toolong', 'x-other': 'toolong' },
      'header',
      'invalid_idempotency_key',
    ],
    ['another bad header', { 'x-other': 'toolong' }, 'header', 'validation_error'],
    [
      'a body field that happens to share the name',
      { 'idempotency-key': 'toolong' },
      'body',
      'validation_error',
    ],
  ])('%s → %s', (_case, value, part, name) => {
    expect(nameOf(value, part)).toBe(name);
  });
});
