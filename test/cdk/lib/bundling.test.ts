/**
 * The real bundles, built by esbuild as `cdk synth` builds them: CommonJS (an ESM bundle of the AWS
 * SDK fails at load with "Dynamic require of node:https is not supported"), without a source map,
 * with the SDK's unused credential providers left out, and loadable by Node with the environment the
 * stack gives each function. What each bundle carries is read from esbuild's metafile of the same
 * entry built with the same LAMBDA_BUNDLING.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../../../lambdas/api/routes.js';
import { LAMBDA_BUNDLING, LAMBDA_ENTRIES, type LambdaName } from '../../../lib/bundling.js';
import type { ScopegateFunction } from '../../../lib/scopegate-function.js';
import { propertiesOf, type Synthesized, synthesize } from '../template.js';

/**
 * A guard against regressions (the SDK's DynamoDBClient tree-shaken, its unused credential providers
 * left out: about 240 KB; docs/decisions/0030-aws-sdk-v3-tuned-for-cold-start.md), not a performance target.
 */
const AUTHORIZER_BUNDLE_LIMIT_BYTES = 270 * 1024;

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

/** The source files esbuild puts in the entry's bundle, built with the deployed LAMBDA_BUNDLING. */
const inputsCache = new Map<LambdaName, Promise<string[]>>();
function bundledInputs(name: LambdaName): Promise<string[]> {
  const cached = inputsCache.get(name);
  if (cached) return cached;
  const inputs = build({
    entryPoints: [LAMBDA_ENTRIES[name]],
    bundle: true,
    write: false,
    outfile: `${name}.js`,
    format: LAMBDA_BUNDLING.format,
    platform: LAMBDA_BUNDLING.platform,
    target: LAMBDA_BUNDLING.target,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    minify: LAMBDA_BUNDLING.minify,
    external: [...LAMBDA_BUNDLING.external],
    metafile: true,
    logLevel: 'silent',
  }).then(({ metafile }) =>
    Object.entries(metafile.outputs).flatMap(([, output]) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    ),
  );
  inputsCache.set(name, inputs);
  return inputs;
}

/** The npm packages that put code in a bundle. */
async function packagesOf(name: LambdaName): Promise<Set<string>> {
  return new Set(
    (await bundledInputs(name)).flatMap(
      (source) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1] ?? [],
    ),
  );
}

const UNUSED_CREDENTIAL_PROVIDERS = LAMBDA_BUNDLING.external;

describe('Lambda bundles', () => {
  it.each(['authorizer', 'sending', 'account', 'domains', 'templates'])(
    '%s is one CommonJS file without a source map, leaving the unused credential providers out',
    (name) => {
      const [, fn] = functions().find(([candidate]) => candidate === name) ?? [];
      if (!fn) throw new Error(`No ${name} function`);
      const directory = bundleDirectory(fn);
      const code = readFileSync(join(directory, 'index.js'), 'utf8');

      // A classic script parses CommonJS but refuses `import`/`export` statements.
      expect(() => new Script(code, { filename: `${name}/index.js` })).not.toThrow();
      expect(code).toMatch(/module\.exports\s*=/);
      expect(existsSync(join(directory, 'index.js.map'))).toBe(false);
      // Left as require() calls the default chain makes only without credentials in the environment.
      expect(code).toContain('"@aws-sdk/credential-provider-ini"');
    },
  );

  it("the authorizer reads DynamoDB through the SDK's low-level client only, carries no zod, and stays within its limit", async () => {
    const [, fn] = functions().find(([candidate]) => candidate === 'authorizer') ?? [];
    if (!fn) throw new Error('No authorizer function');
    const packages = await packagesOf('authorizer');
    expect(packages.has('@aws-sdk/client-dynamodb')).toBe(true);
    expect(packages.has('@aws-sdk/credential-provider-env')).toBe(true);
    expect(
      [...packages].filter((name) =>
        /^(zod|@aws-sdk\/(lib-dynamodb|util-dynamodb|client-sesv2|client-sqs))$/.test(name),
      ),
    ).toEqual([]);
    const size = statSync(join(bundleDirectory(fn), 'index.js')).size;
    expect(size, `authorizer bundle ${size} bytes`).toBeLessThanOrEqual(AUTHORIZER_BUNDLE_LIMIT_BYTES);
  });

  it.each(['authorizer', ...SERVICES, 'expiringKeys'] as const)(
    '%s bundles none of the credential providers Lambda never needs',
    async (name) => {
      const packages = await packagesOf(name);
      expect(UNUSED_CREDENTIAL_PROVIDERS.filter((provider) => packages.has(provider))).toEqual([]);
    },
  );

  it('no Lambda carries classic zod, its locales or zod-openapi: validation is zod/mini, tree-shaken', async () => {
    expect(
      (await bundledInputs('sending')).some((source) => source.includes('node_modules/zod/v4/mini/')),
    ).toBe(true);
    for (const name of Object.keys(LAMBDA_ENTRIES) as LambdaName[]) {
      const offending = (await bundledInputs(name)).filter((source) =>
        /node_modules\/(zod\/v4\/(classic|locales)\/|zod-openapi\/)/.test(source),
      );
      expect({ name, offending }).toEqual({ name, offending: [] });
    }
  });

  it.each([...SERVICES, 'expiringKeys'] as const)(
    "%s reaches DynamoDB through the SDK's DocumentClient (lib-dynamodb over client-dynamodb)",
    async (name) => {
      const packages = await packagesOf(name);
      expect(packages.has('@aws-sdk/lib-dynamodb')).toBe(true);
      expect(packages.has('@aws-sdk/client-dynamodb')).toBe(true);
    },
  );

  it.each([
    [
      'sending',
      ['@aws-sdk/client-sesv2', '@aws-sdk/client-pinpoint-sms-voice-v2', '@aws-sdk/client-socialmessaging'],
    ],
    ['domains', ['@aws-sdk/client-sesv2']],
  ] as const)('%s reaches SES and End User Messaging through the SDK clients', async (name, clients) => {
    const packages = await packagesOf(name);
    expect(clients.filter((client) => !packages.has(client))).toEqual([]);
  });

  it.each(['account', 'templates', 'audience', 'expiringKeys'] as const)(
    '%s carries no SES or messaging client it does not call',
    async (name) => {
      const packages = await packagesOf(name);
      expect(
        [...packages].filter((name) =>
          /^@aws-sdk\/client-(sesv2|pinpoint-sms-voice-v2|socialmessaging)$/.test(name),
        ),
      ).toEqual([]);
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
        ['-e', `process.stdout.write(typeof require(${JSON.stringify(file)}).handler)`],
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
          // The OpenAPI document is over a megabyte: more than execFileSync's default buffer.
          { env: { PATH: process.env.PATH }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
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
    expect(openApi.body).toBe(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));
  });
});
