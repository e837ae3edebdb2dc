/** `scopegate projects …`: thin wrappers over lambdas/account/projects.ts. */
import { createProject, listProjects, projectJson } from '../../lambdas/account/projects.js';
import { getTeam, TeamNotFoundError } from '../../lambdas/account/teams.js';
import type { Command, CommandContext } from '../command.js';
import { usageError } from '../failure.js';
import { projectTable } from '../format.js';
import { checkedId, requiredName } from './names.js';

function teamOf({ values, target }: CommandContext): string {
  const teamId = values.team ?? target.defaultTeamId;
  if (teamId === undefined) throw usageError('--team is required with --stack');
  return checkedId(teamId, 'team');
}

export const projectCommands: readonly Command[] = [
  {
    words: ['projects', 'create'],
    summary: 'Create a project in an existing team (names are unique in a team)',
    args: [],
    options: ['name', 'team'],
    required: ['name'],
    async run(context) {
      const { values, target, output } = context;
      const name = requiredName(values);
      // createProject checks the team in its own transaction: an unknown team is refused, never made.
      const project = await createProject(target.store, { name, teamId: teamOf(context) });
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
      // A mistyped team would otherwise look like an empty one.
      if (!(await getTeam(context.target.store, teamId))) throw new TeamNotFoundError(teamId);
      const projects = await listProjects(context.target.store, teamId);
      context.output.result({ data: projects.map(projectJson) }, () => projectTable(projects, teamId));
    },
  },
];
