/**
 * The local scheduled-email sweeper: the deployed sweep's code (lambdas/scheduler/sweep.ts) on a
 * timer (./job-timer.ts) instead of the EventBridge rule, with the same budget per run. Its clock is
 * injected, so tests move time instead of waiting.
 */
import { randomUUID } from 'node:crypto';
import {
  type SweepDependencies,
  type SweepSummary,
  sweepScheduledEmails,
} from '../lambdas/scheduler/sweep.js';
import { intervalSecondsOf, type JobTimer, startJobTimer } from './job-timer.js';

/** Every 10 seconds locally: a due email goes out well inside its minute. */
export const DEFAULT_SCHEDULED_EMAILS_INTERVAL_SECONDS = 10;
const RUN_BUDGET_MS = 50_000;

export interface ScheduledEmailsTimerOptions {
  /** The sweep's dependencies without a claimant (each run gets its own); `now` decides what is due. */
  readonly deps: Omit<SweepDependencies, 'claimant'>;
  /** 0 turns the timer off (tests call `run()`). */
  readonly intervalSeconds: number;
  readonly onError: (error: unknown) => void;
}

export function startScheduledEmailsTimer(options: ScheduledEmailsTimerOptions): JobTimer<SweepSummary> {
  return startJobTimer({
    job: () =>
      sweepScheduledEmails(
        { ...options.deps, claimant: `local-${randomUUID()}` },
        { deadline: Date.now() + RUN_BUDGET_MS },
      ),
    intervalSeconds: options.intervalSeconds,
    onError: options.onError,
  });
}

/** SCOPEGATE_SCHEDULED_EMAILS_INTERVAL_SECONDS: a whole number of seconds, 0 for off; default 10. */
export function scheduledEmailsIntervalSeconds(env: NodeJS.ProcessEnv): number {
  return intervalSecondsOf(
    env,
    'SCOPEGATE_SCHEDULED_EMAILS_INTERVAL_SECONDS',
    DEFAULT_SCHEDULED_EMAILS_INTERVAL_SECONDS,
  );
}
