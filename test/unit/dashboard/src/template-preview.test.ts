import { describe, expect, it } from 'vitest';
import { typedValue, previewTemplate } from '../../../../dashboard/src/template-preview.js';
import { apiBaseUrl } from '../../../../dashboard/src/api.js';

describe('the template preview', () => {
  it('renders with the server’s rules: html escaped, subject verbatim, fallbacks filled in', () => {
    const preview = previewTemplate(
      { subject: 'Hi {{name}} ({{count}})', html: '<p>{{name}}</p>' },
      [
        { key: 'name', type: 'string', fallback: 'friend' },
        { key: 'count', type: 'number' },
      ],
      { name: '<Ada>', count: 3 },
    );
    expect(preview).toEqual({
      rendered: { subject: 'Hi <Ada> (3)', html: '<p>&lt;Ada&gt;</p>' },
      problems: [],
    });
  });

  it('names what the server would refuse: an undeclared name at save, a missing value at send', () => {
    expect(previewTemplate({ subject: '{{who}}' }, [], {}).problems).toEqual([
      { path: 'subject', message: 'subject uses who, which is not declared in variables.' },
    ]);
    const missing = previewTemplate({ text: '{{who}}' }, [{ key: 'who', type: 'string' }], {});
    expect(missing.rendered).toEqual({ text: '' });
    expect(missing.problems.map((problem) => problem.path)).toEqual(['variables.who']);
  });

  it.each([
    ['string', '', undefined],
    ['string', 'x', 'x'],
    ['number', '2.5', 2.5],
    ['number', ' ', undefined],
    ['number', 'abc', undefined],
    ['boolean', 'true', true],
    ['boolean', 'false', false],
    ['boolean', 'yes', undefined],
  ] as const)('a %s field holding %j gives %j', (type, text, expected) => {
    expect(typedValue(type, text)).toBe(expected);
  });
});

describe('apiBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:3000/dashboard/', 'http://127.0.0.1:3000'],
    ['http://127.0.0.1:3000/dashboard/#/domains', 'http://127.0.0.1:3000'],
    [
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/dashboard/',
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
    ],
  ])('%s → %s', (page, base) => {
    expect(apiBaseUrl(page)).toBe(base);
  });
});
