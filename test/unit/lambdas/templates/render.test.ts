import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  prepareSources,
  renderSources as renderPrepared,
  resolveVariables,
  sourceProblems,
  sourceUse,
  TemplateSyntaxError,
  type VariableDeclaration,
} from '../../../../lambdas/templates/render.js';

/** Parses and renders in one go, as a send does. */
const renderSources = (
  sources: Parameters<typeof prepareSources>[0],
  values: Parameters<typeof renderPrepared>[1],
) => renderPrepared(prepareSources(sources), values);

const declare = (...keys: string[]): VariableDeclaration[] => keys.map((key) => ({ key, type: 'string' }));

/** Undoes escapeHtml's entities, to show nothing of the value was lost. */
const unescape = (html: string) =>
  html.replace(/&(amp|lt|gt|quot|#39|#x2F|#x60|#x3D);/g, (entity) => {
    const table: Record<string, string> = {
      '&amp;': '&',
      '&lt;': '<',
      '&gt;': '>',
      '&quot;': '"',
      '&#39;': "'",
      '&#x2F;': '/',
      '&#x60;': '`',
      '&#x3D;': '=',
    };
    return table[entity] ?? entity;
  });

/**
 * Strings rich in what HTML and Mustache treat specially, among any other characters ('binary'
 * strings are as thorough but take seconds to generate).
 */
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('<', '>', '"', "'", '&', '/', '`', '=', '&amp;', '{{', '}}', '\n'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
});

describe('sourceUse', () => {
  it.each([
    ['plain text', 'Hello there', [], 0],
    ['an escaped name', 'Hi {{name}}', ['name'], 0],
    ['spaces inside the tag', 'Hi {{  name  }}', ['name'], 0],
    ['a triple mustache', '{{{raw}}}', ['raw'], 0],
    ['an ampersand tag', '{{& raw}}', ['raw'], 0],
    ['a section and what it holds', '{{#vip}}Dear {{name}}{{/vip}}', ['vip', 'name'], 1],
    ['an inverted section', '{{^vip}}Hello {{name}}{{/vip}}', ['vip', 'name'], 1],
    ['nested sections', '{{#a}}{{#b}}{{^c}}{{d}}{{/c}}{{/b}}{{/a}}', ['a', 'b', 'c', 'd'], 3],
    ['a dotted name, whole', '{{user.name}}', ['user.name'], 0],
    ['the implicit iterator', '{{#a}}{{.}}{{/a}}', ['a', '.'], 1],
    ['a comment (no name)', '{{! a note about {{name}} }}', [], 0],
    ['changed delimiters', '{{=<% %>=}}Hi <% name %>', ['name'], 0],
  ])('%s', (_case, source, names, depth) => {
    const use = sourceUse(source);
    expect([...use.names].sort()).toEqual([...names].sort());
    expect(use.depth).toBe(depth);
  });

  it('records unescaped names and partials', () => {
    const use = sourceUse('{{{a}}} {{& b}} {{c}} {{> footer}}');
    expect([...use.unescaped].sort()).toEqual(['a', 'b']);
    expect([...use.partials]).toEqual(['footer']);
  });

  it.each(['{{#a}}open', '{{/a}}', '{{#a}}{{/b}}', '{{name', '{{=<% =}}'])(
    'throws TemplateSyntaxError for %j',
    (source) => {
      expect(() => sourceUse(source)).toThrow(TemplateSyntaxError);
    },
  );
});

