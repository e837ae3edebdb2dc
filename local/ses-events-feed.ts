/**
 * Local SES events: wraps the local stack's SES send so that every email the local SES accepts
 * produces the events SES would publish (local/ses-events.ts), fed in-process to the deployed events
 * code (lambdas/provider-events/process.ts), as the stack's queue feeds it deployed.
 *
 * As in SES, the events arrive after the send has answered: they are fed in the background, and an
 * event that comes before the sending code has recorded the message id is tried again shortly, as
 * the queue would redeliver it.
 */
import { describeError } from '../lambdas/keys/redaction.js';
import { type EventsDependencies, processSesEvent } from '../lambdas/provider-events/process.js';
import { addressOf } from '../lambdas/shared/mailbox.js';
import type { SendFunction } from '../lambdas/sending/ses-sender.js';
import { sesEventsFor } from './ses-events.js';

export interface FeedLog {
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

/** How often, and how long apart, an event whose message id is not recorded yet is tried again. */
const RETRIES = 100;
const RETRY_DELAY_MS = 20;

export function withLocalSesEvents(send: SendFunction, deps: EventsDependencies, log: FeedLog): SendFunction {
  return async (email) => {
    const messageId = await send(email);
    const bare = (list: readonly string[]) => list.map((mailbox) => addressOf(mailbox) ?? mailbox);
    const events = sesEventsFor(
      {
        messageId,
        from: addressOf(email.from) ?? email.from,
        recipients: [...bare(email.to), ...bare(email.cc), ...bare(email.bcc)],
        tags: email.tags,
        tracking: email.tracking,
      },
      deps.now(),
    );
    void feed(deps, events).catch((error: unknown) =>
      log.warn('local SES events not recorded', { messageId, error: describeError(error) }),
    );
    return messageId;
  };
}

async function feed(deps: EventsDependencies, events: readonly unknown[]): Promise<void> {
  for (const event of events) {
    for (let attempt = 0; (await processSesEvent(deps, event)) === 'unknown_message'; attempt++) {
      if (attempt >= RETRIES) throw new Error('the message id was never recorded');
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }
}
