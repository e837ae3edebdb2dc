/**
 * `scheduled_at` as single emails take it: ISO 8601 with an offset (`2026-12-01T09:00:00+01:00`,
 * `…Z`), or `in N minutes|hours|days`; at least 1 minute and at most 30 days ahead. Pure: the clock is
 * passed in. (The scheduled-email work has the same rules in a module of its own; one will go.)
 */

export const MIN_LEAD_MS = 60_000;
export const MAX_LEAD_MS = 30 * 24 * 3_600_000;

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const RELATIVE = /^in\s+(\d{1,6})\s+(minute|hour|day)s?$/i;
/** A date, a time, and an explicit offset: a time without one would mean the server's zone. */
const ABSOLUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export type ScheduleResult =
  { readonly ok: true; readonly at: Date } | { readonly ok: false; readonly message: string };

export function parseScheduledAt(value: string, now: Date): ScheduleResult {
  const text = value.trim();
  const at = absoluteOrRelative(text, now);
  if (!at) {
    return {
      ok: false,
      message:
        'scheduled_at must be an ISO 8601 date-time with an offset (2026-12-01T09:00:00Z) or "in N minutes|hours|days".',
    };
  }
  const lead = at.getTime() - now.getTime();
  if (lead < MIN_LEAD_MS) return { ok: false, message: 'scheduled_at must be at least 1 minute ahead.' };
  if (lead > MAX_LEAD_MS) return { ok: false, message: 'scheduled_at must be at most 30 days ahead.' };
  return { ok: true, at };
}

function absoluteOrRelative(text: string, now: Date): Date | undefined {
  const relative = RELATIVE.exec(text);
  if (relative?.[1] && relative[2]) {
    const unit = relative[2].toLowerCase() as keyof typeof UNIT_MS;
    return new Date(now.getTime() + Number(relative[1]) * UNIT_MS[unit]);
  }
  if (!ABSOLUTE.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}
