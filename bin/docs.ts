/**
 * `npm run docs`: regenerates the README's tables and docs/openapi.json from the route table, the
 * contracts, the scope table and the error module.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { regenerate } from '../docs/generated-tables.js';
import { openApiJson } from '../docs/openapi.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, regenerate(readFileSync(readme, 'utf8')));
writeFileSync(new URL('../docs/openapi.json', import.meta.url), openApiJson());
console.log('README.md tables and docs/openapi.json regenerated');
