/** Segment filters: which conditions are valid, and evaluation against a reference evaluator. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Condition,
  conditionProblem,
  type ContactFacts,
  type Filter,
  type FilterOp,
  holds,
  matches,
  MAX_LIST_VALUES,
  type Scalar,
} from '../../../../lambdas/audience/filter.js';

const ada: ContactFacts = {
  email: 'Ada@Example.com',
  firstName: 'Ada',
  unsubscribed: false,
  lists: ['lst_a'],
  properties: { plan: 'pro', seats: 12, trial: false, since: '2026-01-05' },
};

describe('conditionProblem', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a fixed field with its op and value', { field: 'email', op: 'eq', value: 'a@b.c' }],
    ['presence of a name', { field: 'first_name', op: 'exists' }],
    ['unsubscribed = false', { field: 'unsubscribed', op: 'eq', value: false }],
    ['list membership', { field: 'list', op: 'eq', value: 'lst_a' }],
    ['list in any of', { field: 'list', op: 'in_list', value: ['lst_a', 'lst_b'] }],
    ['a numeric property compared', { field: 'properties.seats', op: 'gte', value: 10 }],
    ['a string property compared', { field: 'properties.since', op: 'lt', value: '2026-02-01' }],
    ['a boolean property', { field: 'properties.trial', op: 'neq', value: true }],
    [
      'a property in a list of mixed scalars',
      { field: 'properties.plan', op: 'in_list', value: ['pro', 1, true] },
    ],
  ])('accepts %s', (_case, condition) => {
    expect(conditionProblem(condition as { field: string; op: string })).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, 'field' | 'op' | 'value']>([
    ['an unknown field', { field: 'age', op: 'eq', value: 1 }, 'field'],
    ['an empty property name', { field: 'properties.', op: 'exists' }, 'field'],
    ['a property name with a dot', { field: 'properties.a.b', op: 'exists' }, 'field'],
    ['a property name starting with _', { field: 'properties.__proto__', op: 'exists' }, 'field'],
    ['an unknown op', { field: 'email', op: 'like', value: 'x' }, 'op'],
    ['an op the field does not take', { field: 'email', op: 'gt', value: 'x' }, 'op'],
    ['presence of email (always there)', { field: 'email', op: 'exists' }, 'op'],
    ['contains on a boolean field', { field: 'unsubscribed', op: 'contains', value: 'x' }, 'op'],
    ['a string for unsubscribed', { field: 'unsubscribed', op: 'eq', value: 'false' }, 'value'],
    ['a number for email', { field: 'email', op: 'eq', value: 3 }, 'value'],
    ['a value with exists', { field: 'first_name', op: 'exists', value: 'x' }, 'value'],
    ['no value with eq', { field: 'first_name', op: 'eq' }, 'value'],
    ['a scalar with in_list', { field: 'email', op: 'in_list', value: 'a@b.c' }, 'value'],
    ['an empty in_list', { field: 'email', op: 'in_list', value: [] }, 'value'],
    [
      'too long an in_list',
      { field: 'list', op: 'in_list', value: Array(MAX_LIST_VALUES + 1).fill('x') },
      'value',
    ],
    ['a number in a list of list ids', { field: 'list', op: 'in_list', value: ['lst_a', 2] }, 'value'],
    ['a boolean compared with gt', { field: 'properties.seats', op: 'gt', value: true }, 'value'],
    ['an empty contains', { field: 'first_name', op: 'contains', value: '' }, 'value'],
    ['an array with eq', { field: 'properties.plan', op: 'eq', value: ['pro'] }, 'value'],
    ['a string longer than 512', { field: 'last_name', op: 'eq', value: 'x'.repeat(513) }, 'value'],
  ])('refuses %s, naming the %s', (_case, condition, part) => {
    const problem = conditionProblem(condition as { field: string; op: string });
    expect(problem?.part).toBe(part);
    expect(problem?.message).toMatch(/^must /);
  });
});

describe('holds', () => {
  it.each<[Condition, boolean]>([
    [{ field: 'email', op: 'eq', value: 'ada@example.COM' }, true],
    [{ field: 'email', op: 'starts_with', value: 'ADA@' }, true],
    [{ field: 'email', op: 'contains', value: 'example' }, true],
    [{ field: 'last_name', op: 'eq', value: 'Lovelace' }, false],
    [{ field: 'last_name', op: 'neq', value: 'Lovelace' }, true],
    [{ field: 'last_name', op: 'not_exists' }, true],
    [{ field: 'first_name', op: 'exists' }, true],
    [{ field: 'unsubscribed', op: 'eq', value: false }, true],
    [{ field: 'list', op: 'eq', value: 'lst_a' }, true],
    [{ field: 'list', op: 'neq', value: 'lst_a' }, false],
    [{ field: 'list', op: 'not_in_list', value: ['lst_b', 'lst_c'] }, true],
    [{ field: 'list', op: 'exists' }, true],
    [{ field: 'properties.seats', op: 'gt', value: 11 }, true],
    [{ field: 'properties.seats', op: 'lte', value: 11 }, false],
    [{ field: 'properties.seats', op: 'eq', value: '12' }, false],
    [{ field: 'properties.since', op: 'gte', value: '2026-01-01' }, true],
    [{ field: 'properties.since', op: 'gt', value: 5 }, false],
    [{ field: 'properties.trial', op: 'eq', value: false }, true],
    [{ field: 'properties.missing', op: 'neq', value: 'x' }, true],
    [{ field: 'properties.missing', op: 'gt', value: 0 }, false],
    [{ field: 'properties.constructor', op: 'exists' }, false],
    [{ field: 'properties.plan', op: 'in_list', value: ['free', 'PRO'] }, true],
  ])('%j is %s for Ada', (condition, expected) => {
    expect(holds(condition, ada)).toBe(expected);
  });
});

// ---- properties against a reference evaluator ----

const NEGATION: Partial<Record<FilterOp, FilterOp>> = {
  eq: 'neq',
  neq: 'eq',
  exists: 'not_exists',
  not_exists: 'exists',
  in_list: 'not_in_list',
  not_in_list: 'in_list',
};

const word = fc.constantFrom('a', 'B', 'ab', 'Abc', 'x', 'lst_a', 'lst_b', '2026', 'pro');
const scalar: fc.Arbitrary<Scalar> = fc.oneof(word, fc.integer({ min: -3, max: 3 }), fc.boolean());
const propertyName = fc.constantFrom('plan', 'seats', 'trial');

const contact: fc.Arbitrary<ContactFacts> = fc.record({
  email: word.map((w) => `${w}@example.com`),
  firstName: fc.option(word, { nil: undefined }),
  lastName: fc.option(word, { nil: undefined }),
  unsubscribed: fc.boolean(),
  lists: fc.uniqueArray(fc.constantFrom('lst_a', 'lst_b', 'lst_c'), { maxLength: 3 }),
  properties: fc.dictionary(propertyName, scalar, { maxKeys: 3 }),
});

/** Valid conditions over every field and op (values drawn to hit and miss). */
const condition: fc.Arbitrary<Condition> = fc
  .record({
    field: fc.oneof(
      fc.constantFrom('email', 'first_name', 'last_name', 'unsubscribed', 'list'),
      propertyName.map((name) => `properties.${name}`),
    ),
    op: fc.constantFrom<FilterOp>(
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
    ),
    one: scalar,
    many: fc.array(scalar, { minLength: 1, maxLength: 3 }),
  })
  .map(({ field, op, one, many }): Condition => {
    if (op === 'exists' || op === 'not_exists') return { field, op };
    if (op === 'in_list' || op === 'not_in_list') return { field, op, value: many };
    return { field, op, value: one };
  })
  .filter((candidate) => conditionProblem(candidate) === undefined);

