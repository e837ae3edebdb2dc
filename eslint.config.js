// ESLint (flat config) with typescript-eslint and the vitest plugin; Prettier owns formatting.
import js from '@eslint/js';
import vitest from '@vitest/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import { BOUNDARIES } from './lambdas/boundaries.ts';

/**
 * One import rule per folder of lambdas/, from the table in lambdas/boundaries.ts: a relative import
 * that leaves the folder must land in a folder its row allows. A folder without a row may import no
 * other folder, and a file loose in lambdas/ imports nothing relative at all.
 */
function restrictImports(regex, message) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex, message }] }] };
}

const boundaries = [
  {
    files: ['lambdas/*/**/*.{ts,tsx}'],
    rules: restrictImports('^\\.\\./', 'A folder of lambdas/ needs a row in lambdas/boundaries.ts.'),
  },
  {
    files: ['lambdas/*.{ts,tsx}'],
    rules: restrictImports('^\\.', 'A file loose in lambdas/ imports no folder (lambdas/boundaries.ts).'),
  },
  ...Object.entries(BOUNDARIES).map(([folder, { imports }]) => ({
    files: [`lambdas/${folder}/**/*.{ts,tsx}`],
    rules: restrictImports(
      `^\\.\\./(?!(?:${imports.join('|')})/)`,
      `lambdas/${folder} may import only ${imports.length === 0 ? 'no other folder' : imports.map((name) => `lambdas/${name}`).join(', ')} (lambdas/boundaries.ts).`,
    ),
  })),
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      '.local/',
      'coverage/',
      'bench/results.json',
      'dashboard/dist/',
      'dashboard/src/api.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // The Lambdas validate with zod/mini imported as a namespace, which esbuild tree-shakes to what is
    // used; classic zod, or a named `z`, puts all of zod (about 430 KB) in every Lambda's cold start.
    files: ['lambdas/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^zod(/(?!mini$).*)?$|^zod-openapi(/.*)?$',
              message:
                'Lambdas validate with zod/mini (docs/decisions/0024-zod-mini-in-lambdas.md); classic zod and zod-openapi belong to docs/openapi.ts.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod/mini'] > ImportSpecifier[imported.name='z']",
          message:
            "Import zod/mini as a namespace, `import * as z from 'zod/mini'`: a named `z` bundles all of zod.",
        },
      ],
    },
  },
  ...boundaries,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      'vitest/no-focused-tests': 'error',
      'vitest/no-disabled-tests': 'error',
      'vitest/expect-expect': [
        'error',
        {
          assertFunctionNames: [
            'expect',
            'expect*',
            'assert*',
            '**.hasResourceProperties',
            '**.hasResource',
            '**.hasOutput',
          ],
        },
      ],
      // vitest's expect takes an optional failure message.
      'vitest/valid-expect': ['error', { maxArgs: 2 }],
      // Used only to narrow a union right after an unconditional assertion on it.
      'vitest/no-conditional-expect': 'off',
    },
  },
  prettier,
);
