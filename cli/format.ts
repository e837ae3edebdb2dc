/** Human-readable renderings of keys, teams and projects (the `--json` shapes live with the domain). */
import type { KeyMetadata } from '../lambdas/account/key-metadata.js';
import type { Project } from '../lambdas/account/projects.js';
import type { Team } from '../lambdas/account/teams.js';

export function keyDetails(key: KeyMetadata): string {
  const rows: [string, string][] = [
    ['id', key.id],
    ['prefix', key.prefix],
    ['name', key.name],
    ['status', key.status],
    ['permission', key.permission],
    ['scopes', key.scopes.length > 0 ? key.scopes.join(', ') : 'none'],
    ['project', `${key.projectId} (team ${key.teamId})`],
    ['allowed IPs', key.allowedIps.length > 0 ? key.allowedIps.join(', ') : 'any'],
    ['allowed domains', key.allowedDomains ? key.allowedDomains.join(', ') : 'any'],
    ['expires', key.expiresAt ?? 'never'],
    ['created', key.createdAt ?? '-'],
    ['updated', key.updatedAt ?? '-'],
    ['last used', key.lastUsedAt ?? 'never'],
    ...(key.revokedAt ? ([['revoked', key.revokedAt]] as [string, string][]) : []),
    ...key.warnings.map((warning): [string, string] => ['warning', warning]),
    ...key.malformed.map((problem): [string, string] => ['malformed', problem]),
  ];
  return rows.map(([label, value]) => `${label.padEnd(16)}${value}`).join('\n');
}

export function createdKeyText(key: string, metadata: KeyMetadata, targetLabel: string): string {
  return [
    `Created API key "${metadata.name}" in project ${metadata.projectId} on the ${targetLabel}.`,
    '',
    `    ${key}`,
    '',
    'Store it now: it will not be shown again (only its SHA-256 is kept).',
    '',
    keyDetails(metadata),
  ].join('\n');
}

const MALFORMED_MARK = ' (malformed)';

export function keyTable(keys: readonly KeyMetadata[], projectId: string): string {
  if (keys.length === 0) return `No API keys in project ${projectId}.`;
  const rows = table(
    ['ID', 'PREFIX', 'NAME', 'PERMISSION', 'STATUS', 'EXPIRES', 'CREATED'],
    keys.map((key) => [
      key.id,
      key.prefix,
      truncate(key.name, 32),
      key.permission,
      key.malformed.length > 0 ? `${key.status}${MALFORMED_MARK}` : key.status,
      key.expiresAt ?? 'never',
      key.createdAt ?? '-',
    ]),
  );
  if (!keys.some((key) => key.malformed.length > 0)) return rows;
  return [
    rows,
    '',
    'A malformed item authorises nothing. `scopegate keys show ID` says what is wrong with it;',
    '`scopegate keys revoke ID` revokes it; fix or delete it in the DynamoDB console.',
  ].join('\n');
}

export function teamTable(teams: readonly Team[]): string {
  if (teams.length === 0) return 'No teams yet: create one with `scopegate teams create --name NAME`.';
  return table(
    ['ID', 'NAME', 'CREATED'],
    teams.map((team) => [team.id, truncate(team.name, 40), team.createdAt]),
  );
}

export function projectTable(projects: readonly Project[], teamId: string): string {
  if (projects.length === 0) return `No projects in team ${teamId}.`;
  return table(
    ['ID', 'NAME', 'TEAM', 'CREATED'],
    projects.map((project) => [project.id, truncate(project.name, 40), project.teamId, project.createdAt]),
  );
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
