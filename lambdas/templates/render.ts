/**
 * Mustache templates, checked and rendered without AWS imports; the templates service checks a
 * template when it is saved and the sending service renders it, both through this module.
 *
 * Safety rests on three things: values are only strings, numbers and booleans (Mustache calls a
 * function value, so none can ever reach it); the view is a null-prototype object holding only the
 * declared variables (so `{{constructor}}` finds nothing, and is refused earlier as undeclared); and
 * every name a template uses is checked against its declarations when it is saved, by walking the
 * same tokens the renderer renders.
 */
import Mustache from 'mustache';
import { isBroadcastName } from './broadcast-names.js';
import type { FieldError } from '../api/errors.js';

/**
 * Section nesting (`{{#a}}{{#b}}…`). Mustache renders nested sections recursively; a bound keeps a
 * hostile template from exhausting the stack, and no real email nests anywhere near it.
 * Kept here, not in template-rules.ts, so this module imports nothing of Node's: the dashboard bundles
 * it for its live preview.
 */
export const MAX_SECTION_DEPTH = 20;

export const VARIABLE_TYPES = ['string', 'number', 'boolean'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];
export type VariableValue = string | number | boolean;

export interface VariableDeclaration {
  readonly key: string;
  readonly type: VariableType;
  readonly fallback?: VariableValue | undefined;
}

/** The fields of a template that are Mustache sources. */
export const RENDERED_FIELDS = ['subject', 'html', 'text'] as const;
export type RenderedField = (typeof RENDERED_FIELDS)[number];
export type TemplateSources = Readonly<Partial<Record<RenderedField, string | undefined>>>;
export type RenderedBodies = Partial<Record<RenderedField, string>>;

// A writer of our own, without a parse cache: the default one keeps every template it ever parsed,
// keyed by its whole text, for the life of the Lambda container.
const writer: Mustache.Writer & { templateCache?: unknown } = new Mustache.Writer();
writer.templateCache = undefined;

/** Tokens as Mustache.parse returns them: [type, value, start, end, children?, …] each. */
type Tokens = string[][];

/** What one source uses. */
export interface SourceUse {
  /** Every variable name in a `{{x}}`, `{{{x}}}`, `{{& x}}`, `{{#x}}` or `{{^x}}` tag, nested included. */
  readonly names: ReadonlySet<string>;
  /** Names written out unescaped (`{{{x}}}`, `{{& x}}`). */
  readonly unescaped: ReadonlySet<string>;
  /** Partials (`{{> x}}`), which templates cannot use. */
  readonly partials: ReadonlySet<string>;
  readonly depth: number;
}

export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

/** Mustache's tokens for a source; a syntax error becomes a TemplateSyntaxError. */
function parse(source: string): Tokens {
  try {
    return writer.parse(source) as Tokens;
  } catch (error) {
    throw new TemplateSyntaxError(error instanceof Error ? error.message : String(error));
  }
}

export function sourceUse(source: string): SourceUse {
  return useOf(parse(source));
}

