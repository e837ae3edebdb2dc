import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate } from '../../../../lambdas/http/validation.js';
import { createTemplateSchema, updateTemplateSchema } from '../../../../lambdas/templates/contracts.js';
import { newId } from '../../../../lambdas/shared/ids.js';
import {
  isAlias,
  isVariableKey,
  readReference,
  TEMPLATE_ID_PREFIX,
} from '../../../../lambdas/templates/template-rules.js';

describe('isAlias', () => {
  it.each(['welcome', 'a', '0', 'order-shipped_v2', 'tpl-welcome', 'tplx_1', 'a'.repeat(64)])(
    'accepts %j',
    (alias) => {
      expect(isAlias(alias)).toBe(true);
    },
  );

  it.each([
    ['empty', ''],
    ['upper case', 'Welcome'],
    ['a leading dash', '-welcome'],
    ['a leading underscore', '_welcome'],
    ['a dot', 'wel.come'],
    ['a space', 'wel come'],
    ['a slash', 'a/b'],
    ['65 characters', 'a'.repeat(65)],
    ['the shape of an id', 'tpl_0VbnqK3m8a2Jx7Qp1Zr5Tt'],
    ['any tpl_ prefix', 'tpl_x'],
    ['non-ASCII', 'café'],
  ])('refuses %s', (_case, alias) => {
    expect(isAlias(alias)).toBe(false);
  });

  it('reads every alias as an alias and every template id as an id, never one as the other (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(tpl_)?[a-z0-9][a-z0-9_-]{0,70}$/), (value) => {
        if (isAlias(value)) expect(readReference(value)).toEqual({ kind: 'alias', alias: value });
        else expect(readReference(value)?.kind).not.toBe('alias');
      }),
    );
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(2 ** 40), noInvalidDate: true }), (date) => {
        const id = newId(TEMPLATE_ID_PREFIX, date);
        expect(isAlias(id)).toBe(false);
        expect(readReference(id)).toEqual({ kind: 'id', id });
      }),
    );
  });
});

describe('readReference', () => {
  it.each([
    ['tpl_0VbnqK3m8a2Jx7Qp1Zr5Tt', { kind: 'id', id: 'tpl_0VbnqK3m8a2Jx7Qp1Zr5Tt' }],
    ['welcome', { kind: 'alias', alias: 'welcome' }],
    ['em_0000000000000000000000', { kind: 'alias', alias: 'em_0000000000000000000000' }],
    ['tpl_short', undefined],
    ['Welcome', undefined],
    ['../x', undefined],
  ])('%j → %j', (value, expected) => {
    expect(readReference(value)).toEqual(expected);
  });
});

describe('isVariableKey', () => {
  it.each(['name', 'firstName', 'first_name', 'a1', 'Z'])('accepts %j', (key) => {
    expect(isVariableKey(key)).toBe(true);
  });

  it.each([
    '',
    '1st',
    '_name',
    'first.name',
    'first-name',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'a'.repeat(65),
  ])('refuses %j', (key) => {
    expect(isVariableKey(key)).toBe(false);
  });
});

describe('template bodies', () => {
  const errorsOf = (schema: Parameters<typeof validate>[0], body: unknown) => {
    try {
      validate(schema, body);
      return [];
    } catch (error) {
      return (error as { errors: unknown[] }).errors;
    }
  };

  it('defaults variables to none on create', () => {
    expect(validate(createTemplateSchema, { name: 'Welcome', text: 'Hi' }).variables).toEqual([]);
  });

  it.each([
    [{ text: 'x' }, 'name', 'name is required.'],
    [
      { name: 'x', alias: 'Bad Alias' },
      'alias',
      expect.stringMatching(/^alias must be 1 to 64 lower-case letters/),
    ],
    [{ name: 'x', subject: 'a\nb' }, 'subject', 'subject must not contain line breaks.'],
    [{ name: 'x', from: 'not an address' }, 'from', expect.stringMatching(/^from must be an email address/)],
    [
      { name: 'x', variables: [{ key: 'n', type: 'date' }] },
      'variables.0.type',
      expect.stringMatching(/^variables\.0\.type must be one of/),
    ],
    [
      { name: 'x', variables: [{ key: 'n', type: 'number', fallback: '3' }] },
      'variables.0.fallback',
      'variables.0.fallback must be of the declared type, number.',
    ],
    [
      {
        name: 'x',
        variables: [
          { key: 'n', type: 'string' },
          { key: 'n', type: 'number' },
        ],
      },
      'variables.1.key',
      'variables.1.key must be unique, and n is declared twice.',
    ],
    [
      { name: 'x', variables: [{ key: 'constructor', type: 'string' }] },
      'variables.0.key',
      expect.stringMatching(/^variables\.0\.key must be 1 to 64 letters/),
    ],
    [{ name: 'x', html: '<p>', extra: 1 }, 'extra', 'extra is not a known field.'],
  ])('refuses %j at %s', (body, path, message) => {
    expect(errorsOf(createTemplateSchema, body)).toContainEqual({ path, message });
  });

  it('accepts null for every optional field on update, and an absent body', () => {
    const cleared = { alias: null, subject: null, html: null, text: null, from: null, reply_to: null };
    expect(validate(updateTemplateSchema, cleared)).toEqual(cleared);
    expect(validate(updateTemplateSchema, undefined)).toBeUndefined();
  });

  it('refuses null for name and variables on update', () => {
    expect(errorsOf(updateTemplateSchema, { name: null }).length).toBe(1);
    expect(errorsOf(updateTemplateSchema, { variables: null }).length).toBe(1);
  });
});
