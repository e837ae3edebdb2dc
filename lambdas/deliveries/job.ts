/**
 * A delivery job: one event for one webhook, one attempt, due at a time. It is what travels on the
 * queue; the event's body and the webhook's secrets are read when the job runs, so a message holds
 * no secret and no customer data, and a rotated secret or a disabled webhook takes effect at once.
 */
import * as z from 'zod/mini';

export interface DeliveryJob {
  readonly projectId: string;
  readonly webhookId: string;
  readonly eventId: string;
  /** 1 = the first attempt. */
  readonly attempt: number;
  /** ISO 8601: not delivered before this time (SQS delays at most 15 minutes; see consumer.ts). */
  readonly dueAt: string;
}

/** SQS's limit on a message's delay. */
export const MAX_SQS_DELAY_SECONDS = 900;

const jobSchema = z.strictObject({
  project_id: z.string().check(z.minLength(1), z.maxLength(128)),
  webhook_id: z.string().check(z.regex(/^wh_[0-9A-Za-z]{22}$/)),
  event_id: z.string().check(z.regex(/^evt_[0-9A-Za-z]{22}$/)),
  attempt: z.number().check(z.int(), z.minimum(1), z.maximum(100)),
  due_at: z.iso.datetime(),
});

export function encodeJob(job: DeliveryJob): string {
  return JSON.stringify({
    project_id: job.projectId,
    webhook_id: job.webhookId,
    event_id: job.eventId,
    attempt: job.attempt,
    due_at: job.dueAt,
  });
}

/** `undefined` for anything this code did not write: such a message is dropped, never delivered. */
export function parseJob(body: string): DeliveryJob | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = jobSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { project_id, webhook_id, event_id, attempt, due_at } = parsed.data;
  return { projectId: project_id, webhookId: webhook_id, eventId: event_id, attempt, dueAt: due_at };
}

/**
 * How long SQS should hold a message due in `remainingMs`: whole seconds, rounded up so it is never
 * early, at most 15 minutes (a longer wait is several hops). `timeScale` > 1 only locally, where
 * one real second stands for `timeScale` seconds of the schedule.
 */
export function delaySecondsFor(remainingMs: number, timeScale = 1): number {
  if (!(remainingMs > 0)) return 0;
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.ceil(remainingMs / timeScale / 1000));
}
