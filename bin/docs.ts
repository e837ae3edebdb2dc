/**
 * `npm run docs`: regenerates the README's tables and docs/openapi.json from the route table, the
 * contracts, the scope table and the error module, and the dashboard's API types from the document.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DASHBOARD_API_TYPES_PATH, dashboardApiTypes } from '../docs/dashboard-types.js';
import { regenerate } from '../docs/generated-tables.js';
import { openApiJson } from '../docs/openapi.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, regenerate(readFileSync(readme, 'utf8')));
const document = openApiJson();
writeFileSync(new URL('../docs/openapi.json', import.meta.url), document);
writeFileSync(new URL(`../${DASHBOARD_API_TYPES_PATH}`, import.meta.url), await dashboardApiTypes(document));
console.log(`README.md tables, docs/openapi.json and ${DASHBOARD_API_TYPES_PATH} regenerated`);
