/**
 * Runs a batch of queue messages and reports the ones that failed, as SQS partial batch responses
 * want (`batchItemFailures`). Each message is acknowledged (deleted) as soon as its own work is
 * done, not at the end of the batch: if the process dies part-way (a timeout, a crash), only the
 * unfinished messages come back. The Lambda handler and the local poller share this.
 */
import type { PipelineLog } from './pipeline-log.js';
import { type DeliveryJob, parseJob } from './job.js';

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** Deletes the message from the queue. */
  readonly ack: () => Promise<void>;
}

export async function runMessages(
  messages: readonly QueueMessage[],
  run: (job: DeliveryJob) => Promise<unknown>,
  log: Pick<PipelineLog, 'warn' | 'error'>,
): Promise<{ itemIdentifier: string }[]> {
  const results = await Promise.allSettled(
    messages.map(async (message) => {
      const job = parseJob(message.body);
      if (job === undefined) {
        // Not a job this code wrote: retrying cannot help, and it must never be delivered.
        log.warn('Dropped a queue message that is not a delivery job', { messageId: message.messageId });
      } else {
        await run(job);
      }
      await message.ack();
    }),
  );
  const failures: { itemIdentifier: string }[] = [];
  results.forEach((result, index) => {
    const message = messages[index];
    if (result.status === 'rejected' && message) {
      log.error('Delivery job failed; it will be retried', {
        messageId: message.messageId,
        error: result.reason instanceof Error ? result.reason.name : 'unknown',
      });
      failures.push({ itemIdentifier: message.messageId });
    }
  });
  return failures;
}
