import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  composeContent,
  type ContentTemplate,
  MAX_CONTENT_CHARS,
} from '../../../../lambdas/broadcasts/content.js';

const template: ContentTemplate = {
  subject: 'News for {{contact.first_name}}',
  html: '<p>{{intro}}</p>',
  text: '{{intro}}',
  variables: [
    { key: 'intro', type: 'string', fallback: 'Hello' },
    { key: 'count', type: 'number' },
  ],
};

describe('the content a broadcast is sent with', () => {
  it('takes its own sources over its template’s, and given values over fallbacks', () => {
    expect(composeContent({ subject: 'Own {{intro}}' }, template, {})).toEqual({
      ok: true,
      content: {
        subject: 'Own {{intro}}',
        html: '<p>{{intro}}</p>',
        text: '{{intro}}',
        variables: { intro: 'Hello' },
      },
    });
    expect(composeContent({}, template, { intro: 'Hi' })).toMatchObject({
      ok: true,
      content: { subject: template.subject, variables: { intro: 'Hi' } },
    });
  });

  it('resolves only the variables the sources use: an unused one needs no value', () => {
    const result = composeContent({}, template, {});
    expect(result).toMatchObject({ ok: true, content: { variables: { intro: 'Hello' } } });
  });

  it('is a missing_variable when a used variable has neither a value nor a fallback', () => {
    expect(composeContent({ text: '{{count}}' }, template, {})).toEqual({
      ok: false,
      code: 'missing_variable',
      errors: [expect.objectContaining({ path: 'template.variables.count' })],
    });
  });

  it('is a validation_error for a value of the wrong type', () => {
    const result = composeContent({ text: '{{count}}' }, template, { count: 'three' });
    expect(result).toMatchObject({ ok: false, code: 'validation_error' });
  });

  it.each([
    ['a name neither declared nor a contact field', { subject: 's', text: '{{plan}}' }, 'text'],
    ['html written unescaped', { subject: 's', html: '{{{contact.email}}}' }, 'html'],
    ['no subject', { text: 't' }, 'subject'],
    ['no body', { subject: 's' }, 'html'],
    ['a body too long', { subject: 's', text: 'x'.repeat(MAX_CONTENT_CHARS + 1) }, 'html'],
  ])('refuses %s without a template', (_, own, path) => {
    expect(composeContent(own, undefined, {})).toMatchObject({
      ok: false,
      code: 'validation_error',
      errors: [expect.objectContaining({ path })],
    });
  });

  it('keeps, field by field, the broadcast’s own source if it has one, else the template’s', () => {
    const source = fc.option(fc.constantFrom('a', 'b {{contact.email}}', '{{unsubscribe_url}}'), {
      nil: undefined,
    });
    fc.assert(
      fc.property(source, source, source, fc.constantFrom('s', 't'), (subject, html, text, fallback) => {
        const own = { subject, html, text };
        const base: ContentTemplate = { subject: fallback, html: fallback, text: fallback, variables: [] };
        const result = composeContent(own, base, {});
        expect(result).toEqual({
          ok: true,
          content: {
            subject: subject ?? fallback,
            html: html ?? fallback,
            text: text ?? fallback,
            variables: {},
          },
        });
      }),
    );
  });
});
