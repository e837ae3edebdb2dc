/**
 * Projects: each belongs to one team. Stored twice in the Data table in one transaction — under the
 * project (`PROJECT#<id>` / `PROJECT`) for lookups by id, and under the team (`TEAM#<id>` /
 * `PROJECT#<id>`) so a team's projects are one Query.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { newId } from '../core/ids.js';
import { projectPartition, teamPartition } from '../core/tables.js';

export interface Project {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface ProjectStore {
  readonly documents: DynamoDBDocumentClient;
  readonly dataTable: string;
  readonly now?: () => Date;
}

export class ProjectExistsError extends Error {
  constructor(id: string) {
    super(`Project ${id} already exists`);
    this.name = 'ProjectExistsError';
  }
}

export const PROJECT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

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
  try {
    await store.documents.send(
      new TransactWriteCommand({
        TransactItems: [
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
        ],
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'TransactionCanceledException')
      throw new ProjectExistsError(project.id);
    throw error;
  }
  return project;
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
  const projects: Project[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.documents.send(
      new QueryCommand({
        TableName: store.dataTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': teamPartition(teamId), ':prefix': 'PROJECT#' },
        ExclusiveStartKey: startKey,
      }),
    );
    projects.push(...(page.Items ?? []).map(toProject));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return projects.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
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
