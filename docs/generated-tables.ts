/**
 * The documentation's endpoint, scope and error tables and its folder diagram, generated from the
 * route table, the scope table, the error module and the boundary table of lambdas/ (`npm run docs`
 * rewrites them; a unit test fails when a page drifts).
 */
import { DEFAULT_MESSAGES, ERROR_CODES, NAME_BY_CODE, statusOf } from '../lambdas/api/errors.js';
import { requirementLabel, ROUTES, v1RouteOf } from '../lambdas/api/routes.js';
import { effectiveScopes, GENERAL_SCOPES, type GeneralScope } from '../lambdas/api/scopes.js';
import { BOUNDARIES, type FolderBoundary } from '../lambdas/boundaries.js';

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

/**
 * The drop-in surfaces, one row per Resend or SendGrid route: the native route it stands for and the
 * scope (or permission) that guards both.
 */
export function surfaceTable(): string {
  const rows = ROUTES.filter((route) => route.surface !== 'v1').map((route) => {
    const native = v1RouteOf(route);
    return `| ${route.surface} | \`${route.method} ${route.path}\` | \`${native.method} ${native.path}\` | \`${requirementLabel(route)}\` | ${route.summary} |`;
  });
  return [
    '| surface | route | stands for | required scope or permission | what it does |',
    '|---|---|---|---|---|',
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

/**
 * The folders of lambdas/ in layers (a folder sits one layer above the highest folder it imports, so
 * every import points down), then one row per folder: what it holds and what it may import.
 */
export function folderDiagram(): string {
  const rows: Readonly<Record<string, FolderBoundary>> = BOUNDARIES;
  const layers = new Map<string, number>();
  const layerOf = (folder: string): number => {
    const known = layers.get(folder);
    if (known !== undefined) return known;
    const layer = Math.max(-1, ...(rows[folder]?.imports ?? []).map(layerOf)) + 1;
    layers.set(folder, layer);
    return layer;
  };
  const names = Object.keys(rows);
  const top = Math.max(...names.map(layerOf));
  const label = (folder: string) => (rows[folder]?.kind === 'lambda' ? `${folder} (λ)` : folder);
  const diagram = Array.from({ length: top + 1 }, (_, i) => top - i).map(
    (layer) =>
      `${String(layer).padStart(2)}  ${names
        .filter((name) => layerOf(name) === layer)
        .map(label)
        .join('   ')}`,
  );
  const table = Object.entries(rows)
    .reverse()
    .map(
      ([folder, { kind, holds, imports }]) =>
        `| \`${folder}/\` | ${kind} | ${holds} | ${imports.length === 0 ? '—' : imports.join(', ')} |`,
    );
  return [
    '```',
    'lambdas/ by layer: every import points to a lower layer; (λ) holds one Lambda, entered at handler.ts',
    ...diagram,
    '```',
    '',
    '| folder | kind | holds | may import |',
    '|---|---|---|---|',
    ...table,
  ].join('\n');
}

export const GENERATED_SECTIONS = {
  endpoints: endpointTable,
  scopes: scopeTable,
  errors: errorTable,
  surfaces: surfaceTable,
  folders: folderDiagram,
} as const;

export type GeneratedSection = keyof typeof GENERATED_SECTIONS;

/** Which page (a path from the repository root) carries which generated tables; each table lives in one page. */
export const GENERATED_PAGES: Readonly<Record<string, readonly GeneratedSection[]>> = {
  'docs/api.md': ['endpoints', 'errors'],
  'docs/keys.md': ['scopes'],
  'docs/architecture.md': ['folders'],
  'docs/migrating.md': ['surfaces'],
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
