/** `scopegate projects …`: thin wrappers over lambdas/account/projects.ts. */
import { parseName } from '../../lambdas/account/key-input.js';
import {
  createProject,
  listProjects,
  PROJECT_ID_PATTERN,
  projectJson,
} from '../../lambdas/account/projects.js';
import type { Command, CommandContext } from '../command.js';
import { CliFailure, usageError } from '../failure.js';
import { projectTable } from '../format.js';

function teamOf({ values, target }: CommandContext): string {
  const teamId = values.team ?? target.defaultTeamId;
  if (teamId === undefined) throw usageError('--team is required with --stack');
  if (!PROJECT_ID_PATTERN.test(teamId)) {
    throw new CliFailure('validation_error', 'invalid team id', [
      { path: 'team', message: 'may only contain letters, digits, _ and - (at most 64)' },
    ]);
  }
  return teamId;
}

export const projectCommands: readonly Command[] = [
  {
    words: ['projects', 'create'],
    summary: 'Create a project in a team',
    args: [],
    options: ['name', 'team'],
    required: ['name'],
    async run(context) {
      const { values, target, output } = context;
      const name = values.name === undefined ? { error: 'is required' } : parseName(values.name);
      if ('error' in name)
        throw new CliFailure('validation_error', `name: ${name.error}`, [
          { path: 'name', message: name.error },
        ]);
      const project = await createProject(target.store, { name: name.value, teamId: teamOf(context) });
      output.result(
        projectJson(project),
        () => `Created project ${project.id} "${project.name}" in team ${project.teamId}.`,
      );
    },
  },
  {
    words: ['projects', 'list'],
    summary: "List a team's projects, oldest first",
    args: [],
    options: ['team'],
    async run(context) {
      const teamId = teamOf(context);
      const projects = await listProjects(context.target.store, teamId);
      context.output.result({ data: projects.map(projectJson) }, () => projectTable(projects, teamId));
    },
  },
];
