/**
 * What a broadcast is sent with, pure (no AWS imports): its own subject, html and text over its
 * template's, the template's variables resolved (given values over fallbacks), and every check on the
 * way in the order the API reports them. The service fixes this content when sending starts; the
 * dashboard composes the same content to preview a draft with a real contact before it is sent.
 */
import type { FieldError } from '../api/errors.js';
import {
  prepareSources,
  resolveVariables,
  type VariableDeclaration,
  type VariableValue,
  type VariableValues,
} from '../templates/render.js';
import { broadcastSourceProblems, type Sources } from './personalize.js';

/** A broadcast item holds its draft and its content: refuse what would not fit DynamoDB's 400 KB. */
export const MAX_CONTENT_CHARS = 300 * 1024;
const VARIABLES_PATH = 'template.variables';

export interface BroadcastContent {
  readonly subject: string;
  readonly html?: string | undefined;
  readonly text?: string | undefined;
  /** The template's variables as resolved at send time (given values over fallbacks). */
  readonly variables: VariableValues;
}

/** The template a broadcast names, as far as its content goes. */
export interface ContentTemplate extends Sources {
  readonly variables: readonly VariableDeclaration[];
}

export type ComposedContent =
  | { readonly ok: true; readonly content: BroadcastContent }
  /** `missing_variable`: a variable without a value or a fallback; else a `validation_error`. */
  | {
      readonly ok: false;
      readonly code: 'validation_error' | 'missing_variable';
      readonly errors: FieldError[];
    };

export function composeContent(
  own: Sources,
  template: ContentTemplate | undefined,
  given: Readonly<Record<string, VariableValue>>,
): ComposedContent {
  const declared = new Set(template?.variables.map((variable) => variable.key) ?? []);
  const problems = broadcastSourceProblems(own, declared);
  if (problems.length > 0) return { ok: false, code: 'validation_error', errors: problems };
  const sources = {
    subject: own.subject ?? template?.subject,
    html: own.html ?? template?.html,
    text: own.text ?? template?.text,
  };
  const fieldProblems: FieldError[] = [];
  if (sources.subject === undefined)
    fieldProblems.push({
      path: 'subject',
      message: 'subject is required: neither the broadcast nor its template gives it.',
    });
  if (sources.html === undefined && sources.text === undefined)
    fieldProblems.push({
      path: 'html',
      message: 'html or text is required, from the broadcast or its template.',
    });
  if ((sources.html?.length ?? 0) + (sources.text?.length ?? 0) > MAX_CONTENT_CHARS)
    fieldProblems.push({
      path: 'html',
      message: `html and text together must be at most ${MAX_CONTENT_CHARS} characters.`,
    });
  if (fieldProblems.length > 0) return { ok: false, code: 'validation_error', errors: fieldProblems };
  let variables: VariableValues = {};
  if (template) {
    const resolved = resolveVariables(
      template.variables,
      given,
      prepareSources(sources).used,
      VARIABLES_PATH,
    );
    if (resolved.invalid.length > 0) return { ok: false, code: 'validation_error', errors: resolved.invalid };
    if (resolved.missing.length > 0) return { ok: false, code: 'missing_variable', errors: resolved.missing };
    variables = { ...resolved.values };
  }
  return {
    ok: true,
    content: { subject: sources.subject ?? '', html: sources.html, text: sources.text, variables },
  };
}