/** Written independently of the evaluator, as plainly as possible. */
function reference(filter: Filter, facts: ContactFacts): boolean {
  const results = filter.conditions.map((c) => referenceHolds(c, facts));
  return filter.match === 'all' ? !results.includes(false) : results.includes(true);
}

function referenceHolds(c: Condition, facts: ContactFacts): boolean {
  const values = Array.isArray(c.value) ? (c.value as Scalar[]) : [c.value as Scalar];
  if (c.field === 'list') {
    const inAny = values.some((v) => facts.lists.includes(v as string));
    if (c.op === 'exists') return facts.lists.length > 0;
    if (c.op === 'not_exists') return facts.lists.length === 0;
    return c.op === 'eq' || c.op === 'in_list' ? inAny : !inAny;
  }
  const table: Record<string, Scalar | undefined> = {
    email: facts.email,
    first_name: facts.firstName,
    last_name: facts.lastName,
    unsubscribed: facts.unsubscribed,
  };
  const actual = c.field.startsWith('properties.') ? facts.properties[c.field.slice(11)] : table[c.field];
  const low = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  const equal = (v: Scalar) => actual !== undefined && low(actual) === low(v) && typeof actual === typeof v;
  const bothStrings = typeof actual === 'string' && typeof c.value === 'string';
  const comparable = actual !== undefined && typeof actual === typeof c.value && typeof actual !== 'boolean';
  const a = low(actual) as string | number;
  const b = low(c.value) as string | number;
  switch (c.op) {
    case 'eq':
      return equal(c.value as Scalar);
    case 'neq':
      return !equal(c.value as Scalar);
    case 'in_list':
      return values.some(equal);
    case 'not_in_list':
      return !values.some(equal);
    case 'exists':
      return actual !== undefined;
    case 'not_exists':
      return actual === undefined;
    case 'contains':
      return bothStrings && (a as string).includes(b as string);
    case 'starts_with':
      return bothStrings && (a as string).startsWith(b as string);
    case 'gt':
      return comparable && a > b;
    case 'gte':
      return comparable && a >= b;
    case 'lt':
      return comparable && a < b;
    case 'lte':
      return comparable && a <= b;
  }
}

