/** Teams and the uniqueness of project names, against DynamoDB Local's real transactions. */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AlreadyExistsError } from '../../../../lambdas/aws/conflicts.js';
import {
  createProject,
  listProjects,
  ProjectNameTakenError,
  type ProjectStore,
} from '../../../../lambdas/account/projects.js';
import {
  createTeam,
  ensureTeam,
  getTeam,
  listTeams,
  TeamNameTakenError,
  TeamNotFoundError,
} from '../../../../lambdas/account/teams.js';
import { localDocuments } from '../../../../local/services.js';
import { seed } from '../../../../local/stack.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { type LossyProxy, startLossyProxy } from '../../../support/lossy-proxy.js';

let aws: TestAws;
let store: ProjectStore;

beforeAll(async () => {
  aws = await createTestAws();
  store = { documents: aws.documents, dataTable: aws.tables.data };
});

const unique = (label: string): string => `${label} ${randomUUID()}`;

describe('teams', () => {
  it('creates a team with a generated id that getTeam and listTeams find', async () => {
    const team = await createTeam(store, { name: unique('acme') });
    expect(team.id).toMatch(/^team_[0-9A-Za-z]{22}$/);
    expect(await getTeam(store, team.id)).toEqual(team);
    expect(await listTeams(store)).toContainEqual(team);
  });

  it('lets exactly one of two simultaneous creations of a name win', async () => {
    const name = unique('race');
    const results = await Promise.allSettled([createTeam(store, { name }), createTeam(store, { name })]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const [failure] = results.filter((result) => result.status === 'rejected');
    expect(failure?.reason).toBeInstanceOf(TeamNameTakenError);
  });

  it('ensureTeam creates a missing team once and then answers the existing one', async () => {
    const id = `ensured-${randomUUID().slice(0, 8)}`;
    const [first, second] = await Promise.all([
      ensureTeam(store, { id, name: id }),
      ensureTeam(store, { id, name: id }),
    ]);
    expect(second).toEqual(first);
    expect(await ensureTeam(store, { id, name: id })).toEqual(first);
    expect((await listTeams(store)).filter((team) => team.id === id)).toHaveLength(1);
  });
});

describe('createProject', () => {
  it('refuses a team that does not exist, and writes no project', async () => {
    const teamId = `missing-${randomUUID().slice(0, 8)}`;
    await expect(createProject(store, { name: 'p', teamId })).rejects.toBeInstanceOf(TeamNotFoundError);
    expect(await listProjects(store, teamId)).toEqual([]);
  });

  it('lets exactly one of two simultaneous projects of the same name in a team win', async () => {
    const team = await createTeam(store, { name: unique('race team') });
    const attempts = Array.from({ length: 4 }, () =>
      createProject(store, { name: 'Checkout', teamId: team.id }),
    );
    const results = await Promise.allSettled(attempts);

    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const result of lost) expect(result.reason).toBeInstanceOf(ProjectNameTakenError);
    expect(await listProjects(store, team.id)).toHaveLength(1);
  });

  it('compares names trimmed and case-insensitively, within one team only', async () => {
    const [team, other] = [
      await createTeam(store, { name: unique('a') }),
      await createTeam(store, { name: unique('b') }),
    ];
    await createProject(store, { name: 'Billing', teamId: team.id });
    await expect(createProject(store, { name: ' billing ', teamId: team.id })).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
    await expect(createProject(store, { name: 'Billing', teamId: other.id })).resolves.toMatchObject({
      teamId: other.id,
    });
  });
});

describe('the local stack seed', () => {
  it('creates team local, project default and one key on first start, and nothing on the next', async () => {
    const fresh = await createTestAws();
    const first = await seed(fresh.documents, fresh.tables);
    const second = await seed(fresh.documents, fresh.tables);

    expect(first).toMatch(/^sk_test_/);
    expect(second).toBeUndefined();
    const local = { documents: fresh.documents, dataTable: fresh.tables.data };
    expect(await getTeam(local, 'local')).toMatchObject({ id: 'local', name: 'local' });
    expect((await listProjects(local, 'local')).map((project) => project.id)).toEqual(['default']);
  });

  it('adopts a data folder from before teams were explicit: team local gets its record', async () => {
    const legacy = await createTestAws();
    // What the previous version wrote: the project's two items, and no team record.
    const project = {
      projectId: 'default',
      teamId: 'local',
      name: 'default',
      createdAt: '2026-01-01T00:00:00Z',
    };
    for (const key of [
      { pk: 'PROJECT#default', sk: 'PROJECT' },
      { pk: 'TEAM#local', sk: 'PROJECT#default' },
    ]) {
      await legacy.documents.send(
        new PutCommand({ TableName: legacy.tables.data, Item: { ...key, ...project } }),
      );
    }
    const local = { documents: legacy.documents, dataTable: legacy.tables.data };
    await expect(createProject(local, { name: 'new', teamId: 'local' })).rejects.toBeInstanceOf(
      TeamNotFoundError,
    );

    expect(await seed(legacy.documents, legacy.tables)).toBeUndefined();

    expect(await getTeam(local, 'local')).toMatchObject({ id: 'local' });
    await createProject(local, { name: 'new', teamId: 'local' });
    expect((await listProjects(local, 'local')).map((p) => p.name)).toEqual(['default', 'new']);
  });
});

describe('a transaction whose answer is lost', () => {
  let proxy: LossyProxy;
  beforeAll(async () => {
    proxy = await startLossyProxy(inject('dynamoEndpoint'));
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('committed on the first attempt, is retried with the same ClientRequestToken: success, not a false conflict', async () => {
    // Arrange: the deployed client (DYNAMODB_BOUNDS: two attempts) behind a proxy that lets the
    // first TransactWriteItems commit in DynamoDB Local and then drops its answer.
    const documents = localDocuments(proxy.endpoint);
    const lossy = { documents, dataTable: aws.tables.data };
    proxy.dropNextAnswer((headers) => headers['x-amz-target'] === 'DynamoDB_20120810.TransactWriteItems');
    const name = unique('lost answer');
    try {
      // Act
      const team = await createTeam(lossy, { name });
      // Assert: the caller sees its team, stored once, and both attempts carried one token.
      expect(await getTeam(store, team.id)).toEqual(team);
      const writes = proxy.forwarded.filter(
        (request) => request.headers['x-amz-target'] === 'DynamoDB_20120810.TransactWriteItems',
      );
      expect(writes.map((write) => write.dropped)).toEqual([true, false]);
      const tokens = writes.map(
        (write) => (JSON.parse(write.body) as { ClientRequestToken?: string }).ClientRequestToken,
      );
      expect(tokens[0]).toEqual(expect.any(String));
      expect(tokens[1]).toBe(tokens[0]);
    } finally {
      documents.destroy();
    }
  });
});
