/**
 * The broadcast queue (SQS): `resolve` messages read the audience one page at a time, `send`
 * messages carry one recipient each (so a throttled send comes back alone, with its own backoff).
 * A message says only which broadcast and which page or contact: everything else is read when it runs.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';

export interface BroadcastQueue {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
}

const messageSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('resolve'),
    projectId: z.string(),
    broadcastId: z.string(),
    after: z.string(),
  }),
  z.strictObject({
    kind: z.literal('send'),
    projectId: z.string(),
    broadcastId: z.string(),
    contactId: z.string(),
  }),
]);
export type BroadcastMessage = z.output<typeof messageSchema>;

export function decodeMessage(body: string): BroadcastMessage | undefined {
  try {
    const parsed = messageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** SendMessageBatch's limit. */
const SQS_BATCH_SIZE = 10;

/** Puts messages on the queue, ten per call; any entry SQS refuses fails the call (the caller's message is retried). */
export async function enqueue(queue: BroadcastQueue, messages: readonly BroadcastMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += SQS_BATCH_SIZE) {
    const chunk = messages.slice(start, start + SQS_BATCH_SIZE);
    const result = await queue.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.queueUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
      }),
    );
    const failed = result.Failed ?? [];
    if (failed.length > 0)
      throw new Error(
        `SQS refused ${failed.length} of ${chunk.length} broadcast messages (${failed[0]?.Code ?? 'unknown'}).`,
      );
  }
}
