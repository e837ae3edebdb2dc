/**
 * The usage consumer, shared by the deployed Lambda (a CloudWatch Logs subscription on the API's
 * access log group) and the local stack (the local gateway's records, queued in process): attribute
 * each record to its key's project, fold the batch, add the counts once, move `lastUsedAt` forward.
 */
import type { UsageRecord } from './access-log.js';
import { type AttributedRecord, aggregateUsage } from './aggregate.js';
import { addUsage, advanceLastUsed, projectOfKey, type UsageStore } from './usage-store.js';

export interface UsageBatch {
  /** The same on every delivery of the same records (a hash of their log event ids). */
  readonly id: string;
  readonly records: readonly UsageRecord[];
}

export interface UsageSummary {
  readonly counted: number;
  /** Records of keys that no longer exist (or whose item names no project). */
  readonly unattributed: number;
  /** False when this batch had been counted before. */
  readonly applied: boolean;
}

export async function recordUsage(store: UsageStore, batch: UsageBatch, now: Date): Promise<UsageSummary> {
  const attributed = await attribute(store, batch.records);
  const { days, lastUsed } = aggregateUsage(attributed);
  const appliedChunks = await addUsage(store, batch.id, days, now);
  // Forward-only and idempotent, so it runs on a re-delivered batch too (completing a crashed one).
  for (const { keyId, at } of lastUsed) await advanceLastUsed(store, keyId, at);
  return {
    counted: attributed.length,
    unattributed: batch.records.length - attributed.length,
    applied: appliedChunks > 0 || days.length === 0,
  };
}

/**
 * An Allow's record carries its project. A Deny's does not: one GetItem per distinct key of the
 * batch finds it (a key's project never changes). A key that is gone is counted nowhere.
 */
async function attribute(store: UsageStore, records: readonly UsageRecord[]): Promise<AttributedRecord[]> {
  const projects = new Map<string, string | undefined>();
  for (const record of records) {
    if (record.projectId !== undefined) projects.set(record.keyId, record.projectId);
  }
  for (const record of records) {
    if (!projects.has(record.keyId)) projects.set(record.keyId, await projectOfKey(store, record.keyId));
  }
  const attributed: AttributedRecord[] = [];
  for (const record of records) {
    const projectId = record.projectId ?? projects.get(record.keyId);
    if (projectId !== undefined) attributed.push({ ...record, projectId });
  }
  return attributed;
}
