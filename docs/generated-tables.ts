/**
 * The README's endpoint, scope and error tables, generated from the route table, the scope table and
 * the error module (`npm run docs` rewrites them; a unit test fails when the README drifts).
 */
import { DEFAULT_MESSAGES, ERROR_CODES, NAME_BY_CODE, statusOf } from '../lambdas/core/errors.js';
import { requirementLabel, ROUTES } from '../lambdas/core/routes.js';
import { effectiveScopes, GENERAL_SCOPES, type GeneralScope } from '../lambdas/core/scopes.js';

export function endpointTable(): string {
  const rows = ROUTES.map(
    (route) =>
      `| \`${route.method}\` | \`${route.path}\` | \`${requirementLabel(route)}\` | ${route.summary} |`,
  );
  return [
    '| method | path | required scope or permission | what it does |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function scopeTable(): string {
  const sendingOnly = effectiveScopes('general', 'sending_only', []);
  const rows = (Object.entries(GENERAL_SCOPES) as [GeneralScope, string][]).map(
    ([scope, grants]) => `| \`${scope}\` | ${grants} | ✓ | ${sendingOnly.includes(scope) ? '✓' : ''} |`,
  );
  return ['| scope | grants | full_access | sending_only |', '|---|---|---|---|', ...rows].join('\n');
}

export function errorTable(): string {
  const rows = ERROR_CODES.map(
    (code) => `| ${statusOf(code)} | \`${code}\` | \`${NAME_BY_CODE[code]}\` | ${DEFAULT_MESSAGES[code]} |`,
  );
  return ['| status | error_code | name | message |', '|---|---|---|---|', ...rows].join('\n');
}

export const GENERATED_SECTIONS = {
  endpoints: endpointTable,
  scopes: scopeTable,
  errors: errorTable,
} as const;

/** Replaces every `<!-- generated:NAME -->…<!-- /generated:NAME -->` block with fresh content. */
export function regenerate(markdown: string): string {
  let result = markdown;
  for (const [name, render] of Object.entries(GENERATED_SECTIONS)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(result)) throw new Error(`README is missing the generated:${name} block`);
    result = result.replace(
      pattern,
      (_match, open: string, close: string) => `${open}\n${render()}\n${close}`,
    );
  }
  return result;
}
