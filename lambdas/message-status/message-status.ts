/**
 * An SMS's or WhatsApp message's status and the one order it moves in, as for emails
 * (./email-status.ts): providers report events at least once and in any order, so a status only
 * moves forward and applying the same events in any order ends alike. `read` is WhatsApp's only;
 * `failed` outranks everything (a failure reported after a delivery is the last word).
 */
export const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;

export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export function messageStatusRank(status: MessageStatus): number {
  return MESSAGE_STATUSES.indexOf(status);
}

/** The statuses `next` may replace (every lower one): the condition of a forward-only update. */
export function messageStatusesBefore(next: MessageStatus): readonly MessageStatus[] {
  return MESSAGE_STATUSES.slice(0, messageStatusRank(next));
}
