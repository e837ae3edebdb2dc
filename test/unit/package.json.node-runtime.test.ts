/**
 * The tests run on the Lambdas' Node major (24), not on the machine's own Node: the devDependency
 * `node` puts its binary in node_modules/.bin, which npm puts first on the PATH of every script
 * (`npm test`, `npm exec vitest …`). Run the tests through npm, not node_modules/.bin/vitest.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAMBDA_NODE_MAJOR = 24;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function major(version: string): number {
  return Number(version.trim().replace(/^v/, '').split('.')[0]);
}

/** A child's Node version, spawned with a Lambda-like minimal environment (PATH only). */
function childNodeVersion(command: string, args: readonly string[]): string {
  return execFileSync(command, [...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('Node 24 everywhere', () => {
  it('runs the test process itself on Node 24', () => {
    expect(major(process.versions.node)).toBe(LAMBDA_NODE_MAJOR);
  });

  it('runs a child spawned as the tests spawn the CLI (process.execPath) on Node 24', () => {
    expect(major(childNodeVersion(process.execPath, ['-p', 'process.versions.node']))).toBe(
      LAMBDA_NODE_MAJOR,
    );
  });

  it('resolves `node` on the PATH, as scripts and `#!/usr/bin/env node` entry points do, to Node 24', () => {
    expect(major(childNodeVersion('node', ['-p', 'process.versions.node']))).toBe(LAMBDA_NODE_MAJOR);
  });

  it('runs what `npm exec` starts (the CLI through npx) on Node 24', () => {
    expect(major(childNodeVersion('npm', ['exec', '--', 'node', '-p', 'process.versions.node']))).toBe(
      LAMBDA_NODE_MAJOR,
    );
  });
});
