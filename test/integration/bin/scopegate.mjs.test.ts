/** The real entry point, `node bin/scopegate.mjs`, as a child process: what `npx scopegate` runs. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../lambdas/keys/api-key.js';
import { verifyKey } from '../../../lambdas/keys/verify-key.js';
import { createCliTarget } from '../../support/cli-target.js';
import type { TestAws } from '../../support/local-aws.js';

const BIN = fileURLToPath(new URL('../../../bin/scopegate.mjs', import.meta.url));
const execFileAsync = promisify(execFile);

let aws: TestAws;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const target = await createCliTarget();
  aws = target.aws;
  env = { PATH: process.env.PATH, HOME: process.env.HOME, ...target.env };
});

async function scopegate(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, ...args], {
      env,
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('node bin/scopegate.mjs', () => {
  it('creates a key with --json, and that key verifies against the same table', async () => {
    const run = await scopegate(['keys', 'create', '--json', '--name', 'spawned', '--scopes', 'emails:send']);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const created = JSON.parse(run.stdout) as {
      id: string;
      key: string;
      scopes: string[];
      permission: string;
    };
    expect(created).toMatchObject({ permission: 'custom', scopes: ['emails:send'] });
    const { Item } = await aws.documents.send(
      new GetCommand({ TableName: aws.tables.apiKeys, Key: { keyId: created.id }, ConsistentRead: true }),
    );
    expect(Item?.keyHash).toBe(hashApiKey(created.key));
    const verification = await verifyKey(
      {
        authorization: `Bearer ${created.key}`,
        sourceIp: '198.51.100.1',
        route: {
          id: 'sendEmail',
          method: 'POST',
          path: '/v1/emails',
          scope: 'emails:send',
          service: 'sending',
          surface: 'v1',
          summary: 'Send',
        },
      },
      { environment: 'test', now: () => new Date(), getKeyItem: async () => Item },
    );
    expect(verification).toMatchObject({ ok: true, scopes: ['emails:send'] });
  });

  it('exits 2 with a one-line JSON error and no stack trace for an unknown scope', async () => {
    const run = await scopegate([
      'keys',
      'create',
      '--json',
      '--name',
      'bad',
      '--scopes',
      'emails:everything',
    ]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'validation_error' } });
  });
});
