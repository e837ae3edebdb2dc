/**
 * package.json sorts packages by who needs them at run time: what a Lambda bundle or the CLI
 * (`npx scopegate`, cli/main.ts through tsx) imports is a dependency; what only tests, docs, the
 * bench, the dashboard's build, the CDK app or the local stack use is a devDependency
 * (docs/decisions/0031-node-24-and-dependencies.md). Read from esbuild's import graph of every entry point.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLING, LAMBDA_ENTRIES } from '../../lib/bundling.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI_ENTRY = 'cli/main.ts';
const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The CLI's launcher registers tsx before it imports cli/main.ts (bin/scopegate.mjs). */
const CLI_LAUNCHER_PACKAGES = ['tsx'];

/** Packages our own files import directly (not through another package), per entry point. */
async function importedPackages(entry: string): Promise<Set<string>> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: 'out',
    platform: LAMBDA_BUNDLING.platform,
    format: LAMBDA_BUNDLING.format,
    metafile: true,
    logLevel: 'silent',
  });
  const packages = new Set<string>();
  for (const [path, input] of Object.entries(metafile.inputs)) {
    if (path.includes('node_modules/')) continue;
    for (const imported of input.imports) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(imported.path)?.[1];
      if (name && !imported.external) packages.add(name);
    }
  }
  return packages;
}

let runtime: Map<string, string[]>;

beforeAll(async () => {
  runtime = new Map();
  const entries: [string, string][] = [...Object.entries(LAMBDA_ENTRIES), ['cli', CLI_ENTRY]];
  for (const [name, entry] of entries) {
    for (const pkg of await importedPackages(entry)) runtime.set(pkg, [...(runtime.get(pkg) ?? []), name]);
  }
  for (const pkg of CLI_LAUNCHER_PACKAGES) runtime.set(pkg, [...(runtime.get(pkg) ?? []), 'cli']);
}, 60_000);

describe('dependencies and devDependencies', () => {
  it('lists every package a Lambda or the CLI imports at run time under dependencies', () => {
    const misplaced = [...runtime.keys()].filter((pkg) => !(pkg in manifest.dependencies)).sort();

    expect(misplaced.map((pkg) => `${pkg} (imported by ${runtime.get(pkg)?.join(', ')})`)).toEqual([]);
  });

  it('lists under dependencies only what a Lambda or the CLI imports', () => {
    const unused = Object.keys(manifest.dependencies).filter((pkg) => !runtime.has(pkg));

    expect(unused).toEqual([]);
  });

  it('never lists a package twice', () => {
    const both = Object.keys(manifest.dependencies).filter((pkg) => pkg in manifest.devDependencies);

    expect(both).toEqual([]);
  });
});
