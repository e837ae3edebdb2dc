/**
 * The fan-out: for each new outbox event, one delivery job per subscribed webhook, onto the queue.
 * Events are handled in order and the first failure stops the batch: the caller reports it (a
 * stream batch item failure), so that event and every later one are tried again and none is lost.
 * A retry may enqueue an event's jobs twice; receivers drop the duplicate by its `webhook-id`.
 */
import type { WebhookStore } from '../webhooks/webhook-store.js';
import { allWebhooks } from '../webhooks/webhook-store.js';
import { type DeliveryQueue, enqueueJobs } from '../deliveries/delivery-queue.js';
import { deliveryJobsFor } from './fan-out.js';
import type { OutboxEvent } from './outbox-stream.js';

export interface FanOutDependencies {
  readonly store: WebhookStore;
  readonly queue: DeliveryQueue;
  readonly now: () => Date;
}

export async function fanOutEvent(deps: FanOutDependencies, event: OutboxEvent): Promise<number> {
  // Only the event's own project's partition is read: another project's webhooks are never seen.
  const webhooks = await allWebhooks(deps.store, event.projectId);
  const jobs = deliveryJobsFor(event, webhooks, deps.now());
  await enqueueJobs(deps.queue, jobs);
  return jobs.length;
}

/**
 * Fans out `items` in order; answers the key of the first that failed (nothing after it was
 * attempted), or undefined when all were enqueued. `toEvent` answering undefined skips an item.
 */
export async function fanOutInOrder<T>(
  deps: FanOutDependencies,
  items: readonly T[],
  toEvent: (item: T) => OutboxEvent | undefined,
  onError: (error: unknown, item: T) => void,
): Promise<T | undefined> {
  for (const item of items) {
    const event = toEvent(item);
    if (event === undefined) continue;
    try {
      await fanOutEvent(deps, event);
    } catch (error) {
      onError(error, item);
      return item;
    }
  }
  return undefined;
}