const filter: fc.Arbitrary<Filter> = fc.record({
  match: fc.constantFrom('all' as const, 'any' as const),
  conditions: fc.array(condition, { minLength: 1, maxLength: 6 }),
});

describe('matches', () => {
  it('agrees with the reference evaluator', () => {
    fc.assert(
      fc.property(filter, contact, (f, c) => {
        expect(matches(f, c)).toBe(reference(f, c));
      }),
      { numRuns: 2000 },
    );
  });

  it('match: any is the negation of match: all over the negated conditions (De Morgan)', () => {
    const negatable = condition.filter((c) => NEGATION[c.op] !== undefined);
    fc.assert(
      fc.property(fc.array(negatable, { minLength: 1, maxLength: 6 }), contact, (conditions, c) => {
        const negated = conditions.map((x) => ({ ...x, op: NEGATION[x.op] as FilterOp }));
        expect(matches({ match: 'any', conditions }, c)).toBe(
          !matches({ match: 'all', conditions: negated }, c),
        );
        expect(matches({ match: 'all', conditions }, c)).toBe(
          !matches({ match: 'any', conditions: negated }, c),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('all implies any, and a single condition means the same under both', () => {
    fc.assert(
      fc.property(filter, contact, (f, c) => {
        if (matches({ ...f, match: 'all' }, c)) expect(matches({ ...f, match: 'any' }, c)).toBe(true);
        const [first] = f.conditions;
        if (first) {
          expect(matches({ match: 'all', conditions: [first] }, c)).toBe(
            matches({ match: 'any', conditions: [first] }, c),
          );
        }
      }),
    );
  });
});
