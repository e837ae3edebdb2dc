/**
 * The filter builder's rows ↔ the API's conditions. Every row the builder can produce is judged by the
 * server's own conditionProblem, so what the builder offers and what the API accepts cannot drift.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionProblem, FILTER_OPS } from '../../../../lambdas/audience/filter.js';
import {
  BUILDER_FIELDS,
  type ConditionDraft,
  draftProblem,
  fromCondition,
  newDraft,
  opsFor,
  toCondition,
  withField,
} from '../../../../dashboard/src/segment-filter.js';

describe('the ops offered per field', () => {
  it.each([
    ['email', ['eq', 'neq', 'contains', 'starts_with', 'in_list', 'not_in_list']],
    ['unsubscribed', ['eq', 'neq']],
    ['list', ['eq', 'neq', 'in_list', 'not_in_list', 'exists', 'not_exists']],
    ['property', [...FILTER_OPS]],
  ] as const)('%s offers %j', (field, ops) => {
    expect(opsFor(field)).toEqual(ops);
  });

  it('are exactly the ops the API accepts for the field', () => {
    for (const field of BUILDER_FIELDS) {
      const name = field === 'property' ? 'properties.plan' : field;
      const accepted = FILTER_OPS.filter(
        (op) =>
          conditionProblem({ field: name, op, value: ['x'] })?.part !== 'op' &&
          conditionProblem({ field: name, op, value: 'x' })?.part !== 'op',
      );
      expect([...opsFor(field)].sort()).toEqual([...accepted].sort());
    }
  });
});

describe('rows to conditions', () => {
  const row = (change: Partial<ConditionDraft>): ConditionDraft => ({ ...newDraft(), ...change });

  it.each<[Partial<ConditionDraft>, unknown]>([
    [
      { field: 'email', op: 'contains', value: 'ada' },
      { field: 'email', op: 'contains', value: 'ada' },
    ],
    [
      { field: 'list', op: 'exists', value: 'ignored' },
      { field: 'list', op: 'exists' },
    ],
    [
      { field: 'list', op: 'in_list', value: 'lst_a, lst_b,' },
      { field: 'list', op: 'in_list', value: ['lst_a', 'lst_b'] },
    ],
    [
      { field: 'unsubscribed', op: 'eq', value: 'false' },
      { field: 'unsubscribed', op: 'eq', value: false },
    ],
    [
      { field: 'property', property: 'age', op: 'gte', value: '18', valueType: 'number' },
      { field: 'properties.age', op: 'gte', value: 18 },
    ],
    [
      { field: 'property', property: 'vip', op: 'eq', value: 'true', valueType: 'boolean' },
      { field: 'properties.vip', op: 'eq', value: true },
    ],
    // A number that does not parse is sent as typed, and the API says what is wrong with it.
    [
      { field: 'property', property: 'age', op: 'eq', value: 'old', valueType: 'number' },
      { field: 'properties.age', op: 'eq', value: 'old' },
    ],
  ])('%j → %j', (draft, condition) => {
    expect(toCondition(row(draft))).toEqual(condition);
  });

  it('words a problem as the API does', () => {
    expect(draftProblem(row({ field: 'property', property: '9lives', op: 'eq', value: 'x' }))).toMatch(
      /^field must be /,
    );
    expect(draftProblem(row({ field: 'email', op: 'starts_with', value: '' }))).toMatch(
      /^value must be a non-empty string/,
    );
    expect(draftProblem(row({ field: 'email', op: 'eq', value: 'ada@example.org' }))).toBeUndefined();
  });

  it('keeps the op on a field change only when the new field takes it', () => {
    expect(withField(row({ field: 'email', op: 'contains' }), 'list').op).toBe('eq');
    expect(withField(row({ field: 'email', op: 'in_list' }), 'list').op).toBe('in_list');
    expect(withField(row({ field: 'email', op: 'eq' }), 'unsubscribed').value).toBe('true');
  });

  it('reads back every valid condition it writes', () => {
    const scalar = fc.oneof(
      fc
        .string({ minLength: 1, maxLength: 20 })
        .filter((text) => !text.includes(',') && text.trim() === text),
      fc.integer(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...BUILDER_FIELDS),
        fc.constantFrom(...FILTER_OPS),
        scalar,
        (field, op, value) => {
          const name = field === 'property' ? 'properties.plan' : field;
          const listed = op === 'in_list' || op === 'not_in_list';
          const absent = op === 'exists' || op === 'not_exists';
          const condition = absent
            ? { field: name, op }
            : { field: name, op, value: listed ? [value] : value };
          fc.pre(conditionProblem(condition) === undefined);
          expect(toCondition(fromCondition(condition))).toEqual(condition);
        },
      ),
    );
  });
});
