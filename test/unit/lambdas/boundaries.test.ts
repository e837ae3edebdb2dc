/**
 * The folders of lambdas/ as lambdas/boundaries.ts lays them down: the folder graph read from the
 * imports is exactly the table (every import allowed, every allowance used), it has no cycle, every
 * folder has a row, each Lambda of lib/bundling.ts has a folder of its own, and the folders stay small.
 * The lint rule built from the same table is run on a forbidden import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BOUNDARIES, type FolderBoundary } from '../../../lambdas/boundaries.js';
import { LAMBDA_ENTRIES } from '../../../lib/bundling.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const lambdas = join(root, 'lambdas');
const rows: Readonly<Record<string, FolderBoundary>> = BOUNDARIES;

const folders = readdirSync(lambdas).filter((name) => statSync(join(lambdas, name)).isDirectory());
const looseFiles = readdirSync(lambdas).filter((name) => statSync(join(lambdas, name)).isFile());

function sourcesOf(folder: string): string[] {
  return readdirSync(join(lambdas, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.tsx?$/.test(name))
    .map((name) => posix.join('lambdas', folder, name.split('\\').join('/')));
}

/** Every relative module a file names: imports, re-exports, type imports and dynamic imports. */
function relativeImportsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return importedFiles.map((ref) => ref.fileName).filter((name) => name.startsWith('.'));
}

/** `from → to` for every import that leaves its folder, with the files that make it. */
function folderEdges(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const folder of folders) {
    for (const file of sourcesOf(folder)) {
      for (const specifier of relativeImportsOf(file)) {
        const target = posix.normalize(posix.join(posix.dirname(file), specifier));
        const [top, to = '(outside)'] = target.split('/');
        const into = top === 'lambdas' ? to : `(outside lambdas: ${target})`;
        if (into === folder) continue;
        const key = `${folder} -> ${into}`;
        edges.set(key, [...(edges.get(key) ?? []), `${file} imports ${specifier}`]);
      }
    }
  }
  return edges;
}

describe('lambdas/boundaries.ts', () => {
  const edges = folderEdges();

  it('has a row for every folder of lambdas/ and a folder for every row', () => {
    expect([...folders].sort()).toEqual(Object.keys(rows).sort());
  });

  it('allows only folders that exist, never the folder itself', () => {
    for (const [folder, { imports }] of Object.entries(rows)) {
      for (const name of imports) {
        expect(Object.keys(rows), `${folder} allows ${name}`).toContain(name);
        expect(name).not.toBe(folder);
      }
    }
  });

  it('allows every cross-folder import the code makes, and no file imports from outside lambdas/', () => {
    const forbidden = [...edges].filter(([key]) => {
      const [from = '', to = ''] = key.split(' -> ');
      return !(rows[from]?.imports ?? []).includes(to);
    });
    expect(forbidden).toEqual([]);
  });

  it('has no allowance the code does not use', () => {
    const unused = Object.entries(rows).flatMap(([folder, { imports }]) =>
      imports.filter((to) => !edges.has(`${folder} -> ${to}`)).map((to) => `${folder} -> ${to}`),
    );
    expect(unused).toEqual([]);
  });

  it('lists the folders bottom-up, so the folder graph has no cycle', () => {
    const order = Object.keys(rows);
    const upward = Object.entries(rows).flatMap(([folder, { imports }]) =>
      imports.filter((to) => order.indexOf(to) >= order.indexOf(folder)).map((to) => `${folder} -> ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it('gives each Lambda of lib/bundling.ts a folder of its own, entered at handler.ts', () => {
    const entryFolders = Object.values(LAMBDA_ENTRIES).map((entry) => {
      expect(entry).toMatch(/^lambdas\/[\w-]+\/handler\.ts$/);
      return entry.split('/')[1];
    });
    const lambdaRows = Object.entries(rows)
      .filter(([, { kind }]) => kind === 'lambda')
      .map(([folder]) => folder);
    expect([...entryFolders].sort()).toEqual([...lambdaRows].sort());
    for (const folder of folders) {
      expect(sourcesOf(folder).includes(`lambdas/${folder}/handler.ts`), folder).toBe(
        rows[folder]?.kind === 'lambda',
      );
    }
  });

  it('keeps every folder at 25 files or fewer and at most one file loose in lambdas/', () => {
    for (const folder of folders) expect(sourcesOf(folder).length, folder).toBeLessThanOrEqual(25);
    expect(looseFiles).toEqual(['boundaries.ts']);
  });
});

describe('the lint rule built from the table', () => {
  const eslint = new ESLint({ cwd: root });
  /** Lints `code` as if it were a new file of the folder. */
  const lint = async (folder: string, code: string) =>
    (await eslint.lintText(code, { filePath: join(lambdas, folder, 'probe.ts') }))
      .flatMap((result) => result.messages)
      .filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports')
      .map((message) => message.message);

  it('refuses an import the folder row does not allow, type imports included', async () => {
    const code = "import type { KeyRecord } from '../keys/key-item.js';\nexport type Probe = KeyRecord;\n";
    expect(await lint('api', code)).toEqual([
      expect.stringContaining('lambdas/api may import only lambdas/aws (lambdas/boundaries.ts)'),
    ]);
  });

  it('accepts an import the row allows', async () => {
    const code = "import type { Scope } from '../api/scopes.js';\nexport type Probe = Scope;\n";
    expect(await lint('keys', code)).toEqual([]);
  });

  it('refuses any cross-folder import from a folder without a row', async () => {
    const code = "import type { Scope } from '../api/scopes.js';\nexport type Probe = Scope;\n";
    expect(await lint('unlisted', code)).toEqual([
      expect.stringContaining('needs a row in lambdas/boundaries.ts'),
    ]);
  });

  it('refuses an import that leaves lambdas/', async () => {
    const code = "import type { Config } from '../../local/config.js';\nexport type Probe = Config;\n";
    expect(await lint('aws', code)).toHaveLength(1);
  });
});
