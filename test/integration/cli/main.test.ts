/**
 * The CLI in-process (runCli) against DynamoDB Local, pointed at this file's own tables through the
 * SCOPEGATE_* variables. Keys it creates are verified with the authorizer's own verifyKey.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main.js';
import { hashApiKey } from '../../../lambdas/keys/api-key.js';
import type { Route } from '../../../lambdas/api/routes.js';
import type { Scope } from '../../../lambdas/api/scopes.js';
import { type Verification, verifyKey } from '../../../lambdas/keys/verify-key.js';
import type { TestAws } from '../../support/local-aws.js';
import { freePort } from '../../support/ports.js';
import { createCliTarget } from '../../support/cli-target.js';

let aws: TestAws;
let env: Record<string, string>;

beforeAll(async () => {
  ({ aws, env } = await createCliTarget());
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(argv: readonly string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: { ...env, ...extraEnv },
  });
  return { code, stdout, stderr };
}

async function cliJson<T = Record<string, unknown>>(argv: readonly string[]): Promise<T> {
  const run = await cli([...argv, '--json']);
  expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as T;
}

/** Names are unique in a team, and every test here shares team `local`. */
const uniqueName = (label: string): string => `${label} ${randomUUID()}`;

async function newProject(): Promise<string> {
  const project = await cliJson<{ id: string }>(['projects', 'create', '--name', uniqueName('cli test')]);
  return project.id;
}

async function newTeam(): Promise<string> {
  return (await cliJson<{ id: string }>(['teams', 'create', '--name', uniqueName('team')])).id;
}

const route = (scope: Scope): Route => ({
  id: 'test',
  method: 'POST',
  path: '/v1/test',
  scope,
  service: 'sending',
  summary: 'test',
  surface: 'v1',
});

/** The authorizer's decision for `key`, reading the same table the CLI wrote. */
function verify(key: string, scope: Scope, sourceIp = '203.0.113.50'): Promise<Verification> {
  return verifyKey(
    { authorization: `Bearer ${key}`, sourceIp, route: route(scope) },
    {
      environment: 'test',
      now: () => new Date(),
      getKeyItem: async (keyId) =>
        (
          await aws.documents.send(
            new GetCommand({ TableName: aws.tables.apiKeys, Key: { keyId }, ConsistentRead: true }),
          )
        ).Item,
    },
  );
}

interface KeyJson {
  id: string;
  key: string;
  prefix: string;
  name: string;
  permission: string;
  scopes: string[];
  project_id: string;
  team_id: string;
  allowed_ips: string[];
  allowed_domains: string[] | null;
  expires_at: string | null;
  created_at: string;
  revoked_at: string | null;
  status: string;
}

