/**
 * The README and the pages in docs/: the generated tables match the code, every route is documented,
 * the README stays a front page with the two quick-start commands, and no link (or path named in a
 * comment) points at a file or heading that does not exist.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GENERATED_PAGES, GENERATED_SECTIONS, regenerate } from '../../docs/generated-tables.js';
import { requirementLabel, ROUTES } from '../../lambdas/api/routes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

function filesUnder(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => !path.split(sep).includes('node_modules') && !path.split(sep).includes('dist'))
    .filter((path) => extensions.some((ext) => path.endsWith(ext)) && statSync(join(root, path)).isFile());
}

const markdownPages = ['README.md', ...filesUnder('docs', ['.md'])];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading?.[1]) continue;
    const base = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Fenced blocks and HTML comments hold no headings and no links. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/<!--[\s\S]*?-->/g, '');
}

/** Nor does inline code. */
function withoutCode(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** Every relative link target of a page: `[text](target)` and `![alt](target)`. */
export function relativeLinks(markdown: string): string[] {
  const targets = [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map(
    (m) => m[1] ?? '',
  );
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('generated tables', () => {
  it.each(Object.entries(GENERATED_PAGES))(
    '%s carries the tables generated from the code (run `npm run docs`)',
    (page, sections) => {
      const markdown = read(page);
      expect(markdown).toBe(regenerate(markdown, sections, page));
    },
  );

  it('places every generated table in exactly one page', () => {
    const placed = Object.values(GENERATED_PAGES).flat().sort();
    expect(placed).toEqual(Object.keys(GENERATED_SECTIONS).sort());
  });

  it('refuses a page that lost one of its tables', () => {
    expect(() => regenerate('# nothing here\n', ['errors'], 'some page')).toThrow(
      'some page is missing the generated:errors block',
    );
  });

  it.each(ROUTES)('docs/api.md documents $method $path with its scope', (route) => {
    expect(read('docs/api.md')).toContain(
      `| \`${route.method}\` | \`${route.path}\` | \`${requirementLabel(route)}\` |`,
    );
  });
});

describe('README', () => {
  const readme = read('README.md');

  it('states the two quick-start commands that CI runs', () => {
    const ci = read('.ci/run');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(ci).toContain('npm ci');
    expect(ci).toMatch(/npm test/);
  });

  it('is a front page of at most 400 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(400);
  });

  it('keeps the Deploying and Security sections', () => {
    expect(readme).toMatch(/^## Deploying$/m);
    expect(readme).toMatch(/^## Security$/m);
  });
});

describe('links', () => {
  it('finds links outside code and computes GitHub anchors', () => {
    const page =
      '# A `b` (c), d.e\n## A `b` (c), d.e\n[x](y.md#z) `[no](link.md)` ![img](p.png "t")\n```\n[no](x)\n```';
    expect([...anchorsOf(page)]).toEqual(['a-b-c-de', 'a-b-c-de-1']);
    expect(relativeLinks(page)).toEqual(['y.md#z', 'p.png']);
    expect(relativeLinks('[site](https://example.com) [mail](mailto:a@b.c)')).toEqual([]);
  });

  it.each(markdownPages)(
    'every relative link in %s resolves to a file (and heading) in the repository',
    (page) => {
      const broken: string[] = [];
      for (const target of relativeLinks(read(page))) {
        const [path = '', anchor] = target.split('#');
        const file =
          path === '' ? join(root, page) : resolve(join(root, dirname(page)), decodeURIComponent(path));
        if (relative(root, file).startsWith('..') || !existsSync(file)) {
          broken.push(`${target} (no such file in the repository)`);
        } else if (anchor !== undefined && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
          broken.push(`${target} (no such heading)`);
        }
      }
      expect(broken).toEqual([]);
    },
  );

  const codeAndPages = [
    'README.md',
    'eslint.config.js',
    'vitest.config.ts',
    ...[
      'bin',
      'bench',
      'cli',
      'dashboard/src',
      'docs',
      'examples',
      'lambdas',
      'lib',
      'local',
      'test',
    ].flatMap((dir) => filesUnder(dir, ['.ts', '.tsx', '.mjs', '.js', '.md'])),
  ];

  // Decision records are dated: one may name a file that a later decision removed.
  it('every lambdas/… file or folder named in the code and the pages exists', () => {
    const current = codeAndPages.filter((source) => !source.startsWith(join('docs', 'decisions')));
    const missing = current.flatMap((source) =>
      [...read(source).matchAll(/(?<![\w/.-])lambdas\/[\w.-]+(?:\/[\w.-]+)*/g)]
        .map((m) => m[0].replace(/\.+$/, ''))
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `${source}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('every docs/… markdown path named in the code and the pages exists', () => {
    const sources = [
      'README.md',
      'eslint.config.js',
      ...[
        'bin',
        'bench',
        'cli',
        'dashboard/src',
        'docs',
        'examples',
        'lambdas',
        'lib',
        'local',
        'test',
      ].flatMap((dir) => filesUnder(dir, ['.ts', '.tsx', '.mjs', '.js', '.md'])),
    ];
    const missing = sources.flatMap((source) =>
      [...read(source).matchAll(/\bdocs\/[\w./-]*\.md\b/g)]
        .map((m) => m[0])
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `${source}: ${path}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('decisions', () => {
  const files = filesUnder('docs/decisions', ['.md'])
    .map((path) => relative('docs/decisions', path))
    .filter((name) => name !== 'README.md')
    .sort();
  const index = read('docs/decisions/README.md');

  it('are numbered 0001, 0002, … without gaps, each listed in the index', () => {
    expect(files.map((name) => name.slice(0, 4))).toEqual(
      files.map((_name, i) => String(i + 1).padStart(4, '0')),
    );
    for (const name of files) expect(index).toContain(`](${name})`);
  });

  it.each(files)('%s has Context, Decision and Consequences', (name) => {
    const headings = read(join('docs/decisions', name)).match(/^## .+$/gm);
    expect(headings).toEqual(['## Context', '## Decision', '## Consequences']);
  });
});
