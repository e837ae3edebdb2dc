/**
 * The real bundles, built by esbuild as `cdk synth` builds them: CommonJS (an ESM bundle of the AWS
 * SDK fails at load with "Dynamic require of node:https is not supported"), with a source map, and
 * loadable by Node with the environment the stack gives each function.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../../lambdas/core/routes.js';
import type { ScopegateFunction } from '../../lib/scopegate-function.js';
import { logicalIdOf, propertiesOf, resourcesOfType, type Synthesized, synthesize } from './template.js';

/**
 * A guard against regressions, not the performance target (60 KB, printed by `npm run bench`): the
 * authorizer keeps ipaddr.js, a well-kept IP library, rather than a hand-written parser (about 13 KB).
 */
const AUTHORIZER_BUNDLE_LIMIT_BYTES = 70 * 1024;

let synthesized: Synthesized;
let assemblyDirectory: string;
beforeAll(() => {
  synthesized = synthesize({}, { bundle: true });
  assemblyDirectory = synthesized.app.synth().directory;
});

const functions = (): [string, ScopegateFunction][] => [
  ['authorizer', synthesized.stack.keyAuthorizer.handler],
  ...Object.entries(synthesized.stack.services.functions),
  ['expiringKeys', synthesized.stack.expiringKeys.function],
  ['domainLapse', synthesized.stack.domainLapse.function],
];

/** The bundle's directory in the cloud assembly, from the S3 key the template deploys. */
function bundleDirectory(fn: ScopegateFunction): string {
  const properties = propertiesOf(synthesized.template, 'AWS::Lambda::Function', fn.function);
  const s3Key = (properties.Code as { S3Key: string }).S3Key;
  return join(assemblyDirectory, `asset.${s3Key.replace(/\.zip$/, '')}`);
}

/** The sources each bundled Lambda's source map names (CDK's own helper functions have none). */
function bundledSources(): [string, string[]][] {
  return Object.entries(resourcesOfType(synthesized.template, 'AWS::Lambda::Function')).flatMap(
    ([logicalId, resource]): [string, string[]][] => {
      const s3Key = (resource.Properties.Code as { S3Key?: unknown }).S3Key;
      if (typeof s3Key !== 'string') return [];
      const mapFile = join(assemblyDirectory, `asset.${s3Key.replace(/\.zip$/, '')}`, 'index.js.map');
      if (!existsSync(mapFile)) return [];
      const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] };
      return [[logicalId, map.sources]];
    },
  );
}

