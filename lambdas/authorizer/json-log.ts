/**
 * The authorizer's logger: one JSON line per entry on stdout, shaped like Powertools Logger's
 * (`level`, `message`, `timestamp`, `service`, `xray_trace_id`, then the entry's fields). The
 * authorizer sits in front of every cold request, and Powertools Logger was half of its import
 * time; the services keep Powertools (docs/decisions/0015-authorizer-logger.md).
 */
import type { AuthorizerLog } from './authorizer.js';

const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 } as const;
type Level = keyof typeof LEVELS;

export interface JsonLogOptions {
  readonly service: string;
  /** `POWERTOOLS_LOG_LEVEL` or Lambda's `AWS_LAMBDA_LOG_LEVEL`; unknown values mean INFO. */
  readonly level?: string | undefined;
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
  /** Read per entry: Lambda sets `_X_AMZN_TRACE_ID` per invocation. */
  readonly traceId?: () => string | undefined;
}

export function createJsonLog(options: JsonLogOptions): AuthorizerLog {
  const threshold = LEVELS[levelOf(options.level)];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const traceId = options.traceId ?? (() => process.env._X_AMZN_TRACE_ID);
  const entry =
    (level: Level) =>
    (message: string, ...extra: Record<string, unknown>[]): void => {
      if (LEVELS[level] < threshold) return;
      const trace = traceId();
      // The entry's own fields come first so that none can overwrite the reserved keys after them.
      write(
        JSON.stringify(
          Object.assign({}, ...extra, {
            level,
            message,
            timestamp: now().toISOString(),
            service: options.service,
            ...(trace ? { xray_trace_id: trace } : {}),
          }),
        ),
      );
    };
  return { info: entry('INFO'), warn: entry('WARN'), error: entry('ERROR') };
}

function levelOf(raw: string | undefined): Level {
  const level = raw?.trim().toUpperCase();
  return level !== undefined && level in LEVELS ? (level as Level) : 'INFO';
}
