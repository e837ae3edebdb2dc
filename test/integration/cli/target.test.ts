/**
 * `--stack NAME --region REGION`: table names from the stack's CloudFormation outputs, and DynamoDB
 * calls signed with the user's own credential chain (environment or profile) for that region.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCommandLine } from '../../../cli/args.js';
import { CliFailure } from '../../../cli/failure.js';
import { runCli } from '../../../cli/main.js';
import { resolveTarget } from '../../../cli/target.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';

const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => cloudFormation.reset());

function stackWith(outputs: Record<string, string>) {
  cloudFormation.on(DescribeStacksCommand, { StackName: 'Scopegate' }).resolves({
    Stacks: [
      {
        StackName: 'Scopegate',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

async function target(argv: string[], env: Record<string, string> = {}) {
  return resolveTarget(parseCommandLine(argv), env);
}

describe('resolveTarget', () => {
  it("reads the tables from the stack's outputs and makes live keys, with no default project", async () => {
    stackWith({
      ApiKeysTableName: 'Scopegate-ApiKeys-1',
      DataTableName: 'Scopegate-Data-1',
      ApiUrl: 'https://x',
    });

    const resolved = await target(['keys', 'list', '--stack', 'Scopegate', '--region', 'eu-west-1']);

    expect(resolved.store).toMatchObject({
      apiKeysTable: 'Scopegate-ApiKeys-1',
      dataTable: 'Scopegate-Data-1',
      environment: 'live',
    });
    expect(resolved.defaultProjectId).toBeUndefined();
    expect(resolved.label).toBe('stack Scopegate in eu-west-1');
    resolved.close();
  });

  it('takes the region from AWS_REGION when --region is absent', async () => {
    stackWith({ ApiKeysTableName: 'K', DataTableName: 'D' });
    const resolved = await target(['--stack', 'Scopegate'], { AWS_REGION: 'us-west-2' });
    expect(resolved.label).toBe('stack Scopegate in us-west-2');
    resolved.close();
  });

  it('ignores the SCOPEGATE_* overrides, which are for the local stack', async () => {
    stackWith({ ApiKeysTableName: 'K', DataTableName: 'D' });
    const resolved = await target(['--stack', 'Scopegate', '--region', 'eu-west-1'], {
      SCOPEGATE_API_KEYS_TABLE: 'Local',
    });
    expect(resolved.store.apiKeysTable).toBe('K');
    resolved.close();
  });

  it('refuses a stack without the outputs, naming them', async () => {
    stackWith({ DataTableName: 'D' });
    const error = await target(['--stack', 'Scopegate', '--region', 'eu-west-1']).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CliFailure);
    expect(error).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/no ApiKeysTableName output/),
    });
  });

  it('uses the local stack without --stack', async () => {
    const resolved = await target(['keys', 'list'], {});
    expect(resolved.store).toMatchObject({ apiKeysTable: 'ApiKeys', dataTable: 'Data', environment: 'test' });
    expect(resolved.defaultProjectId).toBe('default');
    expect(resolved.defaultTeamId).toBe('local');
    expect(resolved.label).toBe('local stack (DynamoDB Local at http://127.0.0.1:8000)');
    expect(cloudFormation.calls()).toHaveLength(0);
    resolved.close();
  });
});

describe('scopegate --stack', () => {
  async function cli(argv: readonly string[]) {
    let stderr = '';
    const code = await runCli(argv, {
      stdout: { write: () => true },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: {},
    });
    return { code, stderr };
  }

  it('exits 2 for a stack that does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
    expect(await cli(['keys', 'list', '--stack', 'Nope', '--region', 'eu-west-1', '--project', 'p'])).toEqual(
      {
        code: 2,
        stderr: 'scopegate: no stack named Nope in eu-west-1\n',
      },
    );
  });

  it('exits 1 without credentials', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const run = await cli([
      'keys',
      'list',
      '--project',
      'proj_x',
      '--stack',
      'Scopegate',
      '--region',
      'eu-west-1',
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toMatchObject({
      error: { code: 'unavailable', message: expect.stringMatching(/credentials/) },
    });
  });

  it.each([
    [['keys', 'list', '--project', 'proj_x', '--stack', 'Scopegate'], /--stack needs --region/],
    [
      ['keys', 'list', '--project', 'proj_x', '--stack', '', '--region', 'eu-west-1'],
      /--stack needs a stack name/,
    ],
  ])('exits 2 for %j', async (argv, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('requires --project and --team on a deployed stack', async () => {
    stackWith({ ApiKeysTableName: 'K', DataTableName: 'D' });
    const keys = await cli([
      'keys',
      'create',
      '--name',
      'x',
      '--stack',
      'Scopegate',
      '--region',
      'eu-west-1',
    ]);
    const projects = await cli(['projects', 'list', '--stack', 'Scopegate', '--region', 'eu-west-1']);
    expect(keys).toEqual({ code: 2, stderr: 'scopegate: --project is required with --stack\n' });
    expect(projects).toEqual({ code: 2, stderr: 'scopegate: --team is required with --stack\n' });
  });
});

describe("DynamoDB on a deployed stack: the user's credential chain, the stack's region", () => {
  let server: Server;
  let endpoint: string;
  let received: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(request.headers);
      request.resume();
      request.on('end', () =>
        response
          .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
          .end('{"Item":{"keyId":{"S":"k"}}}'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    received = [];
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** One GetCommand through the CLI's target; the Authorization and token headers it was sent with. */
  async function signedCall(): Promise<{ authorization: string; token: unknown }> {
    stackWith({ ApiKeysTableName: 'K', DataTableName: 'D' });
    const resolved = await target(['--stack', 'Scopegate', '--region', 'eu-west-1'], {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    });
    try {
      const { Item } = await resolved.store.documents.send(
        new GetCommand({ TableName: 'K', Key: { keyId: 'k' } }),
      );
      expect(Item).toEqual({ keyId: 'k' });
    } finally {
      resolved.close();
    }
    expect(received).toHaveLength(1);
    return {
      authorization: String(received[0]?.authorization),
      token: received[0]?.['x-amz-security-token'],
    };
  }

  it('environment credentials, session token included', async () => {
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENVIRONMENT');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'environment-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'environment-token');
    const { authorization, token } = await signedCall();
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDFROMENVIRONMENT\/\d{8}\/eu-west-1\/dynamodb\//,
    );
    expect(token).toBe('environment-token');
  });

  it('a named profile (AWS_PROFILE) from the shared credentials file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'scopegate-cli-'));
    writeFileSync(
      join(directory, 'credentials'),
      '[scopegate-test]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = profile-secret\n',
    );
    writeFileSync(join(directory, 'config'), '');
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(directory, 'credentials'));
    vi.stubEnv('AWS_CONFIG_FILE', join(directory, 'config'));
    vi.stubEnv('AWS_PROFILE', 'scopegate-test');
    const { authorization, token } = await signedCall();
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDFROMPROFILE\/\d{8}\/eu-west-1\/dynamodb\//,
    );
    expect(token).toBeUndefined();
  });
});
