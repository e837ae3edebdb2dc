/**
 * Local SMS and WhatsApp events: wraps the local stack's SMS and WhatsApp sends so that every message
 * the stand-in accepts produces the events End User Messaging would publish
 * (local/messaging-events.ts), fed in-process to the deployed events code
 * (lambdas/provider-events/process.ts) as the stack's queue feeds it deployed. As with local SES events
 * (local/ses-events-feed.ts), they arrive after the send has answered, and one that comes before the
 * sending code has recorded the provider's message id is tried again shortly.
 */
import { describeError } from '../lambdas/keys/redaction.js';
import { type EventsDependencies, processQueueMessage } from '../lambdas/provider-events/process.js';
import type { SmsSendFunction } from '../lambdas/messaging/sms-sender.js';
import type { WhatsappSendFunction } from '../lambdas/messaging/whatsapp-sender.js';
import { localSmsEvents, localWhatsappEvents } from './messaging-events.js';

export interface FeedLog {
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

const RETRIES = 100;
const RETRY_DELAY_MS = 20;

export function withLocalSmsEvents(
  send: SmsSendFunction,
  deps: EventsDependencies,
  log: FeedLog,
): SmsSendFunction {
  return async (sms) => {
    const providerMessageId = await send(sms);
    const events = localSmsEvents(
      { providerMessageId, to: sms.to, from: sms.originationIdentity },
      deps.now(),
    );
    background(deps, events, log, providerMessageId);
    return providerMessageId;
  };
}

export function withLocalWhatsappEvents(
  send: WhatsappSendFunction,
  deps: EventsDependencies,
  log: FeedLog,
): WhatsappSendFunction {
  return async (message) => {
    const providerMessageId = await send(message);
    const to = typeof message.message.to === 'string' ? message.message.to : '';
    const events = localWhatsappEvents(
      { providerMessageId, to, phoneNumberId: message.phoneNumberId },
      deps.now(),
    );
    background(deps, events, log, providerMessageId);
    return providerMessageId;
  };
}

function background(
  deps: EventsDependencies,
  events: readonly unknown[],
  log: FeedLog,
  messageId: string,
): void {
  void feed(deps, events).catch((error: unknown) =>
    log.warn('local messaging events not recorded', { messageId, error: describeError(error) }),
  );
}

async function feed(deps: EventsDependencies, events: readonly unknown[]): Promise<void> {
  for (const event of events) {
    const body = JSON.stringify(event);
    for (let attempt = 0; (await processQueueMessage(deps, body)) === 'unknown_message'; attempt++) {
      if (attempt >= RETRIES) throw new Error('the message id was never recorded');
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }
}
