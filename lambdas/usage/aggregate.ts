/**
 * Folds a batch of usage records into one counter update per key, project and UTC day, and the
 * latest request per key: a batch of thousands of requests becomes a handful of writes. Pure.
 */
import { SURFACE_PREFIXES, SURFACES, type Surface } from '../api/routes.js';
import type { UsageRecord } from './access-log.js';

/** A record whose project is known (from the Allow's context, or looked up for a Deny). */
export type AttributedRecord = UsageRecord & { readonly projectId: string };

export interface DayUsage {
  readonly projectId: string;
  readonly keyId: string;
  /** `YYYY-MM-DD`, UTC. */
  readonly date: string;
  allowed: number;
  denied: number;
  /** Requests per `METHOD /path` route. */
  readonly byRoute: Record<string, number>;
  /** Answers of 400 or more, per error code. */
  readonly byError: Record<string, number>;
}

export interface BatchUsage {
  /** Sorted by project, key and date, so that a batch always splits into the same chunks. */
  readonly days: readonly DayUsage[];
  /** The latest request per key (ISO 8601), sorted by key. */
  readonly lastUsed: readonly { readonly keyId: string; readonly at: string }[];
}

export const utcDate = (at: Date): string => at.toISOString().slice(0, 10);

export function aggregateUsage(records: readonly AttributedRecord[]): BatchUsage {
  const days = new Map<string, DayUsage>();
  const lastUsed = new Map<string, number>();
  for (const record of records) {
    const date = utcDate(record.at);
    const id = `${record.projectId}\u0000${record.keyId}\u0000${date}`;
    let day = days.get(id);
    if (!day) {
      day = {
        projectId: record.projectId,
        keyId: record.keyId,
        date,
        allowed: 0,
        denied: 0,
        byRoute: Object.create(null) as Record<string, number>,
        byError: Object.create(null) as Record<string, number>,
      };
      days.set(id, day);
    }
    day[record.outcome] += 1;
    day.byRoute[record.route] = (day.byRoute[record.route] ?? 0) + 1;
    if (record.errorCode !== undefined)
      day.byError[record.errorCode] = (day.byError[record.errorCode] ?? 0) + 1;
    const time = record.at.getTime();
    if (time > (lastUsed.get(record.keyId) ?? Number.NEGATIVE_INFINITY)) lastUsed.set(record.keyId, time);
  }
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    days: [...days.entries()].sort(([a], [b]) => byText(a, b)).map(([, day]) => day),
    lastUsed: [...lastUsed.entries()]
      .sort(([a], [b]) => byText(a, b))
      .map(([keyId, at]) => ({ keyId, at: new Date(at).toISOString() })),
  };
}

/** The surface a `METHOD /path` route key belongs to, by its path's prefix; undefined for none. */
export function surfaceOfRoute(route: string): Surface | undefined {
  const path = route.slice(route.indexOf(' ') + 1);
  return SURFACES.find((surface) => path.startsWith(SURFACE_PREFIXES[surface]));
}

/**
 * Requests per API surface (`v1`, `resend`, `sendgrid`), summed from the per-route counts: a route
 * belongs to one surface, so the counts need no counter of their own and hold for days counted
 * before surfaces existed.
 */
export function countsBySurface(byRoute: Readonly<Record<string, number>>): Record<Surface, number> {
  const counts = Object.fromEntries(SURFACES.map((surface) => [surface, 0])) as Record<Surface, number>;
  for (const [route, count] of Object.entries(byRoute)) {
    const surface = surfaceOfRoute(route);
    if (surface !== undefined) counts[surface] += count;
  }
  return counts;
}