describe('keys create', () => {
  it('prints the documented JSON once, and the key verifies through verifyKey', async () => {
    const created = await cliJson<KeyJson>(['keys', 'create', '--name', 'ci']);

    expect(Object.keys(created)).toEqual(
      expect.arrayContaining([
        'id',
        'key',
        'prefix',
        'name',
        'permission',
        'scopes',
        'project_id',
        'team_id',
        'allowed_ips',
        'allowed_domains',
        'expires_at',
        'created_at',
      ]),
    );
    expect(created).toMatchObject({
      prefix: `sk_test_${created.id}`,
      name: 'ci',
      permission: 'full_access',
      project_id: 'default',
      team_id: 'local',
      allowed_ips: [],
      allowed_domains: null,
      expires_at: null,
    });
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(JSON.stringify(created)).not.toContain(hashApiKey(created.key));
    expect(await verify(created.key, 'templates:write')).toMatchObject({ ok: true });
  });

  it('creates a custom key whose scopes and IP allow-list the authorizer enforces', async () => {
    const created = await cliJson<KeyJson>([
      'keys',
      'create',
      '--name',
      'sender',
      '--scopes',
      'emails:send, emails:read',
      '--allowed-ips',
      '203.0.113.50, 198.51.100.0/24',
      '--expires-at',
      '2099-12-31T23:59:59Z',
    ]);

    expect(created).toMatchObject({
      permission: 'custom',
      scopes: ['emails:send', 'emails:read'],
      allowed_ips: ['203.0.113.50', '198.51.100.0/24'],
      expires_at: '2099-12-31T23:59:59.000Z',
    });
    expect(await verify(created.key, 'emails:send', '198.51.100.7')).toMatchObject({ ok: true });
    expect(await verify(created.key, 'templates:write')).toMatchObject({
      ok: false,
      code: 'insufficient_scope',
      requiredScope: 'templates:write',
    });
    expect(await verify(created.key, 'emails:send', '192.0.2.1')).toMatchObject({
      ok: false,
      code: 'ip_not_allowed',
    });
  });

  it('prints the key exactly once in text mode, with the store-it-now note and no hash', async () => {
    const run = await cli(['keys', 'create', '--name', 'human', '--permission', 'sending_only']);

    expect(run.code).toBe(0);
    const key = /sk_test_[0-9A-Za-z]{50}/.exec(run.stdout)?.[0] ?? '';
    expect(run.stdout.split(key)).toHaveLength(2);
    expect(run.stdout).toMatch(/Store it now: it will not be shown again/);
    expect(run.stdout).toMatch(/permission\s+sending_only/);
    expect(run.stdout).not.toMatch(/[0-9a-f]{64}/);
    expect(run.stderr).toBe('');
  });

  it('creates in the project given with --project', async () => {
    const projectId = await newProject();
    const created = await cliJson<KeyJson>(['keys', 'create', '--name', 'elsewhere', '--project', projectId]);
    expect(created.project_id).toBe(projectId);
  });
});

describe('keys list and show', () => {
  it("lists a project's keys newest first, without keys or hashes", async () => {
    const projectId = await newProject();
    const first = await cliJson<KeyJson>(['keys', 'create', '--name', 'first', '--project', projectId]);
    const second = await cliJson<KeyJson>(['keys', 'create', '--name', 'second', '--project', projectId]);

    const listed = await cliJson<{ data: KeyJson[] }>(['keys', 'list', '--project', projectId]);

    expect(listed.data.map((key) => key.id).sort()).toEqual([first.id, second.id].sort());
    expect(listed.data.map((key) => key.created_at)).toEqual(
      listed.data
        .map((key) => key.created_at)
        .sort()
        .reverse(),
    );
    expect(JSON.stringify(listed)).not.toContain(first.key);
    expect(JSON.stringify(listed)).not.toMatch(/keyHash|[0-9a-f]{64}/);
    const text = await cli(['keys', 'list', '--project', projectId]);
    expect(text.stdout).toMatch(/^ID\s+PREFIX\s+NAME\s+PERMISSION\s+STATUS/);
    expect(text.stdout).toContain(first.prefix);
  });

  it('says so when a project has no keys', async () => {
    const projectId = await newProject();
    expect((await cli(['keys', 'list', '--project', projectId])).stdout).toBe(
      `No API keys in project ${projectId}.\n`,
    );
  });

  it('shows one key by id or by prefix', async () => {
    const created = await cliJson<KeyJson>(['keys', 'create', '--name', 'shown']);
    const byId = await cliJson<KeyJson>(['keys', 'show', created.id]);
    const byPrefix = await cliJson<KeyJson>(['keys', 'show', created.prefix]);
    expect(byId).toEqual(byPrefix);
    expect(byId).not.toHaveProperty('key');
    const { key: _key, ...metadata } = created;
    expect(byId).toEqual(metadata);
    expect((await cli(['keys', 'show', created.id])).stdout).toMatch(/^id\s+\w{12}\nprefix\s+sk_test_/);
  });
});

