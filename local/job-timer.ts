/**
 * A scheduled job of the deployed stack, run locally on a timer instead of an EventBridge schedule:
 * a run never blocks a request (it is a timer callback, not on the gateway's path), runs never
 * overlap, and a failed run is reported and tried again at the next tick, as the schedule would.
 */
export interface JobTimer<T> {
  /** One run now (or joins the one under way); undefined when it failed (the error is reported). */
  run(): Promise<T | undefined>;
  stop(): Promise<void>;
}

export interface JobTimerOptions<T> {
  /** One run of the job at `now`; what it answers is handed to `check`. */
  readonly job: (now: Date) => Promise<T>;
  /** An error for a run that completed with failures to report, else undefined. */
  readonly check?: (result: T) => Error | undefined;
  /** 0 turns the timer off (tests call `run()`). */
  readonly intervalSeconds: number;
  readonly onError: (error: unknown) => void;
  readonly now?: () => Date;
}

export function startJobTimer<T>(options: JobTimerOptions<T>): JobTimer<T> {
  const now = options.now ?? (() => new Date());
  let current: Promise<T | undefined> | undefined;
  const run = () => {
    current ??= options
      .job(now())
      .then((result) => {
        const failure = options.check?.(result);
        if (failure) options.onError(failure);
        return result;
      })
      .catch((error: unknown) => {
        options.onError(error);
        return undefined;
      })
      .finally(() => {
        current = undefined;
      });
    return current;
  };
  const timer =
    options.intervalSeconds > 0 ? setInterval(() => void run(), options.intervalSeconds * 1000) : undefined;
  // The stack's other services keep the process alive; this timer alone must not.
  timer?.unref();
  return {
    run,
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
}

/** A whole number of seconds from 0 (off) to a day from `env[name]`; `fallback` when unset. */
export function intervalSecondsOf(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name] ?? '';
  const seconds = text.trim() === '' ? fallback : Number(text);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 86_400) {
    throw new RangeError(`${name} must be a whole number from 0 to 86400, got ${JSON.stringify(text)}`);
  }
  return seconds;
}
