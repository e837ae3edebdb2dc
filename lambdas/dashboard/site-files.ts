/**
 * Reads the dashboard's files from the folder the CDK bundling step wrote beside the Lambda's code
 * (lib/dashboard-site.ts): every file of `site/` by name, and `openapi.json`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentTypeOf, type StaticFile, type StaticSite } from './static-site.js';

export function readSite(directory: string): StaticSite {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(directory)) {
    files.set(name, { contentType: contentTypeOf(name), body: readFileSync(join(directory, name)) });
  }
  return files;
}
