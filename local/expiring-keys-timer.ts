/**
 * The local `api_key.expiring` job: the deployed job's code (lambdas/account/expiring-keys.ts) on a
 * timer instead of an EventBridge schedule. A run never blocks a request (it is a timer callback,
 * not on the gateway's path), runs never overlap, and a failed run is logged and tried again at
 * the next tick, as the hourly schedule would.
 */
import {
  type ExpiringKeysStore,
  type ExpiringKeysSummary,
  notifyExpiringKeys,
} from '../lambdas/account/expiring-keys.js';

/** Every minute locally: a key made to expire soon gets its notice while the developer watches. */
export const DEFAULT_EXPIRING_KEYS_INTERVAL_SECONDS = 60;

export interface ExpiringKeysTimer {
  /** One run now (or joins the one under way); undefined when it failed (the error is reported). */
  run(): Promise<ExpiringKeysSummary | undefined>;
  stop(): Promise<void>;
}

export interface ExpiringKeysTimerOptions {
  readonly store: ExpiringKeysStore;
  /** 0 turns the timer off (tests call `run()`). */
  readonly intervalSeconds: number;
  readonly onError: (error: unknown) => void;
  readonly now?: () => Date;
}

export function startExpiringKeysTimer(options: ExpiringKeysTimerOptions): ExpiringKeysTimer {
  const now = options.now ?? (() => new Date());
  let current: Promise<ExpiringKeysSummary | undefined> | undefined;
  const run = () => {
    current ??= notifyExpiringKeys({ store: options.store, now: now() })
      .then((summary) => {
        if (summary.failed.length > 0)
          options.onError(
            new Error(`api_key.expiring not written for ${summary.failed.join(', ')}; retried next run`),
          );
        return summary;
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

/** SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS: a whole number of seconds, 0 for off; default 60. */
export function expiringKeysIntervalSeconds(env: NodeJS.ProcessEnv): number {
  const text = env.SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS ?? '';
  const seconds = text.trim() === '' ? DEFAULT_EXPIRING_KEYS_INTERVAL_SECONDS : Number(text);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 86_400) {
    throw new RangeError(
      `SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS must be a whole number from 0 to 86400, got ${JSON.stringify(text)}`,
    );
  }
  return seconds;
}
