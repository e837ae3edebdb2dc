/** What a CLI command is: data the dispatcher, the option check and the help text all read. */
import type { CommandLine, OptionName } from './args.js';
import type { Output } from './output.js';
import type { Target } from './target.js';

export interface CommandContext {
  /** The command's own positional arguments (after the two command words). */
  readonly args: readonly string[];
  readonly values: CommandLine['values'];
  readonly target: Target;
  readonly output: Output;
}

export interface Command {
  readonly words: readonly [group: string, action: string];
  readonly summary: string;
  /** Placeholders of the positional arguments, e.g. `['ID']`. */
  readonly args: readonly string[];
  /** The options it takes besides the global ones; `required` ones are shown without brackets. */
  readonly options: readonly OptionName[];
  readonly required?: readonly OptionName[];
  readonly run: (context: CommandContext) => Promise<void>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ['stack', 'region', 'json', 'help', 'version'];
