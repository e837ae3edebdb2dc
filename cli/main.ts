/**
 * `scopegate`: the CLI's core, runnable in-process (`runCli`) so tests drive it without a child
 * process. It never prints a key's hash, and prints the key itself only from `keys create`.
 */
import { type CommandLine, parseCommandLine } from './args.js';
import type { Command } from './command.js';
import { dispatch } from './dispatch.js';
import { type FailureHints, toFailure, usageError } from './failure.js';
import { createOutput, type Writer } from './output.js';
import { type Env, resolveTarget, type Target } from './target.js';
import { packageVersion } from './version.js';

export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly env: Env;
}

const BEFORE_TARGET: FailureHints = {
  unreachable: 'cannot reach AWS (check the network and --region)',
  missingTables: 'the scopegate tables do not exist',
};

/** Runs one command line; resolves to the exit code (0 done, 1 failed, 2 invalid command or input). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let output = createOutput(io, argv.includes('--json'));
  let target: Target | undefined;
  try {
    const line: CommandLine = parseCommandLine(argv);
    output = createOutput(io, line.json);
    const next = dispatch(line);
    if ('help' in next) {
      io.stdout.write(`${next.help}\n`);
      return 0;
    }
    if ('version' in next) {
      const version = packageVersion();
      output.result({ name: 'scopegate', version }, () => `scopegate ${version}`);
      return 0;
    }
    assertStackArguments(next.command, line);
    target = await resolveTarget(line, io.env);
    await next.command.run({ args: next.args, values: line.values, target, output });
    return 0;
  } catch (error) {
    const failure = toFailure(error, target?.hints ?? BEFORE_TARGET);
    if (failure.code === 'internal_error' && io.env.SCOPEGATE_DEBUG && error instanceof Error) {
      io.stderr.write(`${error.stack ?? error.message}\n`);
    }
    output.failure(failure);
    return failure.exitCode;
  } finally {
    target?.close();
  }
}

/**
 * A deployed stack has no default project or team: say so before any AWS call, so a missing flag is
 * a usage error (exit 2) even without credentials.
 */
function assertStackArguments(command: Command, line: CommandLine): void {
  if (line.values.stack === undefined) return;
  for (const option of ['project', 'team'] as const) {
    if (command.options.includes(option) && line.values[option] === undefined) {
      throw usageError(`--${option} is required with --stack`);
    }
  }
}

/** The process entry point used by bin/scopegate.mjs. */
export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
