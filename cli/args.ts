/**
 * Command-line parsing with node:util parseArgs. Every option is parsed for every command (so flags
 * may come before or after the command words); the command then refuses the ones it does not take.
 */
import { parseArgs } from 'node:util';
import { usageError } from './failure.js';

export const OPTIONS = {
  name: { type: 'string', multiple: true },
  project: { type: 'string', multiple: true },
  permission: { type: 'string', multiple: true },
  scopes: { type: 'string', multiple: true },
  'allowed-ips': { type: 'string', multiple: true },
  'allowed-domains': { type: 'string', multiple: true },
  'expires-at': { type: 'string', multiple: true },
  'rate-limit': { type: 'string', multiple: true },
  type: { type: 'string', multiple: true },
  'grace-period': { type: 'string', multiple: true },
  team: { type: 'string', multiple: true },
  id: { type: 'string', multiple: true },
  stack: { type: 'string', multiple: true },
  region: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export type OptionName = keyof typeof OPTIONS;
export type StringOption = {
  [K in OptionName]: (typeof OPTIONS)[K]['type'] extends 'string' ? K : never;
}[OptionName];

/** List options may repeat (`--scopes a --scopes b`); their values are joined with commas. */
const LIST_OPTIONS: ReadonlySet<StringOption> = new Set(['scopes', 'allowed-ips', 'allowed-domains']);

export interface CommandLine {
  /** Positionals: the command words, then its arguments. */
  readonly words: readonly string[];
  readonly values: Readonly<Partial<Record<StringOption, string>>>;
  readonly json: boolean;
  readonly help: boolean;
  readonly version: boolean;
  /** The options actually given, for the per-command check. */
  readonly given: readonly OptionName[];
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(parseErrorMessage(error));
  }
  const values: Partial<Record<StringOption, string>> = {};
  const given: OptionName[] = [];
  for (const [name, value] of Object.entries(parsed.values)) {
    const option = name as OptionName;
    given.push(option);
    if (!Array.isArray(value)) continue;
    const stringOption = option as StringOption;
    if (value.length > 1 && !LIST_OPTIONS.has(stringOption))
      throw usageError(`--${option} was given more than once`);
    values[stringOption] = value.join(',');
  }
  return {
    words: parsed.positionals,
    values,
    json: parsed.values.json === true,
    help: parsed.values.help === true,
    version: parsed.values.version === true,
    given,
  };
}

/** parseArgs' messages are long and mention its own syntax; these say what to fix. */
function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option}`;
  if (message.includes('does not take an argument')) return `${option} takes no value`;
  if (message.includes('ambiguous'))
    return `${option} needs a value (for one that starts with "-", write ${option}=-…)`;
  if (message.includes('argument missing')) return `${option} needs a value`;
  return message.split('\n')[0] ?? message;
}
