/**
 * `npm run build:dashboard`: writes the dashboard's static files to dashboard/dist, for hosting them
 * elsewhere. `npm start` and the CDK stack build it themselves; nothing needs this step.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildDashboard } from '../dashboard/build.js';

const out = new URL('../dashboard/dist/', import.meta.url);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [name, file] of buildDashboard()) {
  writeFileSync(new URL(name, out), file.body);
  console.log(`${name.padEnd(12)} ${file.body.length} bytes (${gzipSync(file.body).length} gzipped)`);
}
