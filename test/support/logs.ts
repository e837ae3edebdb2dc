/** A logger that records every call, so tests can assert what was (and was not) logged. */
export interface RecordedLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly extra: readonly Record<string, unknown>[];
}

export interface RecordingLog {
  readonly lines: RecordedLine[];
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
  /** Everything logged, serialised: search it for things that must never appear. */
  text(): string;
}

export function recordingLog(): RecordingLog {
  const lines: RecordedLine[] = [];
  const record =
    (level: RecordedLine['level']) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      lines.push({ level, message, extra });
    };
  return {
    lines,
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    text: () => JSON.stringify(lines),
  };
}

/** A clock stopped at one instant. */
export function fixedClock(iso: string): () => Date {
  const instant = new Date(iso);
  return () => new Date(instant.getTime());
}
