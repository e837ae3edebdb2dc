/**
 * How fast the broadcast senders send, pure: `workers` senders (the sender Lambda's maximum
 * concurrency deployed, the local stack's worker loops) share the SES account's maximum send rate,
 * each taking one slot every `intervalMs`. A slot is never saved up: a sender that falls behind
 * starts again from now, so the senders together never exceed the rate in any second, whatever
 * their delays (docs/decisions/0035-broadcasts.md has the arithmetic).
 */

export interface Pacing {
  /** Milliseconds between two sends of one worker: workers × interval ≥ 1000 / maxSendRate. */
  readonly intervalMs: number;
  /** What all workers together send at most per second. */
  readonly stackRate: number;
}

export function pacingFor(maxSendRate: number, workers: number): Pacing {
  if (!(maxSendRate > 0) || !Number.isFinite(maxSendRate))
    throw new RangeError('maxSendRate must be a positive number');
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError('workers must be a whole number of at least 1');
  // Whole milliseconds, rounded up: rounding down would let the workers exceed the rate together.
  const intervalMs = Math.ceil((1000 * workers) / maxSendRate);
  return { intervalMs, stackRate: (workers * 1000) / intervalMs };
}

/**
 * The next slot of a worker whose previous slot was `previous`: one interval later, or now if that
 * has passed (no burst to catch up).
 */
export function nextSlot(previous: number | undefined, now: number, intervalMs: number): number {
  return previous === undefined ? now : Math.max(previous + intervalMs, now);
}

/** SQS's ChangeMessageVisibility bound, and where backoff stops growing. */
const MAX_BACKOFF_SECONDS = 300;

/**
 * How long a throttled (or SES 5xx) send waits before its message is seen again: doubling from 1 s
 * with each receive, capped at 5 minutes, with up to half again of jitter so that the messages of
 * one throttled second do not all come back in the same second.
 */
export function retryDelaySeconds(receiveCount: number, random: () => number): number {
  const base = Math.min(2 ** Math.max(0, receiveCount - 1), MAX_BACKOFF_SECONDS);
  return Math.min(MAX_BACKOFF_SECONDS, Math.ceil(base * (1 + random() / 2)));
}

/** A worker's pace, as one object: waits for its next slot. The clock and the wait are injected. */
export class Pacer {
  private previous: number | undefined;
  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async take(): Promise<void> {
    const slot = nextSlot(this.previous, this.clock(), this.intervalMs);
    this.previous = slot;
    const delay = slot - this.clock();
    if (delay > 0) await this.wait(delay);
  }
}