describe('keys update and revoke', () => {
  it('updates scopes and clears restrictions, and the authorizer sees it at once', async () => {
    const created = await cliJson<KeyJson>([
      'keys',
      'create',
      '--name',
      'narrow',
      '--scopes',
      'emails:read',
      '--allowed-ips',
      '10.0.0.1',
      '--expires-at',
      '2099-01-01',
    ]);
    expect(await verify(created.key, 'emails:send', '10.0.0.1')).toMatchObject({
      code: 'insufficient_scope',
    });

    const updated = await cliJson<KeyJson>([
      'keys',
      'update',
      created.id,
      '--scopes',
      'emails:read,emails:send',
      '--allowed-ips',
      '',
      '--expires-at',
      'never',
      '--name',
      'wider',
    ]);

    expect(updated).toMatchObject({
      name: 'wider',
      scopes: ['emails:send', 'emails:read'],
      allowed_ips: [],
      expires_at: null,
    });
    expect(await verify(created.key, 'emails:send', '192.0.2.1')).toMatchObject({ ok: true });
  });

  it('revokes a key (idempotently) and the authorizer refuses it at once', async () => {
    const created = await cliJson<KeyJson>(['keys', 'create', '--name', 'doomed']);

    const revoked = await cli(['keys', 'revoke', created.id]);
    const again = await cli(['keys', 'revoke', created.id]);

    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Revoked API key/) });
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/was already revoked/) });
    expect(await verify(created.key, 'emails:send')).toMatchObject({ ok: false, code: 'key_revoked' });
    expect((await cliJson<KeyJson>(['keys', 'show', created.id])).status).toBe('revoked');
  });

  it('rotates a key: the new secret works, the old one until the grace period ends', async () => {
    const created = await cliJson<KeyJson>(['keys', 'create', '--name', 'rotating', '--rate-limit', '25']);
    expect(created).toMatchObject({ rate_limit_per_second: 25, created_by: 'cli' });
    const rotated = await cliJson<KeyJson>(['keys', 'rotate', created.id, '--grace-period', '600']);
    expect(rotated.id).toBe(created.id);
    expect(rotated.key).not.toBe(created.key);
    expect(await verify(rotated.key, 'emails:send')).toMatchObject({ ok: true });
    expect(await verify(created.key, 'emails:send')).toMatchObject({ ok: true });

    const noGrace = await cliJson<KeyJson>(['keys', 'rotate', created.id, '--grace-period', '0']);
    // Rotating again ends every older secret (grace 0: even the one just replaced).
    expect(await verify(rotated.key, 'emails:send')).toMatchObject({ ok: false, code: 'invalid_api_key' });
    expect(await verify(created.key, 'emails:send')).toMatchObject({ ok: false, code: 'invalid_api_key' });
    expect(await verify(noGrace.key, 'emails:send')).toMatchObject({ ok: true });
  });

  it('refuses a grace period outside 0–604800', async () => {
    const created = await cliJson<KeyJson>(['keys', 'create', '--name', 'bad grace']);
    const run = await cli(['keys', 'rotate', created.id, '--grace-period', '604801', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'validation_error' } });
  });

  it('creates a billing key with billing scopes only', async () => {
    const billing = await cliJson<KeyJson>([
      'keys',
      'create',
      '--name',
      'finance',
      '--type',
      'billing',
      '--scopes',
      'billing:read,billing:write',
    ]);
    expect(billing).toMatchObject({
      type: 'billing',
      permission: 'custom',
      scopes: ['billing:read', 'billing:write'],
    });
    const run = await cli([
      'keys',
      'create',
      '--name',
      'mixed',
      '--type',
      'billing',
      '--scopes',
      'emails:send',
      '--json',
    ]);
    expect(run.code).toBe(2);
  });

  it('refuses to update a revoked key', async () => {
    const created = await cliJson<KeyJson>(['keys', 'create', '--name', 'revoked']);
    await cli(['keys', 'revoke', created.id]);
    const run = await cli(['keys', 'update', created.id, '--name', 'again', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'key_revoked' } });
  });
});

