/**
 * The webhook pipeline of a test stack (fan-out, queue, deliveries), polled by the test: events from
 * a second before it started, an infinite time scale (a job not yet due comes straight back instead
 * of waiting in SQS) and a fixed jitter.
 */
import { silentLog } from '../../local/handlers.js';
import {
  type LocalQueue,
  startLocalQueue,
  type WebhookPipeline,
  webhookPipeline,
} from '../../local/webhook-pipeline.js';
import type { TestStack } from './local-stack.js';

export interface TestPipeline {
  readonly pipeline: WebhookPipeline;
  readonly queue: LocalQueue;
}

export async function startTestPipeline(
  stack: TestStack,
  options: { readonly now?: () => Date; readonly since?: Date } = {},
): Promise<TestPipeline> {
  const since = options.since ?? new Date(Date.now() - 1000);
  const queue = await startLocalQueue({ port: 0 });
  const pipeline = webhookPipeline({
    documents: stack.aws.documents,
    dataTable: stack.aws.tables.data,
    queue: { sqs: queue.sqs, queueUrl: queue.queueUrl, timeScale: Number.POSITIVE_INFINITY },
    now: options.now ?? (() => new Date()),
    random: () => 0.5,
    since,
    log: silentLog,
  });
  return { pipeline, queue };
}