describe('sourceProblems', () => {
  it('accepts a template whose every name is declared', () => {
    const sources = { subject: 'Hi {{name}}', html: '<p>{{#vip}}{{name}}{{/vip}}</p>', text: '{{name}}' };
    expect(sourceProblems(sources, declare('name', 'vip'))).toEqual([]);
  });

  it('names the undeclared variable and the field it is in, once per field', () => {
    expect(sourceProblems({ subject: '{{first}}', html: '{{first}} {{first}}' }, declare('name'))).toEqual([
      { path: 'subject', message: 'subject uses first, which is not declared in variables.' },
      { path: 'html', message: 'html uses first, which is not declared in variables.' },
    ]);
  });

  it.each([
    ['constructor'],
    ['__proto__'],
    ['toString'],
    ['hasOwnProperty'],
    ['name.length'],
    ['name.constructor'],
    ['.'],
  ])('refuses {{%s}} as undeclared', (name) => {
    const problems = sourceProblems({ text: `{{${name}}}` }, declare('name'));
    expect(problems).toEqual([
      { path: 'text', message: `text uses ${name}, which is not declared in variables.` },
    ]);
  });

  it('refuses unescaped output in html only', () => {
    const sources = { html: '{{{name}}} {{& name}}', text: '{{{name}}}', subject: '{{& name}}' };
    expect(sourceProblems(sources, declare('name'))).toEqual([
      {
        path: 'html',
        message: 'html must not write name unescaped ({{{name}}} or {{& name}}): use {{name}}.',
      },
    ]);
  });

  it('refuses partials, deep nesting and syntax errors with the field named', () => {
    const deep = `${'{{#a}}'.repeat(21)}x${'{{/a}}'.repeat(21)}`;
    expect(sourceProblems({ text: 'x {{> footer}}', html: deep, subject: '{{#a}}' }, declare('a'))).toEqual([
      {
        path: 'subject',
        message: expect.stringMatching(/^subject is not a valid Mustache template: Unclosed section "a"/),
      },
      { path: 'html', message: 'html must not nest sections more than 20 deep.' },
      { path: 'text', message: 'text must not use partials, but uses {{> footer}}.' },
    ]);
  });

  it('accepts nesting exactly at the bound', () => {
    const deep = `${'{{#a}}'.repeat(20)}x${'{{/a}}'.repeat(20)}`;
    expect(sourceProblems({ html: deep }, declare('a'))).toEqual([]);
  });
});

describe('resolveVariables', () => {
  const declarations: VariableDeclaration[] = [
    { key: 'name', type: 'string', fallback: 'friend' },
    { key: 'count', type: 'number' },
    { key: 'vip', type: 'boolean', fallback: false },
    { key: 'unused', type: 'string' },
  ];

  it('takes given values over fallbacks and leaves unused, unset variables out', () => {
    const resolved = resolveVariables(
      declarations,
      { count: 3, name: 'Ada' },
      new Set(['name', 'count']),
      'v',
    );
    expect({ ...resolved.values }).toEqual({ name: 'Ada', count: 3, vip: false });
    expect(resolved.invalid).toEqual([]);
    expect(resolved.missing).toEqual([]);
  });

  it('builds the view on a null prototype', () => {
    const resolved = resolveVariables(declarations, { count: 1 }, new Set(), 'v');
    expect(Object.getPrototypeOf(resolved.values)).toBeNull();
  });

  it('lists a used variable with no value and no fallback as missing, naming its path', () => {
    const resolved = resolveVariables(declarations, {}, new Set(['count', 'name']), 'template.variables');
    expect(resolved.missing).toEqual([
      {
        path: 'template.variables.count',
        message: 'template.variables.count is required: the template uses it and declares no fallback.',
      },
    ]);
  });

  it.each([
    ['name', 7, 'a string'],
    ['count', '7', 'a number'],
    ['vip', 'yes', 'true or false'],
  ])('refuses %s = %j as not %s', (key, value, words) => {
    const resolved = resolveVariables(declarations, { [key]: value }, new Set([key]), 'template.variables');
    expect(resolved.invalid).toEqual([
      {
        path: `template.variables.${key}`,
        message: `template.variables.${key} must be ${words}, as the template declares.`,
      },
    ]);
  });

  it('refuses a value for a variable the template does not declare', () => {
    const resolved = resolveVariables(
      declarations,
      { nmae: 'typo', count: 1 },
      new Set(),
      'template.variables',
    );
    expect(resolved.invalid).toEqual([
      {
        path: 'template.variables.nmae',
        message: 'template.variables.nmae is not declared by the template.',
      },
    ]);
  });
});

