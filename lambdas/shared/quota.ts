/**
 * Monthly sending caps per team and channel: the pure part (months, item keys, the decision).
 * The counting itself is lambdas/shared/quota-store.ts.
 *
 * Items live in the Data table under the team's billing partition, apart from the team's own
 * partition, so a service may be granted writes there and nowhere else:
 *
 * - `BILLING#<teamId>` / `LIMITS`: `{email?, sms?, whatsapp?}` caps (absent: no cap);
 * - `BILLING#<teamId>` / `USAGE#<YYYY-MM>`: the month's counters, `email`, `sms`, `whatsapp` for the
 *   team and `email#<projectId>` (and so on) for each project.
 */

export const CHANNELS = ['email', 'sms', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Caps per channel; a channel without a cap is absent. */
export type ChannelLimits = Partial<Record<Channel, number>>;

export const BILLING_PARTITION_PREFIX = 'BILLING#';

export const billingPartition = (teamId: string): string => `${BILLING_PARTITION_PREFIX}${teamId}`;

export const LIMITS_SORT_KEY = 'LIMITS';

/** The calendar month (UTC) a moment counts in: `2026-11`. */
export function monthOf(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export const usageSortKey = (month: string): string => `USAGE#${month}`;

/** The counter attribute of one project's sends on a channel. */
export const projectCounter = (channel: Channel, projectId: string): string => `${channel}#${projectId}`;

/**
 * Whether `count` more sends fit under `cap` when `used` were already counted this month. No cap:
 * always. The store asks DynamoDB the same question atomically (`used <= cap - count`), so concurrent
 * reservations at the cap never overshoot it.
 */
export function fitsUnderCap(used: number, count: number, cap: number | undefined): boolean {
  if (cap === undefined) return true;
  return count <= cap && used <= cap - count;
}

/**
 * The highest counter value a reservation of `count` may start from, or `undefined` when there is
 * no cap; negative when even an empty month could not take it.
 */
export function highestStartFor(count: number, cap: number | undefined): number | undefined {
  return cap === undefined ? undefined : cap - count;
}

/**
 * A cap as stored: a whole number ≥ 0 (N, or a numeric string typed in the console). Anything else
 * present (NULL, negative, text) is read as 0, so a hand edit gone wrong stops sending rather than
 * lifting the cap.
 */
export function readCap(value: unknown): { cap: number | undefined; readable: boolean } {
  if (value === undefined) return { cap: undefined, readable: true };
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text === 'string' && /^\s*\d+\s*$/.test(text)) return { cap: Number(text), readable: true };
  return { cap: 0, readable: false };
}
