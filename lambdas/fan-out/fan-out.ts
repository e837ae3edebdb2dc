/**
 * Which webhooks receive an event: the enabled webhooks of the event's own project that subscribe to
 * its type; a `webhook.test` event goes to the one webhook it names, and only if that webhook is
 * the project's and enabled. Pure: the caller loads the project's webhooks (by its partition, so
 * another project's webhooks are never even read) and enqueues the jobs.
 */
import { WEBHOOK_TEST_EVENT } from '../shared/event-types.js';
import type { DeliveryJob } from '../deliveries/job.js';
import type { OutboxEvent } from './outbox-stream.js';

export interface Subscriber {
  readonly id: string;
  readonly projectId: string;
  readonly status: 'enabled' | 'disabled';
  readonly events: readonly string[];
}

export function subscribersOf(event: OutboxEvent, webhooks: readonly Subscriber[]): Subscriber[] {
  return webhooks.filter(
    (webhook) =>
      webhook.projectId === event.projectId &&
      webhook.status === 'enabled' &&
      (event.type === WEBHOOK_TEST_EVENT
        ? webhook.id === event.webhookId
        : webhook.events.includes(event.type)),
  );
}

/** One first-attempt job per subscriber, due now. */
export function deliveryJobsFor(
  event: OutboxEvent,
  webhooks: readonly Subscriber[],
  now: Date,
): DeliveryJob[] {
  return subscribersOf(event, webhooks).map((webhook) => ({
    projectId: event.projectId,
    webhookId: webhook.id,
    eventId: event.eventId,
    attempt: 1,
    dueAt: now.toISOString(),
  }));
}
