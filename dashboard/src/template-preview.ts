/**
 * The editor's live preview, rendered by the server's own module (lambdas/templates/render.ts, bundled
 * into the page): the same Mustache, the same escaping (html escaped, subject and text verbatim), the
 * same checks when saving and the same variable rules when sending. One implementation, not a copy.
 */
import type { FieldError } from '../../lambdas/api/errors';
import {
  prepareSources,
  type RenderedBodies,
  renderSources,
  resolveVariables,
  sourceProblems,
  type TemplateSources,
  type VariableDeclaration,
  type VariableType,
  type VariableValue,
} from '../../lambdas/templates/render';

export interface Preview {
  /** Absent when a source cannot be rendered at all (a syntax error, a partial, an undeclared name). */
  readonly rendered: RenderedBodies | undefined;
  /** What the server would refuse: at save (sources) or at send (values). */
  readonly problems: readonly FieldError[];
}

export function previewTemplate(
  sources: TemplateSources,
  declarations: readonly VariableDeclaration[],
  given: Readonly<Record<string, VariableValue>>,
): Preview {
  const problems = sourceProblems(sources, declarations);
  if (problems.length > 0) return { rendered: undefined, problems };
  const prepared = prepareSources(sources);
  const resolved = resolveVariables(declarations, given, prepared.used, 'variables');
  return {
    rendered: renderSources(prepared, resolved.values),
    problems: [...resolved.invalid, ...resolved.missing],
  };
}

/**
 * A form field's text as the declared type, or undefined when it gives no value (empty, or not a
 * number for a number): the preview then uses the fallback, as a send without that value would.
 */
export function typedValue(type: VariableType, text: string): VariableValue | undefined {
  if (text === '') return undefined;
  if (type === 'string') return text;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) ? number : undefined;
}
