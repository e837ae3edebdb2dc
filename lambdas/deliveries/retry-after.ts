/**
 * `Retry-After` as a receiver may send it (RFC 9110 §10.2.3): a number of seconds, or an HTTP date
 * in the IMF-fixdate form (`Wed, 21 Oct 2015 07:28:00 GMT`). Anything else is ignored rather than
 * guessed at: the regular retry schedule applies.
 */

const DELAY_SECONDS = /^\d{1,10}$/;
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Seconds to wait from `nowMs`; a date in the past means 0. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Number(text);
  if (!IMF_FIXDATE.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}
