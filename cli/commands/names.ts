/** The checks `teams` and `projects` share: a display name, and a team or project id. */
import { parseName } from '../../lambdas/account/key-input.js';
import { TEAM_ID_PATTERN } from '../../lambdas/account/teams.js';
import type { CommandLine } from '../args.js';
import { CliFailure } from '../failure.js';

/** `--name`, trimmed, 1–100 characters without control characters (the rule for key names). */
export function requiredName(values: CommandLine['values']): string {
  const name = values.name === undefined ? { error: 'is required' } : parseName(values.name);
  if ('error' in name) {
    throw new CliFailure('validation_error', `name: ${name.error}`, [{ path: 'name', message: name.error }]);
  }
  return name.value;
}

/** A team id given with `field` (`--team` or `--id`), checked before any table is read. */
export function checkedId(id: string, field: 'team' | 'id'): string {
  if (!TEAM_ID_PATTERN.test(id)) {
    throw new CliFailure('validation_error', 'invalid team id', [
      { path: field, message: 'may only contain letters, digits, _ and - (at most 64)' },
    ]);
  }
  return id;
}