describe('teams', () => {
  it('creates a team with a generated id and lists it', async () => {
    const name = uniqueName('Acme');
    const created = await cliJson<{ id: string; name: string; created_at: string }>([
      'teams',
      'create',
      '--name',
      name,
    ]);
    expect(created).toEqual({
      id: expect.stringMatching(/^team_[0-9A-Za-z]{22}$/),
      name,
      created_at: expect.any(String),
    });

    const listed = await cliJson<{ data: { id: string }[] }>(['teams', 'list']);
    expect(listed.data.map((team) => team.id)).toEqual(expect.arrayContaining(['local', created.id]));
    expect((await cli(['teams', 'list'])).stdout).toMatch(/^ID\s+NAME\s+CREATED\n/);
  });

  it('takes the id from --id, so an operator can choose a readable one', async () => {
    const id = `acme-${randomUUID().slice(0, 8)}`;
    const created = await cliJson<{ id: string }>(['teams', 'create', '--name', uniqueName('a'), '--id', id]);
    expect(created.id).toBe(id);
  });

  it('refuses a second team with the same name, whatever its case, with already_exists', async () => {
    const name = uniqueName('Twice');
    await cliJson(['teams', 'create', '--name', name]);
    const run = await cli(['teams', 'create', '--name', ` ${name.toUpperCase()} `, '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toEqual({
      error: { code: 'already_exists', message: expect.stringMatching(/already exists/) },
    });
  });

  it('refuses an id that is taken, with already_exists', async () => {
    const run = await cli(['teams', 'create', '--name', uniqueName('x'), '--id', 'local', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({
      error: { code: 'already_exists', message: 'Team local already exists' },
    });
  });
});

describe('projects', () => {
  it('creates and lists projects of a team', async () => {
    const teamId = await newTeam();
    const created = await cliJson<{ id: string; team_id: string; name: string }>([
      'projects',
      'create',
      '--name',
      'Marketing',
      '--team',
      teamId,
    ]);
    expect(created).toMatchObject({
      id: expect.stringMatching(/^proj_/),
      team_id: teamId,
      name: 'Marketing',
    });

    const listed = await cliJson<{ data: { id: string }[] }>(['projects', 'list', '--team', teamId]);
    expect(listed.data.map((project) => project.id)).toEqual([created.id]);
    expect((await cli(['projects', 'list', '--team', teamId])).stdout).toMatch(
      /^ID\s+NAME\s+TEAM\s+CREATED\n/,
    );
  });

  it('uses team local by default', async () => {
    const listed = await cliJson<{ data: { id: string }[] }>(['projects', 'list']);
    expect(listed.data.map((project) => project.id)).toContain('default');
  });

  it('refuses an unknown team instead of creating it, and writes nothing', async () => {
    const run = await cli(['projects', 'create', '--name', 'Typo', '--team', 'acme-typo', '--json']);

    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toEqual({
      error: { code: 'not_found', message: 'No team with id acme-typo (see scopegate teams list)' },
    });
    const teams = await cliJson<{ data: { id: string }[] }>(['teams', 'list']);
    expect(teams.data.map((team) => team.id)).not.toContain('acme-typo');
    const listed = await cli(['projects', 'list', '--team', 'acme-typo', '--json']);
    expect(listed.code).toBe(2);
    expect(JSON.parse(listed.stderr)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses a second project of the same name in a team, but not in another team', async () => {
    const [teamId, otherTeamId] = [await newTeam(), await newTeam()];
    const first = await cliJson<{ id: string }>(['projects', 'create', '--name', 'Web', '--team', teamId]);

    const again = await cli(['projects', 'create', '--name', 'web ', '--team', teamId, '--json']);
    const elsewhere = await cli(['projects', 'create', '--name', 'Web', '--team', otherTeamId]);

    expect(again.code).toBe(2);
    expect(JSON.parse(again.stderr)).toEqual({
      error: {
        code: 'already_exists',
        message: `Team ${teamId} already has a project named "web" (${first.id})`,
      },
    });
    expect(elsewhere.code).toBe(0);
    const listed = await cliJson<{ data: { id: string }[] }>(['projects', 'list', '--team', teamId]);
    expect(listed.data.map((project) => project.id)).toEqual([first.id]);
  });
});

describe('errors', () => {
  it.each([
    ['an unknown command', ['frobnicate'], 'usage_error', /unknown command "frobnicate"/],
    ['an unknown subcommand', ['keys', 'rename'], 'usage_error', /unknown command "keys rename"/],
    ['a missing subcommand', ['keys'], 'usage_error', /needs a subcommand/],
    ['an unknown option', ['keys', 'list', '--colour'], 'usage_error', /unknown option --colour/],
    [
      'an option of another command',
      ['keys', 'show', 'x', '--scopes', 'a'],
      'usage_error',
      /--scopes does not apply/,
    ],
    ['a flag without its value', ['keys', 'create', '--name'], 'usage_error', /--name needs a value/],
    [
      'a repeated single flag',
      ['keys', 'create', '--name', 'a', '--name', 'b'],
      'usage_error',
      /more than once/,
    ],
    ['a missing ID', ['keys', 'show'], 'usage_error', /needs ID/],
    ['an extra argument', ['keys', 'list', 'extra'], 'usage_error', /unexpected argument "extra"/],
    [
      '--region without --stack',
      ['keys', 'list', '--region', 'eu-west-1'],
      'usage_error',
      /only applies with --stack/,
    ],
    ['nothing to update', ['keys', 'update', 'AAAAAAAAAAAA'], 'usage_error', /nothing to update/],
    ['a missing name', ['keys', 'create'], 'validation_error', /name: is required/],
    [
      'an unknown permission',
      ['keys', 'create', '--name', 'a', '--permission', 'root'],
      'validation_error',
      /one of/,
    ],
    [
      'an unknown scope',
      ['keys', 'create', '--name', 'a', '--scopes', 'emails:sned'],
      'validation_error',
      /valid scopes: emails:send/,
    ],
    [
      'a custom key without scopes',
      ['keys', 'create', '--name', 'a', '--permission', 'custom'],
      'validation_error',
      /at least one scope/,
    ],
    [
      'an invalid IP',
      ['keys', 'create', '--name', 'a', '--allowed-ips', '10.0.0.1, 300.1.1.1'],
      'validation_error',
      /"300\.1\.1\.1"/,
    ],
    [
      'a past expiry',
      ['keys', 'create', '--name', 'a', '--expires-at', '2001-01-01'],
      'validation_error',
      /in the future/,
    ],
    [
      'an unknown project',
      ['keys', 'create', '--name', 'a', '--project', 'nope'],
      'not_found',
      /No project with id nope/,
    ],
    ['an unknown key', ['keys', 'show', 'AAAAAAAAAAAA'], 'not_found', /No API key with id AAAAAAAAAAAA/],
    ['a malformed key id', ['keys', 'revoke', 'nope'], 'not_found', /not an API key id/],
    [
      'an invalid team',
      ['projects', 'create', '--name', 'p', '--team', 'a b'],
      'validation_error',
      /invalid team/,
    ],
    [
      'an invalid --id',
      ['teams', 'create', '--name', 't', '--id', 'a/b'],
      'validation_error',
      /invalid team id/,
    ],
    ['a team without a name', ['teams', 'create'], 'validation_error', /name: is required/],
    ['an option teams list does not take', ['teams', 'list', '--team', 'x'], 'usage_error', /does not apply/],
  ])('exits 2 on %s, with a JSON error on stderr', async (_case, argv, code, message) => {
    const run = await cli([...argv, '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const body = JSON.parse(run.stderr) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  it('names the flag in text mode, one line per problem, without a stack trace', async () => {
    const run = await cli([
      'keys',
      'create',
      '--name',
      'a',
      '--scopes',
      'nope',
      '--allowed-ips',
      '1.2.3',
      '--expires-at',
      'soon',
    ]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^scopegate: --scopes: unknown scope "nope"; valid scopes: /),
      'scopegate: --allowed-ips: invalid IP address or CIDR range "1.2.3"',
      expect.stringMatching(/^scopegate: --expires-at: "soon" is not an ISO 8601/),
    ]);
  });

  it('lists every field problem in the JSON error', async () => {
    const run = await cli(['keys', 'create', '--scopes', 'nope', '--json']);
    expect(JSON.parse(run.stderr)).toEqual({
      error: {
        code: 'validation_error',
        message: expect.any(String),
        errors: [
          { path: 'name', message: 'is required' },
          { path: 'scopes', message: expect.stringMatching(/unknown scope "nope"/) },
        ],
      },
    });
  });

  it('never echoes a secret key pasted as an id', async () => {
    const created = await cliJson<KeyJson>(['keys', 'create', '--name', 'pasted']);
    const secret = created.key.slice(created.prefix.length);
    for (const argv of [
      ['keys', 'show', `${created.key}x`],
      ['keys', 'show', created.id, created.key],
      [created.key],
    ]) {
      const run = await cli(argv);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain(secret);
    }
  });

  it('exits 1 with a hint when DynamoDB Local is not running', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const run = await cli(['keys', 'list'], { SCOPEGATE_DYNAMODB_ENDPOINT: endpoint });
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `scopegate: cannot reach DynamoDB Local at ${endpoint}: run \`npm start\` first\n`,
    });
  });

  it('follows SCOPEGATE_DYNAMODB_PORT, the variable npm start reads, when no endpoint is given', async () => {
    const port = await freePort();
    const run = await cli(['keys', 'list'], {
      SCOPEGATE_DYNAMODB_ENDPOINT: '',
      SCOPEGATE_DYNAMODB_PORT: String(port),
    });
    expect(run.stderr).toBe(
      `scopegate: cannot reach DynamoDB Local at http://127.0.0.1:${port}: run \`npm start\` first\n`,
    );
  });

  it('tells a pasted whole key from an id, without echoing its secret', async () => {
    const created = await cliJson<KeyJson>(['keys', 'create', '--name', 'whole']);
    const run = await cli(['keys', 'show', created.key]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/looks like a whole secret key; pass its id/);
    expect(run.stderr).not.toContain(created.key.slice(created.prefix.length));
  });

  it.each([
    [['keys', 'create', '--name', 'x'], '--project'],
    [['keys', 'list'], '--project'],
    [['projects', 'create', '--name', 'x'], '--team'],
  ])('%j with --stack and no %s is a usage error before any AWS call', async (argv, flag) => {
    const run = await cli([...argv, '--stack', 'Nope', '--region', 'eu-west-1', '--json'], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
    });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({
      error: { code: 'usage_error', message: `${flag} is required with --stack` },
    });
  });

  it('exits 1 with a hint when the tables do not exist', async () => {
    const run = await cli(['keys', 'show', 'AAAAAAAAAAAA', '--json'], {
      SCOPEGATE_API_KEYS_TABLE: 'NoSuchTable',
    });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toMatchObject({
      error: { code: 'unavailable', message: expect.stringMatching(/npm start/) },
    });
  });
});

