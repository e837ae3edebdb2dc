/**
 * Where results and failures go. Results go to stdout, failures to stderr, in both modes; with
 * `--json` a result is one JSON document and a failure is `{"error":{"code","message","errors"?}}`.
 */
import type { CliFailure } from './failure.js';

export interface Writer {
  write(chunk: string): unknown;
}

export interface Output {
  readonly json: boolean;
  /** Prints a result: `data` with --json, otherwise the text `human()` builds. */
  result(data: unknown, human: () => string): void;
  failure(failure: CliFailure): void;
}

/** API field → the flag that sets it, so a human reads the flag they typed. */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  name: '--name',
  permission: '--permission',
  scopes: '--scopes',
  allowed_ips: '--allowed-ips',
  allowed_domains: '--allowed-domains',
  expires_at: '--expires-at',
  team: '--team',
  id: '--id',
};

export function createOutput(io: { stdout: Writer; stderr: Writer }, json: boolean): Output {
  return {
    json,
    result(data, human) {
      io.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human().replace(/\n*$/, '')}\n`);
    },
    failure(failure) {
      if (json) {
        const errors = failure.errors.length > 0 ? { errors: failure.errors } : {};
        io.stderr.write(
          `${JSON.stringify({ error: { code: failure.code, message: failure.message, ...errors } })}\n`,
        );
        return;
      }
      const lines =
        failure.errors.length > 0
          ? failure.errors.map((error) => `${FIELD_FLAGS[error.path] ?? error.path}: ${error.message}`)
          : [failure.message];
      io.stderr.write(lines.map((line) => `scopegate: ${line}\n`).join(''));
    },
  };
}
