/**
 * Tests mirror the source: the test of `lambdas/keys/api-key.ts` is
 * `test/<kind>/lambdas/keys/api-key.test.ts` (`<kind>`: unit, integration, e2e, cdk, dashboard), a
 * second test of it `api-key.<aspect>.test.ts`, and the test of a whole folder `<folder>.test.ts`. So
 * every test file names a file or folder of the repository; the shared security table is the one
 * cross-cutting test.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CROSS_CUTTING = ['test/e2e/route-security.test.ts'];

const kinds = readdirSync(join(root, 'test')).filter(
  (name) => name !== 'support' && statSync(join(root, 'test', name)).isDirectory(),
);
const tests = kinds.flatMap((kind) =>
  readdirSync(join(root, 'test', kind), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/${kind}/${name.split('\\').join('/')}`),
);

/** The source a test file names: its path in the kind, without `.test.ts` and an optional `.<aspect>`. */
export function sourceOf(testFile: string): string | undefined {
  const named = testFile.replace(/^test\/[^/]+\//, '').replace(/\.test\.ts$/, '');
  const candidates = [named, named.replace(/\.[\w-]+$/, '')];
  for (const path of candidates) {
    for (const existing of [path, `${path}.ts`, `${path}.tsx`]) {
      if (existsSync(join(root, existing))) return existing;
    }
  }
  return undefined;
}

describe('test layout', () => {
  it('finds the source a test names', () => {
    expect(sourceOf('test/unit/lambdas/keys/api-key.test.ts')).toBe('lambdas/keys/api-key.ts');
    expect(sourceOf('test/unit/lambdas/keys/verify-key.rotation.test.ts')).toBe('lambdas/keys/verify-key.ts');
    expect(sourceOf('test/e2e/lambdas/audience.test.ts')).toBe('lambdas/audience');
    expect(sourceOf('test/unit/lambdas/keys/no-such-file.test.ts')).toBeUndefined();
  });

  it.each(tests.filter((test) => !CROSS_CUTTING.includes(test)))('%s names its source', (test) => {
    expect(sourceOf(test)).toBeDefined();
  });

  it('keeps the cross-cutting tests that exist', () => {
    for (const test of CROSS_CUTTING) expect(tests).toContain(test);
  });
});
