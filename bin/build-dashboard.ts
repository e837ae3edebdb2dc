/**
 * `npm run build:dashboard [folder]`: writes the dashboard's static files to dashboard/dist (or the
 * folder given), for hosting them elsewhere. `npm start` builds it in memory; the CDK stack's bundling
 * step runs this with the deployed Lambda's folder (lib/dashboard-site.ts).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildDashboard } from '../dashboard/build.js';

const [folder] = process.argv.slice(2);
const out = folder ? pathToFileURL(`${resolve(folder)}/`) : new URL('../dashboard/dist/', import.meta.url);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [name, file] of buildDashboard()) {
  writeFileSync(new URL(name, out), file.body);
  console.log(`${name.padEnd(12)} ${file.body.length} bytes (${gzipSync(file.body).length} gzipped)`);
}
