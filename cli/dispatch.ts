/**
 * From a parsed command line to the command to run (or the help to print), refusing unknown
 * commands, missing or extra arguments, and options the command does not take.
 */
import type { CommandLine } from './args.js';
import { type Command, GLOBAL_OPTIONS } from './command.js';
import { domainCommands } from './commands/domains.js';
import { keyCommands } from './commands/keys.js';
import { projectCommands } from './commands/projects.js';
import { teamCommands } from './commands/teams.js';
import { usageError } from './failure.js';
import { commandHelp, generalHelp } from './help.js';

export const COMMANDS: readonly Command[] = [
  ...keyCommands,
  ...teamCommands,
  ...projectCommands,
  ...domainCommands,
];

export type Dispatch =
  | { readonly help: string }
  | { readonly version: true }
  | { readonly command: Command; readonly args: readonly string[] };

export function dispatch(line: CommandLine): Dispatch {
  const asksHelp = line.help || line.words[0] === 'help';
  // Like --help, --version answers whatever else is on the line, and touches no table.
  if (line.version && !asksHelp) return { version: true };
  const words = line.words[0] === 'help' ? line.words.slice(1) : line.words;
  const [group, action, ...args] = words;
  if (group === undefined) return { help: generalHelp(COMMANDS) };

  const inGroup = COMMANDS.filter((command) => command.words[0] === group);
  if (inGroup.length === 0) {
    throw usageError(
      `unknown command "${shown(group)}"; commands: ${groups().join(', ')} (see scopegate --help)`,
    );
  }
  const actions = inGroup.map((command) => command.words[1]).join(', ');
  if (action === undefined) {
    if (asksHelp) return { help: generalHelp(inGroup) };
    throw usageError(`"${group}" needs a subcommand: ${actions}`);
  }
  const command = inGroup.find((candidate) => candidate.words[1] === action);
  if (!command) {
    throw usageError(`unknown command "${group} ${shown(action)}"; ${group} commands: ${actions}`);
  }
  if (asksHelp) return { help: commandHelp(command) };

  const name = command.words.join(' ');
  if (args.length < command.args.length) throw usageError(`${name} needs ${command.args.join(' ')}`);
  if (args.length > command.args.length) {
    throw usageError(`unexpected argument "${shown(args[command.args.length] ?? '')}" for ${name}`);
  }
  const refused = line.given.find(
    (option) => !command.options.includes(option) && !GLOBAL_OPTIONS.includes(option),
  );
  if (refused) throw usageError(`--${refused} does not apply to ${name} (see scopegate ${name} --help)`);
  return { command, args };
}

function groups(): string[] {
  return [...new Set(COMMANDS.map((command) => command.words[0]))];
}

/** Echoes at most 20 characters: a secret key pasted in the wrong place shows only its public prefix. */
function shown(word: string): string {
  return word.length > 20 ? `${word.slice(0, 20)}…` : word;
}
