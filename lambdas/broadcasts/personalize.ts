/**
 * Rendering a broadcast for one contact, pure (no AWS imports). The view holds the template's
 * resolved variables, `contact` (its id, email, first_name, last_name, phone and properties) and
 * `unsubscribe_url`, all on null-prototype objects, so a dotted name finds only contact data: a
 * field the contact lacks renders empty, never a missing_variable. html escapes every value.
 */
import Mustache from 'mustache';
import type { FieldError } from '../api/errors.js';
import { isBroadcastName, UNSUBSCRIBE_URL } from '../templates/broadcast-names.js';
import {
  escapeHtml,
  MAX_SECTION_DEPTH,
  RENDERED_FIELDS,
  type RenderedField,
  sourceUse,
  type VariableValues,
} from '../templates/render.js';

export interface PersonalContact {
  readonly id: string;
  readonly email: string;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly phone?: string | undefined;
  readonly properties: Readonly<Record<string, string | number | boolean>>;
}

export type Sources = Readonly<Partial<Record<RenderedField, string>>>;

/**
 * What is wrong with a broadcast's own sources: a syntax error, a partial, deep nesting, raw output
 * in html, or a name that is neither a broadcast name nor one of `declared` (its template's variables).
 */
export function broadcastSourceProblems(sources: Sources, declared: ReadonlySet<string>): FieldError[] {
  const problems: FieldError[] = [];
  for (const field of RENDERED_FIELDS) {
    const source = sources[field];
    if (source === undefined) continue;
    const add = (message: string) => problems.push({ path: field, message: `${field} ${message}.` });
    let use;
    try {
      use = sourceUse(source);
    } catch (error) {
      add(`is not a valid Mustache template: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const partial of use.partials) add(`must not use partials, but uses {{> ${partial}}}`);
    if (use.depth > MAX_SECTION_DEPTH) add(`must not nest sections more than ${MAX_SECTION_DEPTH} deep`);
    if (field === 'html')
      for (const name of use.unescaped) add(`must not write ${name} unescaped: use {{${name}}}`);
    for (const name of use.names) {
      if (!declared.has(name) && !isBroadcastName(name)) {
        add(
          `uses ${name}, which is neither a template variable, contact.<field>, contact.properties.<name> nor unsubscribe_url`,
        );
      }
    }
  }
  return problems;
}

// Without a parse cache (as lambdas/templates/render.ts): a broadcast renders one source thousands of times, parsed once here.
const writer: Mustache.Writer & { templateCache?: unknown } = new Mustache.Writer();
writer.templateCache = undefined;

/** Tokens as Mustache.parse returns them. */
type Tokens = string[][];

export interface PreparedBroadcast {
  readonly parsed: Readonly<Partial<Record<RenderedField, { source: string; tokens: Tokens }>>>;
  readonly variables: VariableValues;
}

/** Parses once per batch; the sources were checked when the broadcast was saved. */
export function prepareBroadcast(sources: Sources, variables: VariableValues): PreparedBroadcast {
  const parsed: Partial<Record<RenderedField, { source: string; tokens: Tokens }>> = {};
  for (const field of RENDERED_FIELDS) {
    const source = sources[field];
    if (source !== undefined) parsed[field] = { source, tokens: writer.parse(source) as Tokens };
  }
  return { parsed, variables };
}

export function renderFor(
  prepared: PreparedBroadcast,
  contact: PersonalContact,
  unsubscribeUrl: string,
): Partial<Record<RenderedField, string>> {
  const view = nullObject({
    ...prepared.variables,
    contact: nullObject({
      id: contact.id,
      email: contact.email,
      first_name: contact.firstName,
      last_name: contact.lastName,
      phone: contact.phone,
      properties: nullObject(contact.properties),
    }),
    [UNSUBSCRIBE_URL]: unsubscribeUrl,
  });
  const context = new Mustache.Context(view);
  const rendered: Partial<Record<RenderedField, string>> = {};
  for (const field of RENDERED_FIELDS) {
    const source = prepared.parsed[field];
    if (source === undefined) continue;
    rendered[field] = writer.renderTokens(source.tokens, context, undefined, source.source, {
      escape: field === 'html' ? escapeHtml : String,
    });
  }
  return rendered;
}

function nullObject(entries: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const object = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) object[key] = value;
  return object;
}

/** RFC 8058 one-click unsubscribe: both headers, on every broadcast email. */
export function unsubscribeHeaders(url: string): Readonly<Record<string, string>> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
