/**
 * One SES event, from its JSON to the email it belongs to: the same code for the deployed queue
 * consumer and the local stack.
 */
import { type EmailEventsStore, findEmailBySesMessage, recordEmailEvent } from './email-events-store.js';
import { readSesEvent } from './ses-event.js';

export interface EventsDependencies extends EmailEventsStore {
  readonly now: () => Date;
}

export type ProcessOutcome =
  | 'recorded'
  | 'duplicate'
  /** Well-formed but not recorded (Subscription…): dropping it is right. */
  | 'ignored'
  /** Not an SES event: retrying cannot help, so it is dropped (and logged by the caller). */
  | 'invalid'
  /**
   * No email has this message id yet: SES can report an event before the sending code has
   * recorded the id, so the caller retries (the queue redelivers; the local stack tries again).
   */
  | 'unknown_message';

export async function processSesEvent(deps: EventsDependencies, json: unknown): Promise<ProcessOutcome> {
  const read = readSesEvent(json);
  if (read.kind !== 'event') return read.kind;
  const email = await findEmailBySesMessage(deps, read.event.sesMessageId);
  if (!email) return 'unknown_message';
  const { recorded } = await recordEmailEvent(deps, email, read.event, deps.now());
  return recorded ? 'recorded' : 'duplicate';
}
