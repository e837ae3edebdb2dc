import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { regenerate } from '../../docs/generated-tables.js';
import { requirementLabel, ROUTES } from '../../lambdas/core/routes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('carries the endpoint, scope and error tables generated from the code (run `npm run docs`)', () => {
    expect(readme).toBe(regenerate(readme));
  });

  it.each(ROUTES)('documents $method $path with its scope', (route) => {
    expect(readme).toContain(`| \`${route.method}\` | \`${route.path}\` | \`${requirementLabel(route)}\` |`);
  });

  it('states the two quick-start commands that CI runs', () => {
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(ci).toContain('npm ci');
    expect(ci).toMatch(/npm test/);
  });
});
