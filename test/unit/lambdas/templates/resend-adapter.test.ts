/** The Resend templates adapter's pure mappings: Resend's body to /v1's, /v1's template to Resend's. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TemplateJson } from '../../../../lambdas/templates/contracts.js';
import { sourceUse } from '../../../../lambdas/templates/render.js';
import {
  duplicateInputOf,
  escapedPlaceholders,
  resendTemplateListItemOf,
  resendTemplateOf,
  v1TemplateInputOf,
} from '../../../../lambdas/templates/resend-adapter.js';

const TEMPLATE: TemplateJson = {
  object: 'template',
  id: 'tpl_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw',
  name: 'welcome',
  alias: 'welcome',
  subject: 'Hi {{NAME}}',
  html: '<p>{{NAME}}</p>',
  text: null,
  from: 'a@example.com',
  reply_to: ['b@example.com'],
  variables: [
    { key: 'NAME', type: 'string', fallback: null },
    { key: 'COUNT', type: 'number', fallback: 3 },
  ],
  created_at: '2026-11-24T14:30:00.000Z',
  updated_at: '2026-11-25T09:00:00.000Z',
};

describe('escapedPlaceholders', () => {
  it.each([
    ['<p>{{{NAME}}}</p>', '<p>{{NAME}}</p>'],
    ['{{{ NAME }}} and {{{PLAN}}}', '{{NAME}} and {{PLAN}}'],
    ['{{NAME}} stays', '{{NAME}} stays'],
    ['{{#LIST}}{{{ITEM}}}{{/LIST}}', '{{#LIST}}{{ITEM}}{{/LIST}}'],
    ['no tags', 'no tags'],
  ])('%s → %s', (html, escaped) => {
    expect(escapedPlaceholders(html)).toBe(escaped);
  });

  it('leaves no unescaped variable in any html built of text and Resend placeholders', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/);
    const text = fc.string().filter((value) => !/[{}]/.test(value));
    const part = fc.oneof(
      text,
      key.map((name) => `{{{${name}}}}`),
      key.map((name) => `{{{ ${name} }}}`),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const use = sourceUse(escapedPlaceholders(parts.join('')));
        expect(use.unescaped.size).toBe(0);
      }),
    );
  });
});

describe('v1TemplateInputOf', () => {
  it("renames fallback_value, escapes html's placeholders and keeps every other field as sent", () => {
    expect(
      v1TemplateInputOf({
        name: 'n',
        subject: '{{{NAME}}}',
        html: '<p>{{{NAME}}}</p>',
        text: '{{{NAME}}}',
        reply_to: 'a@example.com',
        variables: [
          { key: 'NAME', type: 'string', fallback_value: 'you' },
          { key: 'N', type: 'number' },
        ],
      }),
    ).toEqual({
      name: 'n',
      subject: '{{{NAME}}}',
      html: '<p>{{NAME}}</p>',
      text: '{{{NAME}}}',
      reply_to: 'a@example.com',
      variables: [
        { key: 'NAME', type: 'string', fallback: 'you' },
        { key: 'N', type: 'number' },
      ],
    });
  });

  it('leaves out what was not sent and keeps null (which clears a field)', () => {
    expect(v1TemplateInputOf({ html: null, alias: null })).toEqual({ html: null, alias: null });
    expect(v1TemplateInputOf({})).toEqual({});
  });
});

describe('resendTemplateOf', () => {
  it('answers the template live, in one version, its variables stamped with its times', () => {
    expect(resendTemplateOf(TEMPLATE)).toEqual({
      ...TEMPLATE,
      variables: [
        {
          key: 'NAME',
          type: 'string',
          fallback_value: null,
          created_at: TEMPLATE.created_at,
          updated_at: TEMPLATE.updated_at,
        },
        {
          key: 'COUNT',
          type: 'number',
          fallback_value: 3,
          created_at: TEMPLATE.created_at,
          updated_at: TEMPLATE.updated_at,
        },
      ],
      status: 'published',
      published_at: TEMPLATE.updated_at,
      has_unpublished_versions: false,
      current_version_id: TEMPLATE.id,
    });
  });

  it('lists a template by id, name, alias and times', () => {
    expect(resendTemplateListItemOf(TEMPLATE)).toEqual({
      id: TEMPLATE.id,
      name: 'welcome',
      alias: 'welcome',
      status: 'published',
      published_at: TEMPLATE.updated_at,
      created_at: TEMPLATE.created_at,
      updated_at: TEMPLATE.updated_at,
    });
  });
});

describe('duplicateInputOf', () => {
  it('copies every field but the alias, and names the copy', () => {
    expect(duplicateInputOf(TEMPLATE)).toMatchObject({
      name: 'welcome (copy)',
      subject: 'Hi {{NAME}}',
      html: '<p>{{NAME}}</p>',
      from: 'a@example.com',
      reply_to: ['b@example.com'],
      variables: [
        { key: 'NAME', type: 'string', fallback: null },
        { key: 'COUNT', type: 'number', fallback: 3 },
      ],
    });
    expect(duplicateInputOf(TEMPLATE).alias).toBeUndefined();
  });

  it('keeps a long name within the 256 characters a name may have', () => {
    const name = duplicateInputOf({ ...TEMPLATE, name: 'x'.repeat(256) }).name;
    expect(name).toHaveLength(256);
    expect(name.endsWith(' (copy)')).toBe(true);
  });
});