describe('renderSources', () => {
  const view = (values: Record<string, string | number | boolean>) =>
    resolveVariables(
      Object.entries(values).map(([key, value]) => ({ key, type: typeof value as 'string' })),
      values,
      new Set(),
      'v',
    ).values;

  it('escapes html and leaves subject and text verbatim', () => {
    const value = `<b>"Tom" & 'Jerry'</b>`;
    const rendered = renderSources(
      { subject: 'Hi {{v}}', html: '<p>{{v}}</p>', text: 'Hi {{v}}' },
      view({ v: value }),
    );
    expect(rendered).toEqual({
      subject: `Hi ${value}`,
      html: '<p>&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;&#x2F;b&gt;</p>',
      text: `Hi ${value}`,
    });
  });

  it.each([
    ['a true boolean shows its section', '{{#vip}}VIP{{/vip}}{{^vip}}guest{{/vip}}', { vip: true }, 'VIP'],
    [
      'a false boolean shows the inverted one',
      '{{#vip}}VIP{{/vip}}{{^vip}}guest{{/vip}}',
      { vip: false },
      'guest',
    ],
    ['zero is falsy', '{{#n}}some{{/n}}{{^n}}none{{/n}}', { n: 0 }, 'none'],
    ['a number prints as written', '{{n}} items', { n: 2.5 }, '2.5 items'],
    ['a string section keeps outer names', '{{#name}}Dear {{name}}{{/name}}', { name: 'Ada' }, 'Dear Ada'],
    ['an empty string hides its section', '{{#name}}Dear {{name}}{{/name}}', { name: '' }, ''],
  ])('%s', (_case, source, values, expected) => {
    expect(renderSources({ text: source }, view(values)).text).toBe(expected);
  });

  it('renders a template that is not Mustache-looking text unchanged', () => {
    expect(renderSources({ text: 'a { b } c' }, view({})).text).toBe('a { b } c');
  });

  it('never lets a value break out of the html it is written into (property)', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        const html = renderSources({ html: '<p title="{{v}}">{{v}}</p>' }, view({ v: value })).html ?? '';
        // Both places hold the same escaped text, so its length splits the output unambiguously.
        const length = (html.length - '<p title="">'.length - '</p>'.length) / 2;
        const attribute = html.slice('<p title="'.length, '<p title="'.length + length);
        const body = html.slice(-'</p>'.length - length, -'</p>'.length);
        expect(html).toBe(`<p title="${attribute}">${body}</p>`);
        for (const part of [attribute, body]) {
          expect(part).not.toMatch(/[<>"']/);
          expect(part.replace(/&(amp|lt|gt|quot|#39|#x2F|#x60|#x3D);/g, '')).not.toContain('&');
          expect(unescape(part)).toBe(value);
        }
      }),
    );
  });

  it('writes any string verbatim into subject and text (property)', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        const rendered = renderSources({ subject: '[{{v}}]', text: '{{{v}}}|{{v}}' }, view({ v: value }));
        expect(rendered.subject).toBe(`[${value}]`);
        expect(rendered.text).toBe(`${value}|${value}`);
      }),
    );
  });

  it('treats Mustache syntax inside a value as text, never as a template', () => {
    const rendered = renderSources(
      { text: '{{v}}', html: '{{v}}' },
      view({ v: '{{#a}}{{b}}{{/a}}', a: 'x' }),
    );
    expect(rendered.text).toBe('{{#a}}{{b}}{{/a}}');
    expect(rendered.html).toBe('{{#a}}{{b}}{{&#x2F;a}}');
  });
});

describe('escapeHtml', () => {
  it.each([
    ['&', '&amp;'],
    ['<script>', '&lt;script&gt;'],
    [`"'`, '&quot;&#39;'],
    ['a=b/`c`', 'a&#x3D;b&#x2F;&#x60;c&#x60;'],
    [42, '42'],
    [true, 'true'],
  ])('%j → %j', (value, expected) => {
    expect(escapeHtml(value)).toBe(expected);
  });
});

describe('prepareSources', () => {
  it('unions the names of every given source', () => {
    expect(
      [...prepareSources({ subject: '{{a}}', html: '{{#b}}{{c}}{{/b}}', text: undefined }).used].sort(),
    ).toEqual(['a', 'b', 'c']);
  });
});
