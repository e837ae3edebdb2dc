/**
 * An email's status and the one order it moves in. SES reports events at least once and in any
 * order (a Delivery may arrive after the Bounce of another recipient), so the status is the highest
 * ranked status any of its events implies: applying events in any order, any number of times, ends
 * in the same status. The order is data, here, and nothing else decides it.
 */
export const EMAIL_STATUSES = [
  // A scheduled email (lambdas/scheduler) waits, then one sweeper claims it (`sending`) before SES is
  // called; an SES event reaching a `sending` email moves it on like any other.
  'scheduled',
  'sending',
  'queued',
  'sent',
  'delivery_delayed',
  'delivered',
  // The outcomes that outrank a delivery: a complaint follows a delivery; a bounce (of any
  // recipient) outranks a delivery to the others, so a late Delivery never hides it; `failed`
  // (SES refused or could not render the email) outranks everything.
  'complained',
  'bounced',
  'failed',
  // Canceled before it was sent (by the API, or by the re-check at send time): no SES event follows.
  'canceled',
] as const;

export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export function statusRank(status: EmailStatus): number {
  return EMAIL_STATUSES.indexOf(status);
}

/** The status after `next` is reported to an email in `current`: forward only. */
export function laterStatus(current: EmailStatus, next: EmailStatus): EmailStatus {
  return statusRank(next) > statusRank(current) ? next : current;
}

/** The statuses `next` may replace (every lower one): the condition of a forward-only update. */
export function statusesBefore(next: EmailStatus): readonly EmailStatus[] {
  return EMAIL_STATUSES.slice(0, statusRank(next));
}
