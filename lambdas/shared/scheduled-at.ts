/**
 * `scheduled_at`, pure: an ISO 8601 date-time **with an offset** (`2026-12-07T09:30:00+01:00`,
 * `…Z`), or `in N minutes|hours|days`, resolved against the clock of the request and held to at
 * least one minute and at most 30 days ahead. A date-time without an offset is refused: whose
 * local time it means cannot be known.
 */
export const MIN_LEAD_MS = 60_000;
export const MAX_LEAD_MS = 30 * 24 * 60 * 60_000;

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/i;
const RELATIVE = /^in\s+(\d{1,6})\s+(minute|minutes|hour|hours|day|days)$/i;
const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export type ScheduledAtReading =
  { readonly ok: true; readonly at: Date } | { readonly ok: false; readonly message: string };

/** The instant `text` names, or why it names none; `now` is the request's clock. */
export function parseScheduledAt(text: string, now: Date): ScheduledAtReading {
  const trimmed = text.trim();
  const at = RELATIVE.test(trimmed) ? relative(trimmed, now) : absolute(trimmed);
  if (at === undefined) {
    return {
      ok: false,
      message:
        'scheduled_at must be an ISO 8601 date-time with an offset (such as 2026-12-07T09:30:00+01:00 or …Z), or "in N minutes", "in N hours" or "in N days".',
    };
  }
  const lead = at.getTime() - now.getTime();
  if (lead < MIN_LEAD_MS) return { ok: false, message: 'scheduled_at must be at least 1 minute ahead.' };
  if (lead > MAX_LEAD_MS) return { ok: false, message: 'scheduled_at must be at most 30 days ahead.' };
  return { ok: true, at };
}

/** True when `text` has one of the two shapes (the request schema's check; bounds need the clock). */
export function isScheduledAtShape(text: string): boolean {
  const trimmed = text.trim();
  return RELATIVE.test(trimmed) || absolute(trimmed) !== undefined;
}

function relative(text: string, now: Date): Date | undefined {
  const match = RELATIVE.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const unit = match[2].toLowerCase().replace(/s$/, '');
  const ms = UNIT_MS[unit];
  return ms === undefined ? undefined : new Date(now.getTime() + Number(match[1]) * ms);
}

/** Every field in range (no 31 February, no hour 24, offsets within ±23:59), else undefined. */
function absolute(text: string): Date | undefined {
  const match = ISO_WITH_OFFSET.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z', oh = '0', om = '0'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59) return undefined;
  const offsetMinutes =
    zone.toUpperCase() === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  return new Date(utc);
}
