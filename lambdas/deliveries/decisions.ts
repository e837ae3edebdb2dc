/**
 * What follows one delivery attempt. Pure: the consumer records and carries out the decision.
 *
 * - 2xx: `succeeded`; the webhook's run of failed deliveries starts again from zero.
 * - 410 Gone: the receiver says the endpoint is gone for good: the webhook is disabled at once and
 *   the delivery is `failed` (no retries to an endpoint that asked for none).
 * - Anything else (an error status, a timeout, a refused address): `pending` with the next attempt's
 *   time from the retry schedule, honouring Retry-After; after the last attempt, `failed`.
 * - A webhook whose last FAILED_DELIVERIES_BEFORE_DISABLE deliveries all ended `failed` — each one
 *   after the whole ~42-hour schedule — is disabled: its endpoint has not answered for days.
 */
import type { DeliveryResult } from './attempt.js';
import { nextAttemptAt } from './schedule.js';

export const FAILED_DELIVERIES_BEFORE_DISABLE = 5;

export type FailureRun = 'reset' | 'extend' | 'keep';

export interface AttemptDecision {
  readonly status: 'succeeded' | 'pending' | 'failed';
  /** When the next attempt is due (`pending` only). */
  readonly nextAttemptAt?: Date;
  /** Disable the webhook now, with this reason. */
  readonly disableReason?: string;
  /** What happens to the webhook's count of consecutive failed deliveries. */
  readonly failureRun: FailureRun;
}

export function decideAfterAttempt(input: {
  readonly attempt: number;
  readonly result: DeliveryResult;
  readonly failedAt: Date;
  readonly random: () => number;
}): AttemptDecision {
  const { attempt, result, failedAt, random } = input;
  if (result.outcome === 'succeeded') return { status: 'succeeded', failureRun: 'reset' };
  if (result.outcome === 'gone') {
    return {
      status: 'failed',
      disableReason: 'The endpoint answered 410 Gone.',
      failureRun: 'keep',
    };
  }
  const next = nextAttemptAt(attempt, failedAt, {
    random,
    ...(result.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: result.retryAfterSeconds }),
  });
  return next === undefined
    ? { status: 'failed', failureRun: 'extend' }
    : { status: 'pending', nextAttemptAt: next, failureRun: 'keep' };
}

/** After a delivery ended `failed` and the run of failures grew to `failures`. */
export function disableReasonAfterFailures(failures: number): string | undefined {
  return failures >= FAILED_DELIVERIES_BEFORE_DISABLE
    ? `The last ${FAILED_DELIVERIES_BEFORE_DISABLE} deliveries failed after every retry.`
    : undefined;
}
