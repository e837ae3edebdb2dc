/**
 * A broadcast's life, as data (no AWS imports): which action is allowed in which status, and where it
 * leads. The stores write each change conditionally on the status this table allowed it from, so two
 * racing calls (a cancel and the sender finishing) cannot both win.
 *
 *   draft ──send──> sending ──(every recipient settled)──> sent
 *     │  └─send at──> scheduled ──(due)──> sending
 *     └─update, delete          scheduled|sending ──cancel──> canceled
 *   sending ──(the audience cannot be read: its list or segment is gone)──> failed
 */

export const BROADCAST_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'canceled', 'failed'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

export const BROADCAST_ACTIONS = [
  'update',
  'delete',
  'send',
  'schedule',
  'start',
  'advance',
  'cancel',
  'complete',
  'fail',
] as const;
export type BroadcastAction = (typeof BROADCAST_ACTIONS)[number];

const TRANSITIONS: Readonly<
  Record<BroadcastAction, { from: readonly BroadcastStatus[]; to: BroadcastStatus | null }>
> = {
  update: { from: ['draft'], to: 'draft' },
  delete: { from: ['draft'], to: null },
  send: { from: ['draft'], to: 'sending' },
  schedule: { from: ['draft'], to: 'scheduled' },
  // A scheduled broadcast whose time has come.
  start: { from: ['scheduled'], to: 'sending' },
  // Reading the audience moves on while sending (its position, then `resolved`).
  advance: { from: ['sending'], to: 'sending' },
  cancel: { from: ['scheduled', 'sending'], to: 'canceled' },
  complete: { from: ['sending'], to: 'sent' },
  fail: { from: ['sending'], to: 'failed' },
};

/** The statuses `action` may be taken from: the condition of its write. */
export function allowedFrom(action: BroadcastAction): readonly BroadcastStatus[] {
  return TRANSITIONS[action].from;
}

/** Where `action` takes a broadcast in `status`, `null` for a delete, or undefined when it may not be taken. */
export function nextStatus(
  status: BroadcastStatus,
  action: BroadcastAction,
): BroadcastStatus | null | undefined {
  const transition = TRANSITIONS[action];
  return transition.from.includes(status) ? transition.to : undefined;
}

/** No recipient of a broadcast in these statuses will be sent anything more. */
export function isSettled(status: BroadcastStatus): boolean {
  return status === 'sent' || status === 'canceled' || status === 'failed';
}

/** What happened to one recipient. `queued` and `sending` are on the way; every other is final. */
export const RECIPIENT_STATUSES = [
  'queued',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'failed',
  'unsubscribed',
  'suppressed',
  'canceled',
] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/** As stored: `sending` is the claim a sender holds while its SES call is in flight. */
export type StoredRecipientStatus =
  'queued' | 'sending' | 'sent' | 'failed' | 'unsubscribed' | 'suppressed' | 'canceled';

/** The counter a final stored status adds one to. */
export function counterOf(status: StoredRecipientStatus): keyof BroadcastCounts | undefined {
  switch (status) {
    case 'sent':
      return 'sent';
    case 'failed':
      return 'failed';
    case 'suppressed':
      return 'suppressed';
    case 'unsubscribed':
      return 'unsubscribed';
    case 'canceled':
      return 'skipped';
    case 'queued':
    case 'sending':
      return undefined;
  }
}

export interface BroadcastCounts {
  readonly recipients: number;
  readonly sent: number;
  readonly failed: number;
  readonly suppressed: number;
  readonly unsubscribed: number;
  /** Recipients the broadcast was canceled before reaching. */
  readonly skipped: number;
}
