/**
 * Malformed ApiKeys items, as a hand edit in the DynamoDB console can leave them: the operator's
 * tools must still list, show and revoke them, and show them as the authorizer reads them (the same
 * converter and reader): an item that cannot be authenticated is `invalid (malformed)`; a value the
 * authorizer reads as fail-closed (an unreadable expiry counts as expired) is shown with its warning.
 */
import { randomUUID } from 'node:crypto';
import { type AttributeValue, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main.js';
import { createProject } from '../../../lambdas/account/projects.js';
import { createCliTarget } from '../../support/cli-target.js';
import type { TestAws } from '../../support/local-aws.js';

let aws: TestAws;
let env: Record<string, string>;
let projectId: string;

beforeAll(async () => {
  ({ aws, env } = await createCliTarget());
  projectId = (
    await createProject(
      { documents: aws.documents, dataTable: aws.tables.data },
      { name: `malformed ${randomUUID()}`, teamId: 'local' },
    )
  ).id;
});

async function cli(argv: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
  });
  return { code, stdout, stderr };
}

let sequence = 0;
/** A 12-character key id of its own, and a createdAt that orders the items as they are put. */
async function putRaw(attributes: Record<string, AttributeValue>): Promise<string> {
  sequence += 1;
  const keyId = `Malformed${String(sequence).padStart(3, '0')}`;
  await aws.dynamo.send(
    new PutItemCommand({
      TableName: aws.tables.apiKeys,
      Item: {
        keyId: { S: keyId },
        keyHash: { S: 'a'.repeat(64) },
        name: { S: `item ${sequence}` },
        teamId: { S: 'local' },
        projectId: { S: projectId },
        permission: { S: 'full_access' },
        createdAt: { S: `2026-01-01T00:00:${String(sequence).padStart(2, '0')}Z` },
        ...attributes,
      },
    }),
  );
  return keyId;
}

async function rawItem(keyId: string) {
  const { Item } = await aws.dynamo.send(
    new GetItemCommand({ TableName: aws.tables.apiKeys, Key: { keyId: { S: keyId } }, ConsistentRead: true }),
  );
  return Item;
}

interface KeyJson {
  id: string;
  status: string;
  malformed: string[];
  warnings: string[];
  revoked_at: string | null;
}

// A number lib-dynamodb's unmarshall cannot read (beyond 2^53 and not an integer): it throws. The
// authorizer's converter keeps it as text, and a number is no timestamp: the key counts as expired.
const HUGE = { N: '12345678901234567890.5' };

describe('malformed ApiKeys items', () => {
  let healthy: string;
  let noHash: string;
  let unknownType: string;
  let hugeExpiry: string;

  beforeAll(async () => {
    healthy = await putRaw({});
    noHash = await putRaw({ keyHash: { NULL: true } });
    unknownType = await putRaw({ type: { S: 'superuser' } });
    hugeExpiry = await putRaw({ expiresAt: HUGE });
  });

  it('keys list shows every key of the project, the malformed ones flagged', async () => {
    const run = await cli(['keys', 'list', '--project', projectId, '--json']);

    expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
    const keys = new Map((JSON.parse(run.stdout) as { data: KeyJson[] }).data.map((key) => [key.id, key]));
    expect(keys.get(healthy)).toMatchObject({ status: 'active', malformed: [] });
    expect(keys.get(noHash)).toMatchObject({
      status: 'invalid',
      malformed: ['keyHash is missing or not a string'],
    });
    expect(keys.get(unknownType)).toMatchObject({
      status: 'invalid',
      malformed: ['type is not general or billing'],
    });
    expect(keys.get(hugeExpiry)).toMatchObject({
      status: 'expired',
      malformed: ['expires_at'],
      warnings: ['expiresAt is not an ISO 8601 timestamp (key treated as expired)'],
    });
  });

  it('marks malformed items in the table and says what to do about them', async () => {
    const run = await cli(['keys', 'list', '--project', projectId]);

    expect(run.code).toBe(0);
    const line = (keyId: string) => run.stdout.split('\n').find((row) => row.startsWith(keyId)) ?? '';
    expect(line(healthy)).toMatch(/\sactive\s/);
    expect(line(healthy)).not.toContain('malformed');
    for (const keyId of [noHash, unknownType]) expect(line(keyId)).toMatch(/invalid \(malformed\)/);
    expect(line(hugeExpiry)).toMatch(/\sexpired\s/);
    expect(run.stdout).toMatch(/`scopegate keys revoke ID` revokes it/);
  });

  it('keys show names the problem, in text and JSON', async () => {
    const text = await cli(['keys', 'show', noHash]);
    const json = await cli(['keys', 'show', unknownType, '--json']);

    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^malformed\s+keyHash is missing or not a string/m);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: unknownType,
      malformed: ['type is not general or billing'],
    });
  });

  it.each([
    ['a missing keyHash', { keyHash: { NULL: true } }],
    ['an unknown type', { type: { S: 'superuser' } }],
    ['an unreadable expiresAt', { expiresAt: HUGE }],
    ['an unreadable number in a list', { scopes: { L: [{ S: 'emails:send' }, HUGE] } }],
  ])('keys revoke revokes an item with %s, and says so again when repeated', async (_case, attributes) => {
    const keyId = await putRaw(attributes as Record<string, AttributeValue>);

    const revoked = await cli(['keys', 'revoke', keyId, '--json']);
    const again = await cli(['keys', 'revoke', keyId]);

    expect(revoked, revoked.stderr).toMatchObject({ code: 0, stderr: '' });
    const key = JSON.parse(revoked.stdout) as KeyJson;
    expect(key).toMatchObject({ id: keyId, status: 'revoked', revoked_at: expect.any(String) });
    // Each case is visible as the authorizer sees it: malformed, or a warning about what it tolerates.
    expect([...key.malformed, ...key.warnings].length).toBeGreaterThan(0);
    expect((await rawItem(keyId))?.revokedAt).toEqual({ S: key.revoked_at });
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/was already revoked/) });
  });

  it('keys update can still rename an item with an unreadable value', async () => {
    const keyId = await putRaw({ expiresAt: HUGE });
    const run = await cli(['keys', 'update', keyId, '--name', 'renamed', '--json']);
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'renamed', status: 'expired' });
    expect((await rawItem(keyId))?.expiresAt).toEqual(HUGE);
  });

  it('never prints the stored hash, even of a malformed item', async () => {
    const keyId = await putRaw({ type: { S: 'superuser' } });
    const runs = [
      await cli(['keys', 'show', keyId, '--json']),
      await cli(['keys', 'list', '--project', projectId]),
    ];
    for (const run of runs) expect(run.stdout).not.toContain('a'.repeat(64));
  });
});
