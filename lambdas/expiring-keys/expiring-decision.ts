/**
 * When a key's `api_key.expiring` notices are due: pure, no AWS imports (the job that acts on it is
 * lambdas/expiring-keys/expiring-keys.ts). A notice is due once per threshold and per expiry: the marker
 * names both (`7d@2026-12-01T00:00:00.000Z`), so moving `expiresAt` makes the notices due again.
 */
import type { KeyRecord } from '../keys/key-item.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Longest first. */
export const EXPIRING_THRESHOLDS = [
  { name: '7d', ms: 7 * DAY_MS },
  { name: '1d', ms: DAY_MS },
] as const;
export type ExpiringThreshold = (typeof EXPIRING_THRESHOLDS)[number]['name'];

/** The marker kept on the key item once the notice of `threshold` for this expiry went out. */
export function expiringMarker(threshold: ExpiringThreshold, expiresAt: Date): string {
  return `${threshold}@${expiresAt.toISOString()}`;
}

/**
 * Thresholds due now, longest first: `expiresAt − threshold ≤ now < expiresAt` and not yet notified
 * for this very expiry.
 */
export function expiringThresholds(
  expiresAt: Date,
  now: Date,
  alreadyNotified: ReadonlySet<string>,
): ExpiringThreshold[] {
  const left = expiresAt.getTime() - now.getTime();
  if (!(left > 0)) return [];
  return EXPIRING_THRESHOLDS.filter(
    ({ name, ms }) => left <= ms && !alreadyNotified.has(expiringMarker(name, expiresAt)),
  ).map(({ name }) => name);
}

export interface ExpiringNotice {
  readonly expiresAt: Date;
  /** Every threshold due: all are marked, so a key created 12 h before its expiry gets one notice, not two. */
  readonly thresholds: readonly ExpiringThreshold[];
  /** Whole days left, rounded up: 1 in the last 24 hours. */
  readonly daysLeft: number;
}

/**
 * The notice a key is due, if any. Billing keys (CLI-made, an operator's), revoked keys, keys that
 * never expire and keys whose `expiresAt` cannot be read (the authorizer treats them as expired)
 * get none.
 */
export function expiringNotice(
  key: Pick<KeyRecord, 'type' | 'revokedAt' | 'expiresAt'>,
  alreadyNotified: ReadonlySet<string>,
  now: Date,
): ExpiringNotice | undefined {
  if (key.type !== 'general' || key.revokedAt !== undefined) return undefined;
  const { expiresAt } = key;
  if (!(expiresAt instanceof Date)) return undefined;
  const thresholds = expiringThresholds(expiresAt, now, alreadyNotified);
  if (thresholds.length === 0) return undefined;
  return { expiresAt, thresholds, daysLeft: Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS) };
}