describe('help', () => {
  it.each([
    [['--help']],
    [['help']],
    [[]],
    [['keys', '--help']],
    [['-h']],
    [['keys', 'create', '-h']],
    [['keys', 'list', '-h']],
    [['teams', 'create', '--help']],
    [['help', 'keys', 'update']],
  ])('prints help for %j and exits 0', async (argv) => {
    const run = await cli(argv);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Usage: scopegate /);
  });

  it('lists every command group and --version in the top-level help', async () => {
    const run = await cli(['--help']);
    for (const text of [
      'keys create',
      'teams create',
      'teams list',
      'projects create',
      '--version',
      '-h, --help',
    ])
      expect(run.stdout).toContain(text);
  });

  it("prints package.json's version for --version, in text and JSON, and exits 0", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `scopegate ${version}\n`, stderr: '' });
    expect(JSON.parse((await cli(['--version', '--json'])).stdout)).toEqual({ name: 'scopegate', version });
    // Like --help, it answers before any table is read: here DynamoDB is unreachable.
    const anywhere = await cli(['keys', 'list', '--version'], {
      SCOPEGATE_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(anywhere).toEqual({ code: 0, stdout: `scopegate ${version}\n`, stderr: '' });
  });

  it('documents every command and its flags', async () => {
    const run = await cli(['keys', 'create', '--help']);
    for (const flag of [
      '--name',
      '--project',
      '--permission',
      '--scopes',
      '--allowed-ips',
      '--allowed-domains',
      '--expires-at',
      '--json',
      '--stack',
      '--region',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });
});