describe('Lambda bundles', () => {
  it.each(['authorizer', 'sending', 'account', 'domains', 'templates'])(
    '%s is one CommonJS file with a source map',
    (name) => {
      const [, fn] = functions().find(([candidate]) => candidate === name) ?? [];
      if (!fn) throw new Error(`No ${name} function`);
      const directory = bundleDirectory(fn);
      const code = readFileSync(join(directory, 'index.js'), 'utf8');

      // A classic script parses CommonJS but refuses `import`/`export` statements.
      expect(() => new Script(code, { filename: `${name}/index.js` })).not.toThrow();
      expect(code).toMatch(/module\.exports\s*=/);
      expect(existsSync(join(directory, 'index.js.map'))).toBe(true);
    },
  );

  it('the authorizer carries no AWS SDK and no zod, and stays within 70 KB (its cold start is every cold request)', () => {
    const [, fn] = functions().find(([candidate]) => candidate === 'authorizer') ?? [];
    if (!fn) throw new Error('No authorizer function');
    const directory = bundleDirectory(fn);
    const map = JSON.parse(readFileSync(join(directory, 'index.js.map'), 'utf8')) as {
      sources: string[];
    };
    expect(map.sources.some((source) => source.includes('node_modules/aws4/'))).toBe(true);
    expect(map.sources.filter((source) => /node_modules\/(zod|@aws-sdk|@smithy)\//.test(source))).toEqual([]);
    const size = statSync(join(directory, 'index.js')).size;
    expect(size, `authorizer bundle ${size} bytes`).toBeLessThanOrEqual(AUTHORIZER_BUNDLE_LIMIT_BYTES);
  });

  it('no Lambda carries classic zod, its locales or zod-openapi: validation is zod/mini, tree-shaken', () => {
    const bundles = bundledSources();
    // Only the sources that put code in the bundle are named, so zod/mini's own files show up.
    const sendingId = logicalIdOf(synthesized.stack.services.functions.sending.function);
    const sending = bundles.find(([logicalId]) => logicalId === sendingId);
    expect(sending?.[1].some((source) => source.includes('node_modules/zod/v4/mini/'))).toBe(true);
    const offending = bundles
      .map(([logicalId, sources]): [string, string[]] => [
        logicalId,
        sources.filter((source) => /node_modules\/(zod\/v4\/(classic|locales)\/|zod-openapi\/)/.test(source)),
      ])
      .filter(([, sources]) => sources.length > 0);
    expect(bundles.map(([logicalId]) => logicalId)).toEqual(
      expect.arrayContaining(functions().map(([, fn]) => logicalIdOf(fn.function))),
    );
    expect(offending).toEqual([]);
  });

  /** The npm packages a bundle's source map names. */
  const packagesOf = (name: string): Set<string> => {
    const [, fn] = functions().find(([candidate]) => candidate === name) ?? [];
    if (!fn) throw new Error(`No ${name} function`);
    const map = JSON.parse(readFileSync(join(bundleDirectory(fn), 'index.js.map'), 'utf8')) as {
      sources: string[];
    };
    return new Set(
      map.sources.flatMap((source) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1] ?? []),
    );
  };

  it.each([...SERVICES, 'expiringKeys'])(
    "%s reaches DynamoDB through scopegate's own client, not the SDK's DynamoDB client or DocumentClient",
    (name) => {
      const packages = packagesOf(name);
      expect(packages.has('aws4')).toBe(true);
      expect(packages.has('@aws-sdk/util-dynamodb')).toBe(true);
      expect([...packages].filter((name) => /^@aws-sdk\/(client-dynamodb|lib-dynamodb)$/.test(name))).toEqual(
        [],
      );
    },
  );

  it.each(['sending', 'domains', 'account', 'templates', 'webhooks', 'audience', 'expiringKeys'])(
    '%s carries no AWS SDK client and no @smithy runtime: only util-dynamodb',
    (name) => {
      const sdk = [...packagesOf(name)].filter((name) => /^@(aws-sdk|smithy)\//.test(name));
      expect(sdk).toEqual(['@aws-sdk/util-dynamodb']);
    },
  );

  it.each(['sending', 'domains'])(
    "%s reaches SES (and End User Messaging) through scopegate's own narrow clients",
    (name) => {
      const [, fn] = functions().find(([candidate]) => candidate === name) ?? [];
      if (!fn) throw new Error(`No ${name} function`);
      const map = JSON.parse(readFileSync(join(bundleDirectory(fn), 'index.js.map'), 'utf8')) as {
        sources: string[];
      };
      expect(map.sources.some((source) => source.endsWith('lambdas/aws-wire/ses-client.ts'))).toBe(true);
    },
  );

  it.each(['authorizer', 'sending', 'account', 'domains', 'templates', 'expiringKeys', 'domainLapse'])(
    '%s loads in Node and exports a handler function',
    (name) => {
      const [, fn] = functions().find(([candidate]) => candidate === name) ?? [];
      if (!fn) throw new Error(`No ${name} function`);
      const file = join(bundleDirectory(fn), 'index.js');

      const exported = execFileSync(
        process.execPath,
        [
          '--enable-source-maps',
          '-e',
          `process.stdout.write(typeof require(${JSON.stringify(file)}).handler)`,
        ],
        {
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'eu-west-1',
            API_KEYS_TABLE: 'ApiKeys',
            DATA_TABLE: 'Data',
            KEY_ENVIRONMENT: 'live',
            AUTHORIZER_CACHE_TTL_SECONDS: '0',
            SES_CONFIGURATION_SET: 'scopegate',
          },
          encoding: 'utf8',
        },
      );

      expect(exported).toBe('function');
    },
  );
});

describe('the dashboard bundle', () => {
  it('carries the built page and the OpenAPI document, and answers them as the deployed Lambda', () => {
    const directory = bundleDirectory(synthesized.stack.dashboard.handler);
    const answer = (path: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '-e',
            `require(${JSON.stringify(join(directory, 'index.js'))})
              .handler({ httpMethod: 'GET', path: ${JSON.stringify(path)} })
              .then((result) => process.stdout.write(JSON.stringify(result)))`,
          ],
          { env: { PATH: process.env.PATH }, encoding: 'utf8' },
        ),
      ) as { statusCode: number; headers: Record<string, string>; body: string };

    const page = answer('/dashboard/');
    expect([page.statusCode, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.body).toContain('app.js');
    expect(answer('/dashboard/app.js').statusCode).toBe(200);
    expect(answer('/dashboard/styles.css').statusCode).toBe(200);
    expect(answer('/dashboard/../openapi.json').statusCode).toBe(404);
    const openApi = answer('/openapi.json');
    expect(openApi.statusCode).toBe(200);
    expect(openApi.body).toBe(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
  });
});
