/**
 * What one provider event changes on its message, decided from the message as read: its status
 * moves forward only (to the event's status, from one of the statuses before it), and its last event
 * is the latest by when it happened (`<occurredAt>#<fingerprint>`, ties broken by fingerprint),
 * whatever order events arrive in. Pure: ./record-steps.ts reads the message and writes the change.
 */

/** What the recorder read of the message. */
export interface SeenMessage {
  readonly status: string | undefined;
  readonly lastEventKey: string | undefined;
}

export interface EventMove {
  /** The status the event moves to; none for an event such as an open. */
  readonly status: string | undefined;
  /** The statuses the message may move from to `status`. */
  readonly before: readonly string[];
  /** The event's project event type, kept as the message's last event. */
  readonly type: string;
  /** `<occurredAt>#<fingerprint>`: the event's place in the message's history. */
  readonly position: string;
}

/** The change to write, or undefined when the event changes nothing (a duplicate, an older event). */
export function messageChange(
  seen: SeenMessage,
  move: EventMove,
): { readonly status: string | undefined; readonly lastEvent: boolean } | undefined {
  const status =
    move.status !== undefined && seen.status !== undefined && move.before.includes(seen.status)
      ? move.status
      : undefined;
  const lastEvent = seen.lastEventKey === undefined || seen.lastEventKey < move.position;
  return status === undefined && !lastEvent ? undefined : { status, lastEvent };
}
