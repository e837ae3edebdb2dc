/**
 * The local usage pipeline: the local gateway hands each request's access-log record here after the
 * answer is written; records queue in memory and are flushed to the deployed consumer code
 * (lambdas/usage/record-usage.ts) every second and at stop, so a request never waits for its
 * counting. Tests call `flush()` instead of waiting.
 */
import { createHash } from 'node:crypto';
import { parseAccessLogRecord } from '../lambdas/usage/access-log.js';
import { recordUsage, type UsageBatch, type UsageSummary } from '../lambdas/usage/record-usage.js';
import type { UsageStore } from '../lambdas/usage/usage-store.js';
import { accessLogRecord } from './access-log.js';
import type { AccessLogEntry } from './gateway.js';

export const USAGE_FLUSH_INTERVAL_MS = 1000;
/** Batches kept for another try while DynamoDB is unreachable; older ones are dropped (and logged). */
const MAX_PENDING_BATCHES = 100;

export interface UsageFeed {
  /** The gateway's `onRequest`: queues the request's record; never waits, never throws. */
  readonly record: (entry: AccessLogEntry) => void;
  /** Counts everything queued so far; resolves when it is stored. */
  flush(): Promise<UsageSummary[]>;
  /** Stops the timer and flushes what is left. */
  stop(): Promise<void>;
}

export interface UsageFeedOptions {
  readonly store: UsageStore;
  readonly onError?: (message: string, error: unknown) => void;
  /** @default USAGE_FLUSH_INTERVAL_MS; 0 turns the timer off (tests flush by hand). */
  readonly intervalMs?: number;
  readonly now?: () => Date;
}

export function startUsageFeed(options: UsageFeedOptions): UsageFeed {
  const now = options.now ?? (() => new Date());
  let lines: { id: string; message: string; at: Date }[] = [];
  const batches: UsageBatch[] = [];
  let running: Promise<UsageSummary[]> = Promise.resolve([]);

  const drain = async (): Promise<UsageSummary[]> => {
    if (lines.length > 0) {
      const taken = lines;
      lines = [];
      // The same request ids make the same batch id: a batch retried after a failure counts once.
      const hash = createHash('sha256');
      for (const line of taken) hash.update(`${line.id}\n`);
      const records = taken.flatMap((line) => parseAccessLogRecord(line.message, line.at) ?? []);
      batches.push({ id: `local-${hash.digest('base64url')}`, records });
      if (batches.length > MAX_PENDING_BATCHES) {
        const dropped = batches.splice(0, batches.length - MAX_PENDING_BATCHES);
        options.onError?.(
          'usage batches dropped',
          new Error(`${dropped.length} batches could not be stored`),
        );
      }
    }
    const summaries: UsageSummary[] = [];
    while (batches.length > 0) {
      const batch = batches[0] as UsageBatch;
      try {
        summaries.push(await recordUsage(options.store, batch, now()));
        batches.shift();
      } catch (error) {
        options.onError?.('usage not recorded; retrying at the next flush', error);
        break;
      }
    }
    return summaries;
  };
  // One flush at a time, in order.
  const flush = () => (running = running.then(drain, drain));

  const intervalMs = options.intervalMs ?? USAGE_FLUSH_INTERVAL_MS;
  const timer = intervalMs > 0 ? setInterval(() => void flush(), intervalMs) : undefined;
  timer?.unref();
  return {
    record: (entry) => {
      lines.push({
        id: entry.requestId,
        message: JSON.stringify(accessLogRecord(entry)),
        at: new Date(entry.startedAt),
      });
    },
    flush,
    stop: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
