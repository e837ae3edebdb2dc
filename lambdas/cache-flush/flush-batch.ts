/**
 * One flush per stream batch, however many keys changed in it: the flush empties the whole stage's
 * cache anyway, and coalescing keeps the flusher to about one control-plane call per batching window.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { type FlushRetryDependencies, flushWithRetries, FlushFailedError } from './flush-retry.js';

export interface FlushLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface FlushBatchDependencies extends FlushRetryDependencies {
  readonly flush: () => Promise<void>;
  readonly log: FlushLog;
}

/**
 * Flushes once when the batch holds any record. A flush that still fails after its retries is logged
 * as an error and rethrown, so the stream retries the batch (and, after its retries, sends the batch's
 * position to the failure queue); the cache's TTL remains the bound for what was not flushed.
 */
export async function flushForBatch(
  records: readonly DynamoDBRecord[],
  deps: FlushBatchDependencies,
): Promise<void> {
  if (records.length === 0) return;
  // Key ids are public (the key's prefix without `sk_live_`); never the hash, which KEYS_ONLY omits anyway.
  const keyIds = [...new Set(records.map((record) => record.dynamodb?.Keys?.keyId?.S).filter(isString))];
  try {
    const outcome = await flushWithRetries(deps.flush, deps);
    deps.log.info('authorizer cache flushed', {
      records: records.length,
      keyIds,
      attempts: outcome.attempts,
    });
  } catch (error) {
    deps.log.error('authorizer cache flush failed; the stream retries the batch', {
      records: records.length,
      keyIds,
      attempts: error instanceof FlushFailedError ? error.attempts : undefined,
      error: error instanceof FlushFailedError ? errorName(error.lastError) : errorName(error),
    });
    throw error;
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';
const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);
