/**
 * The delivery queue (SQS): the fan-out puts first attempts on it, the consumer puts retries and
 * hops. A send that SQS does not confirm throws, so the caller's own input (a stream batch or a
 * queue message) is retried rather than the job lost.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DeliveryJob, delaySecondsFor, encodeJob } from './job.js';

export interface DeliveryQueue {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** 1 deployed; locally > 1 to run the retry schedule faster (see job.ts). */
  readonly timeScale?: number;
}

/** SendMessageBatch's limit. */
const SQS_BATCH_SIZE = 10;

export async function enqueueJob(queue: DeliveryQueue, job: DeliveryJob, now: Date): Promise<void> {
  await queue.sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.queueUrl,
      MessageBody: encodeJob(job),
      DelaySeconds: delaySecondsFor(Date.parse(job.dueAt) - now.getTime(), queue.timeScale),
    }),
  );
}

/** First attempts, due now: batches of ten; any entry SQS refuses fails the whole call. */
export async function enqueueJobs(queue: DeliveryQueue, jobs: readonly DeliveryJob[]): Promise<void> {
  for (let start = 0; start < jobs.length; start += SQS_BATCH_SIZE) {
    const chunk = jobs.slice(start, start + SQS_BATCH_SIZE);
    const result = await queue.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.queueUrl,
        Entries: chunk.map((job, index) => ({ Id: String(index), MessageBody: encodeJob(job) })),
      }),
    );
    const failed = result.Failed ?? [];
    if (failed.length > 0) {
      throw new Error(
        `SQS refused ${failed.length} of ${chunk.length} delivery jobs (${failed[0]?.Code ?? 'unknown'}).`,
      );
    }
  }
}
