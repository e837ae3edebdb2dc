/**
 * `npm run docs`: regenerates the tables of the reference pages (docs/api.md, docs/keys.md), the
 * folder diagram of docs/architecture.md and docs/openapi.json from the route table, the contracts,
 * the scope table, the error module and lambdas/boundaries.ts, and the dashboard's API types from
 * the document.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DASHBOARD_API_TYPES_PATH, dashboardApiTypes } from '../docs/dashboard-types.js';
import { GENERATED_PAGES, regenerate } from '../docs/generated-tables.js';
import { openApiJson } from '../docs/openapi.js';

for (const [page, sections] of Object.entries(GENERATED_PAGES)) {
  const file = new URL(`../${page}`, import.meta.url);
  writeFileSync(file, regenerate(readFileSync(file, 'utf8'), sections, page));
}
const document = openApiJson();
writeFileSync(new URL('../docs/openapi.json', import.meta.url), document);
writeFileSync(new URL(`../${DASHBOARD_API_TYPES_PATH}`, import.meta.url), await dashboardApiTypes(document));
console.log(
  `${Object.keys(GENERATED_PAGES).join(', ')} tables, docs/openapi.json and ${DASHBOARD_API_TYPES_PATH} regenerated`,
);
