/**
 * Projects: each belongs to one team, which must exist (teams.ts). Created in one transaction that
 * checks the team's record and writes, in the Data table:
 *
 * - `PROJECT#<id>` / `PROJECT`: the project, for lookups by id;
 * - `TEAM#<teamId>` / `PROJECT#<id>`: its copy under the team, so a team's projects are one Query;
 * - `TEAM#<teamId>` / `PROJECT_NAME#<name>`: the uniqueness record of its name within the team.
 *
 * So a project is never created in a missing team, and two projects of a team never share a name,
 * even when two operators create them at the same moment.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '../shared/ids.js';
import { queryAll, queryPage } from '../aws/query-page.js';
import { projectPartition, teamPartition } from '../aws/tables.js';
import { AlreadyExistsError, cancellationCodes, isTransactionConflict, nameKey } from '../aws/conflicts.js';
import { TEAM_ID_PATTERN, TeamNotFoundError, teamRecordKey } from './teams.js';

export interface Project {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface ProjectStore {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly now?: () => Date;
}

export class ProjectExistsError extends AlreadyExistsError {
  constructor(id: string) {
    super(`Project ${id} already exists`);
  }
}

export class ProjectNameTakenError extends AlreadyExistsError {
  constructor(teamId: string, name: string, existingId: string | undefined) {
    super(`Team ${teamId} already has a project named "${name}"${existingId ? ` (${existingId})` : ''}`);
  }
}

export const PROJECT_ID_PATTERN = TEAM_ID_PATTERN;

/** Attempts when a concurrent transaction on the same items makes DynamoDB cancel ours. */
const ATTEMPTS = 3;
// The order of the transaction's items, which DynamoDB's cancellation reasons follow.
const TEAM_CHECK = 0;
const PROJECT_ITEM = 1;
const NAME_RECORD = 3;

const nameRecordKey = (teamId: string, name: string) => ({
  pk: teamPartition(teamId),
  sk: `PROJECT_NAME#${nameKey(name)}`,
});

export async function createProject(
  store: ProjectStore,
  input: { name: string; teamId: string; id?: string },
): Promise<Project> {
  const createdAt = (store.now?.() ?? new Date()).toISOString();
  const project: Project = {
    id: input.id ?? newId('proj'),
    teamId: input.teamId,
    name: input.name,
    createdAt,
  };
  if (!PROJECT_ID_PATTERN.test(project.id) || !PROJECT_ID_PATTERN.test(project.teamId)) {
    throw new RangeError('Project and team ids may only contain letters, digits, _ and -');
  }
  const attributes = { projectId: project.id, teamId: project.teamId, name: project.name, createdAt };
  const write = new TransactWriteCommand({
    TransactItems: [
      {
        ConditionCheck: {
          TableName: store.dataTable,
          Key: teamRecordKey(project.teamId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      {
        Put: {
          TableName: store.dataTable,
          Item: { pk: projectPartition(project.id), sk: 'PROJECT', ...attributes },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: store.dataTable,
          Item: { pk: teamPartition(project.teamId), sk: projectPartition(project.id), ...attributes },
        },
      },
      {
        Put: {
          TableName: store.dataTable,
          Item: { ...nameRecordKey(project.teamId, project.name), projectId: project.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(write);
      return project;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (codes[TEAM_CHECK] === 'ConditionalCheckFailed') throw new TeamNotFoundError(project.teamId);
      if (codes[PROJECT_ITEM] === 'ConditionalCheckFailed') throw new ProjectExistsError(project.id);
      if (codes[NAME_RECORD] === 'ConditionalCheckFailed') {
        throw new ProjectNameTakenError(project.teamId, project.name, await nameHolder(store, project));
      }
      if (!isTransactionConflict(codes) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** The id of the project holding a name, for the error message; a failed read only shortens it. */
async function nameHolder(store: ProjectStore, project: Project): Promise<string | undefined> {
  try {
    const { Item } = await store.documents.send(
      new GetCommand({
        TableName: store.dataTable,
        Key: nameRecordKey(project.teamId, project.name),
        ConsistentRead: true,
      }),
    );
    return typeof Item?.projectId === 'string' ? Item.projectId : undefined;
  } catch {
    return undefined;
  }
}

export async function getProject(store: ProjectStore, projectId: string): Promise<Project | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      Key: { pk: projectPartition(projectId), sk: 'PROJECT' },
      ConsistentRead: true,
    }),
  );
  return Item ? toProject(Item) : undefined;
}

/** Every project of a team, oldest first. */
export async function listProjects(store: ProjectStore, teamId: string): Promise<Project[]> {
  const items = await queryAll({
    documents: store.documents,
    table: store.dataTable,
    partition: teamPartition(teamId),
    prefix: 'PROJECT#',
  });
  return items.map(toProject).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** One page of a team's projects for the API: by id, descending (newest first for generated ids). */
export async function listProjectsPage(
  store: ProjectStore,
  teamId: string,
  page: { limit: number; after: string | undefined },
): Promise<{ projects: Project[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryPage({
    documents: store.documents,
    table: store.dataTable,
    partition: teamPartition(teamId),
    prefix: 'PROJECT#',
    limit: page.limit,
    after: page.after,
  });
  return { projects: items.map(toProject), nextAfter };
}

function toProject(item: Record<string, unknown>): Project {
  return {
    id: String(item.projectId),
    teamId: String(item.teamId),
    name: String(item.name),
    createdAt: String(item.createdAt),
  };
}

/** The JSON shape the API returns. */
export function projectJson(project: Project) {
  return { id: project.id, team_id: project.teamId, name: project.name, created_at: project.createdAt };
}
