/**
 * The real bundles, built by esbuild as `cdk synth` builds them: CommonJS (an ESM bundle of the AWS
 * SDK fails at load with "Dynamic require of node:https is not supported"), with a source map, and
 * loadable by Node with the environment the stack gives each function.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScopegateFunction } from '../../lib/scopegate-function.js';
import { propertiesOf, type Synthesized, synthesize } from './template.js';

let synthesized: Synthesized;
let assemblyDirectory: string;
beforeAll(() => {
  synthesized = synthesize({}, { bundle: true });
  assemblyDirectory = synthesized.app.synth().directory;
});

const functions = (): [string, ScopegateFunction][] => [
  ['authorizer', synthesized.stack.keyAuthorizer.handler],
  ...Object.entries(synthesized.stack.services.functions),
];

/** The bundle's directory in the cloud assembly, from the S3 key the template deploys. */
function bundleDirectory(fn: ScopegateFunction): string {
  const properties = propertiesOf(synthesized.template, 'AWS::Lambda::Function', fn.function);
  const s3Key = (properties.Code as { S3Key: string }).S3Key;
  return join(assemblyDirectory, `asset.${s3Key.replace(/\.zip$/, '')}`);
}

describe('Lambda bundles', () => {
  it.each(['authorizer', 'sending', 'account', 'templates'])(
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

  it('the authorizer carries neither zod nor the SES client (its cold start stays near a bare GetItem)', () => {
    const [, fn] = functions().find(([candidate]) => candidate === 'authorizer') ?? [];
    if (!fn) throw new Error('No authorizer function');
    const map = JSON.parse(readFileSync(join(bundleDirectory(fn), 'index.js.map'), 'utf8')) as {
      sources: string[];
    };
    expect(map.sources.some((source) => source.includes('lib-dynamodb'))).toBe(true);
    expect(
      map.sources.filter((source) => /node_modules\/(zod|@aws-sdk\/client-sesv2)\//.test(source)),
    ).toEqual([]);
  });

  it.each(['authorizer', 'sending', 'account', 'templates'])(
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
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
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
