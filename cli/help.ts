/** Help texts, built from the command table and the option descriptions. */
import type { OptionName } from './args.js';
import { type Command, GLOBAL_OPTIONS } from './command.js';

const OPTION_HELP: Readonly<Record<OptionName, { readonly value?: string; readonly text: string }>> = {
  name: { value: 'NAME', text: "the key's, team's or project's name (1–100 characters)" },
  project: { value: 'ID', text: 'project id (default on the local stack: default)' },
  permission: {
    value: 'LEVEL',
    text: 'full_access (default for a new key), sending_only or custom; --scopes alone means custom',
  },
  scopes: { value: 'LIST', text: 'comma-separated scopes of a custom key, e.g. emails:send,templates:read' },
  'allowed-ips': { value: 'LIST', text: 'IPv4/IPv6 addresses and CIDR ranges; "" = any IP (default)' },
  'allowed-domains': { value: 'LIST', text: 'sending domains the key may send from; "" = any (default)' },
  'expires-at': { value: 'ISO', text: 'expiry, e.g. 2030-01-31 or 2030-01-31T12:00:00Z; never = no expiry' },
  'rate-limit': { value: 'N', text: 'requests per second for this key, 1–10000; none = the stage default' },
  type: { value: 'TYPE', text: 'general (default) or billing (with --scopes billing:read,billing:write)' },
  'grace-period': {
    value: 'SECONDS',
    text: 'how long the old secret keeps working, 0–604800 (default 86400)',
  },
  team: { value: 'ID', text: 'team id, from `scopegate teams list` (default on the local stack: local)' },
  id: { value: 'ID', text: 'use this team id instead of a generated team_… (letters, digits, _ and -)' },
  stack: { value: 'NAME', text: 'work on a deployed stack instead of the local one' },
  region: { value: 'REGION', text: "the stack's region (default: AWS_REGION)" },
  json: { text: 'machine-readable output (errors as JSON on stderr)' },
  help: { text: 'show help' },
  version: { text: 'print the version and exit' },
};

export function usageLine(command: Command): string {
  const options = command.options.map((option) => {
    const value = OPTION_HELP[option].value;
    const flag = value ? `--${option} ${value}` : `--${option}`;
    return command.required?.includes(option) ? flag : `[${flag}]`;
  });
  return ['scopegate', ...command.words, ...command.args, ...options].join(' ');
}

export function generalHelp(commands: readonly Command[]): string {
  const width = Math.max(
    ...commands.map((command) => command.words.join(' ').length + 1 + command.args.join(' ').length),
  );
  return [
    'Usage: scopegate <command> [options]',
    '',
    'Manages scopegate API keys, teams and projects: on the local stack (`npm start`) by default,',
    'or on a deployed stack with --stack NAME --region REGION.',
    '',
    'Commands:',
    ...commands.map(
      (command) => `  ${[...command.words, ...command.args].join(' ').padEnd(width)}  ${command.summary}`,
    ),
    '',
    'Options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Run `scopegate <command> --help` for its options.',
    'Exit codes: 0 done, 1 failed (e.g. DynamoDB unreachable), 2 invalid command or input.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  return [
    `Usage: ${usageLine(command)}`,
    '',
    `${command.summary}.`,
    ...(command.options.length > 0 ? ['', 'Options:', ...optionLines(command.options)] : []),
    '',
    'Options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
  ].join('\n');
}

function optionLines(options: readonly OptionName[]): string[] {
  const flags = options.map((option) => {
    const value = OPTION_HELP[option].value;
    return option === 'help' ? '-h, --help' : value ? `--${option} ${value}` : `--${option}`;
  });
  const width = Math.max(...flags.map((flag) => flag.length));
  return options.map(
    (option, index) => `  ${(flags[index] ?? '').padEnd(width)}  ${OPTION_HELP[option].text}`,
  );
}