/** Walks the parsed tokens (iteratively: nesting depth is what is being measured, not trusted). */
function useOf(tokens: Tokens): SourceUse {
  const names = new Set<string>();
  const unescaped = new Set<string>();
  const partials = new Set<string>();
  let depth = 0;
  const pending: { tokens: readonly (readonly unknown[])[]; depth: number }[] = [{ tokens, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    depth = Math.max(depth, next.depth);
    for (const [type, value, , , children] of next.tokens) {
      if (typeof value !== 'string') continue;
      if (type === 'name' || type === '&' || type === '#' || type === '^') names.add(value);
      if (type === '&') unescaped.add(value);
      if (type === '>') partials.add(value);
      if ((type === '#' || type === '^') && Array.isArray(children)) {
        pending.push({ tokens: children as unknown[][], depth: next.depth + 1 });
      }
    }
  }
  return { names, unescaped, partials, depth };
}

/**
 * Everything wrong with a template's sources against its declarations, one problem per field and
 * name: a syntax error, a partial, nesting beyond the bound, unescaped output in html, a name that is
 * not declared. Empty when the template may be saved.
 */
export function sourceProblems(
  sources: TemplateSources,
  declarations: readonly VariableDeclaration[],
): FieldError[] {
  const declared = new Set(declarations.map((declaration) => declaration.key));
  const problems: FieldError[] = [];
  for (const field of RENDERED_FIELDS) {
    const source = sources[field];
    if (source === undefined) continue;
    const add = (message: string) => problems.push({ path: field, message: `${field} ${message}.` });
    let use: SourceUse;
    try {
      use = sourceUse(source);
    } catch (error) {
      add(`is not a valid Mustache template: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const partial of use.partials) add(`must not use partials, but uses {{> ${partial}}}`);
    if (use.depth > MAX_SECTION_DEPTH) add(`must not nest sections more than ${MAX_SECTION_DEPTH} deep`);
    // html escapes every value: a variable written out raw could carry markup or script from
    // whoever supplied it, so the triple mustache has no use here that is worth that risk.
    if (field === 'html') {
      for (const name of use.unescaped) {
        add(`must not write ${name} unescaped ({{{${name}}}} or {{& ${name}}}): use {{${name}}}`);
      }
    }
    for (const name of use.names) {
      // A broadcast fills in contact.* and unsubscribe_url; anywhere else they render empty.
      if (!declared.has(name) && !isBroadcastName(name))
        add(`uses ${name}, which is not declared in variables`);
    }
  }
  return problems;
}

/** Sources parsed once for a send: what they use, and the tokens to render. */
export interface PreparedSources {
  readonly used: ReadonlySet<string>;
  readonly parsed: Readonly<Partial<Record<RenderedField, { source: string; tokens: Tokens }>>>;
}

/** Parses the given sources (they parse: they were checked when the template was saved). */
export function prepareSources(sources: TemplateSources): PreparedSources {
  const used = new Set<string>();
  const parsed: Partial<Record<RenderedField, { source: string; tokens: Tokens }>> = {};
  for (const field of RENDERED_FIELDS) {
    const source = sources[field];
    if (source === undefined) continue;
    const tokens = parse(source);
    for (const name of useOf(tokens).names) used.add(name);
    parsed[field] = { source, tokens };
  }
  return { used, parsed };
}

export type VariableValues = Readonly<Record<string, VariableValue>>;

export interface ResolvedVariables {
  /** Declared keys only, given values over fallbacks, on a null prototype: the render view. */
  readonly values: VariableValues;
  /** 400s: a value of the wrong type, or a key the template does not declare. */
  readonly invalid: FieldError[];
  /** 422s: a used variable with neither a value nor a fallback. */
  readonly missing: FieldError[];
}

/**
 * Checks a send's values against the declarations and fills in fallbacks. `pathPrefix` is where the
 * values sit in the request (`template.variables`), so each error names the field the caller sent.
 */
export function resolveVariables(
  declarations: readonly VariableDeclaration[],
  given: VariableValues,
  used: ReadonlySet<string>,
  pathPrefix: string,
): ResolvedVariables {
  const values: Record<string, VariableValue> = Object.create(null) as Record<string, VariableValue>;
  const invalid: FieldError[] = [];
  const missing: FieldError[] = [];
  const byKey = new Map(declarations.map((declaration) => [declaration.key, declaration]));
  for (const key of Object.keys(given)) {
    if (!byKey.has(key)) {
      invalid.push({
        path: `${pathPrefix}.${key}`,
        message: `${pathPrefix}.${key} is not declared by the template.`,
      });
    }
  }
  for (const declaration of declarations) {
    const path = `${pathPrefix}.${declaration.key}`;
    const value = Object.hasOwn(given, declaration.key) ? given[declaration.key] : undefined;
    if (value !== undefined && typeof value !== declaration.type) {
      invalid.push({
        path,
        message: `${path} must be ${TYPE_WORDS[declaration.type]}, as the template declares.`,
      });
    } else if (value !== undefined) {
      values[declaration.key] = value;
    } else if (declaration.fallback !== undefined) {
      values[declaration.key] = declaration.fallback;
    } else if (used.has(declaration.key)) {
      missing.push({ path, message: `${path} is required: the template uses it and declares no fallback.` });
    }
  }
  return { values, invalid, missing };
}

const TYPE_WORDS: Readonly<Record<VariableType, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

/**
 * Renders each prepared source: html with every value HTML-escaped, subject and text verbatim.
 * `values` must come from resolveVariables (declared keys only, on a null prototype).
 */
export function renderSources(prepared: PreparedSources, values: VariableValues): RenderedBodies {
  const context = new Mustache.Context(Object.assign(Object.create(null) as object, values));
  const rendered: RenderedBodies = {};
  for (const field of RENDERED_FIELDS) {
    const parsed = prepared.parsed[field];
    if (parsed === undefined) continue;
    rendered[field] = writer.renderTokens(parsed.tokens, context, undefined, parsed.source, {
      escape: field === 'html' ? escapeHtml : verbatim,
    });
  }
  return rendered;
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '/': '&#x2F;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

/**
 * Mustache's own entity set, written here rather than read from `Mustache.escape`, which any code
 * loaded in the same process could reassign.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`=/]/g, (character) => HTML_ENTITIES[character] ?? character);
}

function verbatim(value: unknown): string {
  return String(value);
}
