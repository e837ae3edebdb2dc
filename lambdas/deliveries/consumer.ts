/**
 * The deliveries consumer: runs one delivery job from the queue.
 *
 * Long waits: SQS holds a message for at most 15 minutes, and retries wait up to 24 hours. A job
 * carries its due time; a job received before it is due is put back with the remaining delay
 * (at most 15 minutes) and acknowledged — it "hops" until due. A 24-hour wait is 96 hops, each a
 * send, a receive and a delete: about 300 SQS requests, $0.00012 at $0.40 per million, and it needs
 * nothing but the queue. (EventBridge Scheduler would wake each retry once, but needs a schedule per
 * pending retry, a role to pass, cleanup, and has no local stand-in.)
 *
 * Every step that must not be lost happens before the message is acknowledged: the attempt is
 * recorded and the next attempt enqueued, or the call throws and the message comes back. So a
 * delivery may be repeated (at least once), never dropped; its `webhook-id` is the event's id on
 * every attempt, which lets the receiver drop duplicates.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ApiError } from '../api/errors.js';
import { outboxKeys } from '../shared/outbox.js';
import type { PipelineLog } from './pipeline-log.js';
import { newDeliveryRecord, putDelivery } from '../webhooks/delivery-store.js';
import {
  type WebhookRecord,
  countFailedDelivery,
  findWebhook,
  updateWebhook,
} from '../webhooks/webhook-store.js';
import type { DeliveryRequest, DeliveryResult } from './attempt.js';
import { decideAfterAttempt, disableReasonAfterFailures } from './decisions.js';
import { type DeliveryQueue, enqueueJob } from './delivery-queue.js';
import type { DeliveryJob } from './job.js';
import { activeSecrets, deliveryHeaders, signatureHeaders } from '../webhooks/signing.js';

export interface ConsumerDependencies {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly queue: DeliveryQueue;
  readonly now: () => Date;
  readonly random: () => number;
  /** deliverOnce, with the stack's address policy (and, in tests, a resolver or connector). */
  readonly deliver: (request: Pick<DeliveryRequest, 'url' | 'headers' | 'body'>) => Promise<DeliveryResult>;
  readonly log: Pick<PipelineLog, 'info' | 'warn'>;
}

export type JobOutcome =
  | 'succeeded'
  | 'retry_scheduled'
  | 'failed'
  | 'disabled'
  | 'not_due'
  | 'skipped_webhook_gone'
  | 'skipped_event_gone';

interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly created_at: string;
  readonly data: unknown;
}

export async function runDeliveryJob(deps: ConsumerDependencies, job: DeliveryJob): Promise<JobOutcome> {
  const store = { documents: deps.documents, dataTable: deps.dataTable };
  if (Date.parse(job.dueAt) > deps.now().getTime()) {
    await enqueueJob(deps.queue, job, deps.now());
    return 'not_due';
  }
  const webhook = await findWebhook(store, job.projectId, job.webhookId);
  // Deleted or disabled since the job was queued: nothing to deliver, and nothing to retry.
  if (!webhook || webhook.status !== 'enabled') return 'skipped_webhook_gone';
  const event = await loadEvent(deps, job);
  if (!event) {
    deps.log.warn('Delivery job for an event that does not exist; dropped', { eventId: job.eventId });
    return 'skipped_event_gone';
  }

  const body = JSON.stringify({ type: event.type, created_at: event.created_at, data: event.data });
  const sentAt = deps.now();
  const signature = signatureHeaders({
    eventId: event.id,
    timestamp: sentAt,
    body,
    secrets: activeSecrets({
      current: webhook.secret,
      ...(webhook.previousSecret === undefined ? {} : { previous: webhook.previousSecret }),
      ...(webhook.previousSecretExpiresAt === undefined
        ? {}
        : { previousExpiresAt: new Date(webhook.previousSecretExpiresAt) }),
      now: sentAt,
    }),
  });
  const headers = deliveryHeaders(signature, webhook.surface);
  const result = await deps.deliver({ url: webhook.url, headers, body });
  const finishedAt = deps.now();
  const decision = decideAfterAttempt({
    attempt: job.attempt,
    result,
    failedAt: finishedAt,
    random: deps.random,
  });

  await putDelivery(
    store,
    job.projectId,
    newDeliveryRecord(
      {
        webhookId: webhook.id,
        eventId: event.id,
        eventType: event.type,
        attempt: job.attempt,
        status: decision.status,
        ...(result.status === undefined ? {} : { responseStatus: result.status }),
        durationMs: result.durationMs,
        ...(result.error === undefined ? {} : { error: result.error }),
        ...(decision.nextAttemptAt === undefined
          ? {}
          : { nextAttemptAt: decision.nextAttemptAt.toISOString() }),
      },
      finishedAt,
    ),
  );
  if (decision.nextAttemptAt) {
    await enqueueJob(
      deps.queue,
      { ...job, attempt: job.attempt + 1, dueAt: decision.nextAttemptAt.toISOString() },
      finishedAt,
    );
    return 'retry_scheduled';
  }
  if (decision.disableReason) {
    await disable(deps, webhook, decision.disableReason, finishedAt);
    return 'disabled';
  }
  if (decision.failureRun === 'reset') {
    if (webhook.consecutiveFailures > 0) await resetFailures(deps, webhook, finishedAt);
    return 'succeeded';
  }
  const failures = await countFailedDelivery(store, webhook.projectId, webhook.id);
  const reason = failures === undefined ? undefined : disableReasonAfterFailures(failures);
  if (reason) {
    await disable(deps, webhook, reason, finishedAt);
    return 'disabled';
  }
  return 'failed';
}

/** The job's event: in its outbox shard, or (a job queued before the outbox was sharded) where it was. */
async function loadEvent(deps: ConsumerDependencies, job: DeliveryJob): Promise<StoredEvent | undefined> {
  let Item: Record<string, unknown> | undefined;
  for (const Key of outboxKeys(job.projectId, job.eventId)) {
    ({ Item } = await deps.documents.send(
      new GetCommand({ TableName: deps.dataTable, Key, ConsistentRead: true }),
    ));
    if (Item) break;
  }
  if (!Item || typeof Item.type !== 'string' || typeof Item.created_at !== 'string') return undefined;
  return { id: job.eventId, type: Item.type, created_at: Item.created_at, data: Item.data ?? {} };
}

/** Only an enabled webhook is disabled; one deleted or already disabled meanwhile is left alone. */
async function disable(
  deps: ConsumerDependencies,
  webhook: WebhookRecord,
  reason: string,
  at: Date,
): Promise<void> {
  await ignoreGone(
    updateWebhook(
      deps,
      webhook.projectId,
      webhook.id,
      { status: 'disabled', disabledReason: reason, updatedAt: at.toISOString() },
      { status: 'enabled' },
    ),
  );
  deps.log.info('Webhook disabled', { webhookId: webhook.id, reason });
}

async function resetFailures(deps: ConsumerDependencies, webhook: WebhookRecord, at: Date): Promise<void> {
  await ignoreGone(
    updateWebhook(deps, webhook.projectId, webhook.id, {
      consecutiveFailures: 0,
      updatedAt: at.toISOString(),
    }),
  );
}

async function ignoreGone(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'not_found')) throw error;
  }
}
