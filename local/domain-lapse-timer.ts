/**
 * The local domain lapse job: the deployed job's code (lambdas/domain-lapse/domain-lapse.ts) on a timer
 * (./job-timer.ts) instead of the EventBridge schedule.
 */
import {
  type DomainLapseDependencies,
  type DomainLapseSummary,
  sweepLapsedDomains,
} from '../lambdas/domain-lapse/domain-lapse.js';
import { intervalSecondsOf, type JobTimer, startJobTimer } from './job-timer.js';

/** Every minute locally, like the other local job. */
export const DEFAULT_DOMAIN_LAPSE_INTERVAL_SECONDS = 60;

export interface DomainLapseTimerOptions {
  /** The sweep's dependencies; its clock (`now`) is the one the sweep decides with. */
  readonly deps: DomainLapseDependencies;
  /** 0 turns the timer off (tests call `run()`). */
  readonly intervalSeconds: number;
  readonly onError: (error: unknown) => void;
}

export function startDomainLapseTimer(options: DomainLapseTimerOptions): JobTimer<DomainLapseSummary> {
  return startJobTimer({
    job: () => sweepLapsedDomains(options.deps),
    check: (summary) =>
      summary.failed.length > 0
        ? new Error(`domains not lapsed: ${summary.failed.join(', ')}; retried next run`)
        : undefined,
    intervalSeconds: options.intervalSeconds,
    onError: options.onError,
  });
}

/** SCOPEGATE_DOMAIN_LAPSE_INTERVAL_SECONDS: a whole number of seconds, 0 for off; default 60. */
export function domainLapseIntervalSeconds(env: NodeJS.ProcessEnv): number {
  return intervalSecondsOf(
    env,
    'SCOPEGATE_DOMAIN_LAPSE_INTERVAL_SECONDS',
    DEFAULT_DOMAIN_LAPSE_INTERVAL_SECONDS,
  );
}
