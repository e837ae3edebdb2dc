/** `npm run docs`: regenerates the README's tables from the route, scope and error tables. */
import { readFileSync, writeFileSync } from 'node:fs';
import { regenerate } from '../docs/generated-tables.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, regenerate(readFileSync(path, 'utf8')));
console.log('README.md tables regenerated');
