/**
 * The local `api_key.expiring` job: the deployed job's code (lambdas/expiring-keys/expiring-keys.ts) on a
 * timer (./job-timer.ts) instead of the hourly EventBridge schedule.
 */
import {
  type ExpiringKeysStore,
  type ExpiringKeysSummary,
  notifyExpiringKeys,
} from '../lambdas/expiring-keys/expiring-keys.js';
import { intervalSecondsOf, type JobTimer, startJobTimer } from './job-timer.js';

/** Every minute locally: a key made to expire soon gets its notice while the developer watches. */
export const DEFAULT_EXPIRING_KEYS_INTERVAL_SECONDS = 60;

export type ExpiringKeysTimer = JobTimer<ExpiringKeysSummary>;

export interface ExpiringKeysTimerOptions {
  readonly store: ExpiringKeysStore;
  /** 0 turns the timer off (tests call `run()`). */
  readonly intervalSeconds: number;
  readonly onError: (error: unknown) => void;
  readonly now?: () => Date;
}

export function startExpiringKeysTimer(options: ExpiringKeysTimerOptions): ExpiringKeysTimer {
  return startJobTimer({
    job: (now) => notifyExpiringKeys({ store: options.store, now }),
    check: (summary) =>
      summary.failed.length > 0
        ? new Error(`api_key.expiring not written for ${summary.failed.join(', ')}; retried next run`)
        : undefined,
    intervalSeconds: options.intervalSeconds,
    onError: options.onError,
    ...(options.now ? { now: options.now } : {}),
  });
}

/** SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS: a whole number of seconds, 0 for off; default 60. */
export function expiringKeysIntervalSeconds(env: NodeJS.ProcessEnv): number {
  return intervalSecondsOf(
    env,
    'SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS',
    DEFAULT_EXPIRING_KEYS_INTERVAL_SECONDS,
  );
}
