/** `scopegate teams …`: thin wrappers over lambdas/account/teams.ts. */
import { createTeam, listTeams, teamJson } from '../../lambdas/account/teams.js';
import type { Command } from '../command.js';
import { teamTable } from '../format.js';
import { checkedId, requiredName } from './names.js';

export const teamCommands: readonly Command[] = [
  {
    words: ['teams', 'create'],
    summary: 'Create a team (its id is generated unless --id is given)',
    args: [],
    options: ['name', 'id'],
    required: ['name'],
    async run({ values, target, output }) {
      const name = requiredName(values);
      const id = values.id === undefined ? undefined : checkedId(values.id, 'id');
      const team = await createTeam(target.store, { name, ...(id === undefined ? {} : { id }) });
      output.result(teamJson(team), () => `Created team ${team.id} "${team.name}".`);
    },
  },
  {
    words: ['teams', 'list'],
    summary: 'List the teams, oldest first',
    args: [],
    options: [],
    async run({ target, output }) {
      const teams = await listTeams(target.store);
      output.result({ data: teams.map(teamJson) }, () => teamTable(teams));
    },
  },
];
