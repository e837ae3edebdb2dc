/**
 * Builds the dashboard (dashboard/src) into its static files with esbuild, in memory: the local stack
 * builds it when it starts (so a fresh clone's `npm start` serves it with no build step), the CDK
 * stack when it synthesises, and `npm run build:dashboard` writes the files to dashboard/dist.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { contentTypeOf, type StaticFile, type StaticSite } from '../lambdas/dashboard/static-site.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** The browsers the bundle is written for: evergreen ones (ES2022, module scripts). */
const BROWSER_TARGETS = ['chrome110', 'firefox115', 'safari16'];

export function buildDashboard(): StaticSite {
  const result = buildSync({
    absWorkingDir: HERE,
    entryPoints: { app: './src/main.tsx', styles: './src/styles.css' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: BROWSER_TARGETS,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: 'out',
    write: false,
    logLevel: 'silent',
    // Mustache's and Preact's licence headers stay with the code they belong to.
    legalComments: 'eof',
  });
  const files = new Map<string, StaticFile>();
  for (const output of result.outputFiles) {
    const name = output.path.split('/').pop() ?? output.path;
    files.set(name, { contentType: contentTypeOf(name), body: Buffer.from(output.contents) });
  }
  const html = readFileSync(`${HERE}index.html`);
  files.set('index.html', { contentType: contentTypeOf('index.html'), body: html });
  return files;
}
