/**
 * Teams: the owners of projects. A team exists only once it is created explicitly, so a mistyped
 * `--team` is refused instead of quietly starting a new team. Stored in the Data table:
 *
 * - `TEAM#<id>` / `TEAM`: the team record, which a project's creation checks in its transaction;
 * - `TEAMS` / `TEAM#<id>`: the same attributes in the team directory, so listing teams is one Query;
 * - `TEAMS` / `NAME#<name>`: the uniqueness record of the team's name (compared as `nameKey`).
 *
 * All three are written in one transaction, so two teams can never end up with the same name.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '../shared/ids.js';
import { teamPartition } from '../aws/tables.js';
import { queryAll } from '../aws/query-page.js';
import { AlreadyExistsError, cancellationCodes, isTransactionConflict, nameKey } from '../aws/conflicts.js';

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface TeamStore {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly now?: () => Date;
}

/** Team and project ids: letters, digits, `_` and `-` (generated ones look like `team_…`). */
export const TEAM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class TeamNotFoundError extends Error {
  constructor(readonly teamId: string) {
    super(`No team with id ${teamId} (see scopegate teams list)`);
    this.name = 'TeamNotFoundError';
  }
}

export class TeamExistsError extends AlreadyExistsError {
  constructor(teamId: string) {
    super(`Team ${teamId} already exists`);
  }
}

export class TeamNameTakenError extends AlreadyExistsError {
  constructor(name: string) {
    super(`A team named "${name}" already exists`);
  }
}

const DIRECTORY = 'TEAMS';
const TEAM_PREFIX = 'TEAM#';
/** Attempts when a concurrent transaction on the same items makes DynamoDB cancel ours. */
const ATTEMPTS = 3;

/** The key of a team's record: what a project's creation checks for. */
export function teamRecordKey(teamId: string): { pk: string; sk: string } {
  return { pk: teamPartition(teamId), sk: 'TEAM' };
}

/** `id` is for ids chosen by an operator (the local stack's `local`); otherwise one is generated. */
export async function createTeam(store: TeamStore, input: { name: string; id?: string }): Promise<Team> {
  const team: Team = {
    id: input.id ?? newId('team'),
    name: input.name,
    createdAt: (store.now?.() ?? new Date()).toISOString(),
  };
  if (!TEAM_ID_PATTERN.test(team.id)) {
    throw new RangeError('Team ids may only contain letters, digits, _ and -');
  }
  const attributes = { teamId: team.id, name: team.name, createdAt: team.createdAt };
  const write = new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: store.dataTable,
          Item: { ...teamRecordKey(team.id), ...attributes },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: store.dataTable,
          Item: { pk: DIRECTORY, sk: `${TEAM_PREFIX}${team.id}`, ...attributes },
        },
      },
      {
        Put: {
          TableName: store.dataTable,
          Item: { pk: DIRECTORY, sk: `NAME#${nameKey(team.name)}`, teamId: team.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(write);
      return team;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (codes[0] === 'ConditionalCheckFailed') throw new TeamExistsError(team.id);
      if (codes[2] === 'ConditionalCheckFailed') throw new TeamNameTakenError(team.name);
      if (!isTransactionConflict(codes) || attempt >= ATTEMPTS) throw error;
    }
  }
}

export async function getTeam(store: TeamStore, teamId: string): Promise<Team | undefined> {
  if (!TEAM_ID_PATTERN.test(teamId)) return undefined;
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: teamRecordKey(teamId), ConsistentRead: true }),
  );
  return Item ? toTeam(Item) : undefined;
}

/**
 * Creates the team unless it exists; safe to run on every start and from two processes at once.
 * The local stack calls it so that a data folder from before teams were explicit (team `local` with
 * projects but no team record) keeps working.
 */
export async function ensureTeam(store: TeamStore, input: { id: string; name: string }): Promise<Team> {
  const existing = await getTeam(store, input.id);
  if (existing) return existing;
  try {
    return await createTeam(store, input);
  } catch (error) {
    if (!(error instanceof TeamExistsError)) throw error;
    const created = await getTeam(store, input.id);
    if (!created) throw error;
    return created;
  }
}

/** Every team, oldest first. */
export async function listTeams(store: TeamStore): Promise<Team[]> {
  const items = await queryAll({
    documents: store.documents,
    table: store.dataTable,
    partition: DIRECTORY,
    prefix: TEAM_PREFIX,
  });
  return items.map(toTeam).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

function toTeam(item: Record<string, unknown>): Team {
  return { id: String(item.teamId), name: String(item.name), createdAt: String(item.createdAt) };
}

/** The JSON shape the CLI prints (snake_case, like the API's projects). */
export function teamJson(team: Team) {
  return { id: team.id, name: team.name, created_at: team.createdAt };
}
