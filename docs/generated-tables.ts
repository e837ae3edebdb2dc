/**
 * The documentation's endpoint, scope and error tables, generated from the route table, the scope
 * table and the error module (`npm run docs` rewrites them; a unit test fails when a page drifts).
 */
import { DEFAULT_MESSAGES, ERROR_CODES, NAME_BY_CODE, statusOf } from '../lambdas/api/errors.js';
import { requirementLabel, ROUTES } from '../lambdas/api/routes.js';
import { effectiveScopes, GENERAL_SCOPES, type GeneralScope } from '../lambdas/api/scopes.js';

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

export type GeneratedSection = keyof typeof GENERATED_SECTIONS;

/** Which page (a path from the repository root) carries which generated tables; each table lives in one page. */
export const GENERATED_PAGES: Readonly<Record<string, readonly GeneratedSection[]>> = {
  'docs/api.md': ['endpoints', 'errors'],
  'docs/keys.md': ['scopes'],
};

/**
 * Replaces each named `<!-- generated:NAME -->…<!-- /generated:NAME -->` block of a page with fresh
 * content; a page missing one of its blocks is an error, so a table cannot silently disappear.
 */
export function regenerate(
  markdown: string,
  sections: readonly GeneratedSection[],
  page = 'the page',
): string {
  let result = markdown;
  for (const name of sections) {
    const pattern = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(result)) throw new Error(`${page} is missing the generated:${name} block`);
    const render = GENERATED_SECTIONS[name];
    result = result.replace(
      pattern,
      (_match, open: string, close: string) => `${open}\n${render()}\n${close}`,
    );
  }
  return result;
}
