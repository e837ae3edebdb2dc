/** A broadcast's progress as the page shows it: how often to look again, and how far it has got. */
import type { Schemas } from './api';

type Status = Schemas['Broadcast']['status'];

/**
 * How long the page waits before reading the broadcast again, while it is open: often while it sends
 * (its counts move), now and then while it waits for its time, never once it is settled or a draft.
 */
export function refreshDelay(status: Status): number | undefined {
  switch (status) {
    case 'sending':
      return 1000;
    case 'scheduled':
      return 15_000;
    case 'draft':
    case 'sent':
    case 'canceled':
    case 'failed':
      return undefined;
  }
}

/** Recipients with an outcome (sent, failed, suppressed, unsubscribed or skipped) out of all resolved. */
export function settledCount(counts: Schemas['Broadcast']['counts']): number {
  return counts.sent + counts.failed + counts.suppressed + counts.unsubscribed + counts.skipped;
}
