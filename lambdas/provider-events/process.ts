/**
 * One SES event, from its JSON to the email it belongs to: the same code for the deployed queue
 * consumer and the local stack.
 */
import { suppressionsOfEvent } from '../suppressions/from-ses-events.js';
import { addSuppression } from '../suppressions/suppression-store.js';
import {
  type EmailEventsStore,
  type EmailRef,
  findEmailBySesMessage,
  recordEmailEvent,
} from '../sending/email-events-store.js';
import { findMessageByProviderId, recordMessageEvent } from '../messaging/message-events-store.js';
import {
  mayStillBeIndexed,
  readMessagingEvent,
  SMS_EVENT_SOURCE,
  WHATSAPP_EVENT_SOURCE,
} from '../message-status/messaging-event.js';
import { type EmailEventFact, readSesEvent, sesEventOfMessage } from '../message-status/ses-event.js';

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
  // On duplicates too: a retry after a crash between the two steps still suppresses.
  await suppressFromEvent(deps, email, read.event);
  return recorded ? 'recorded' : 'duplicate';
}

/** A Permanent bounce or a complaint suppresses its recipients in the email's project. */
async function suppressFromEvent(
  deps: EventsDependencies,
  email: EmailRef,
  event: EmailEventFact,
): Promise<void> {
  const found = suppressionsOfEvent(event);
  if (!found) return;
  const createdAt = deps.now().toISOString();
  await Promise.all(
    found.addresses.map((address) =>
      addSuppression(deps, email.projectId, {
        email: address,
        reason: found.reason,
        sourceEmailId: email.emailId,
        createdAt,
      }),
    ),
  );
}

/**
 * One End User Messaging event (SMS or WhatsApp, EventBridge's envelope) into its message's history:
 * the same code for the deployed queue consumer and the local stack.
 */
export async function processMessagingEvent(
  deps: EventsDependencies,
  envelope: unknown,
): Promise<ProcessOutcome> {
  const read = readMessagingEvent(envelope);
  if (read.kind !== 'event') return read.kind;
  const message = await findMessageByProviderId(deps, read.event.channel, read.event.providerMessageId);
  // Not indexed: a send still being recorded (retry), or, once old enough, not a message of ours.
  if (!message) return mayStillBeIndexed(read.event.occurredAt, deps.now()) ? 'unknown_message' : 'ignored';
  const { recorded } = await recordMessageEvent(deps, message, read.event, deps.now());
  return recorded ? 'recorded' : 'duplicate';
}

/** One message of the events queue: an End User Messaging event by its source, else an SES event. */
export async function processQueueMessage(deps: EventsDependencies, body: string): Promise<ProcessOutcome> {
  const json = parseJson(body);
  const source =
    typeof json === 'object' && json !== null ? (json as { source?: unknown }).source : undefined;
  if (source === SMS_EVENT_SOURCE || source === WHATSAPP_EVENT_SOURCE)
    return processMessagingEvent(deps, json);
  return processSesEvent(deps, sesEventOfMessage(body));
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
