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
    /** Which page this is (0: the first); absent in messages queued before pages were numbered. */
    page: z.optional(z.int().check(z.nonnegative())),
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

/**
 * Receives before a message goes to the dead-letter queue (the queue's maxReceiveCount, deployed and
 * local). High: a throttled send is received again after each backoff (up to 5 minutes), and a long
 * throttle must not dead-letter recipients. The sender settles what a message on its last receive
 * would leave undone (./sender.ts), so nothing stays `queued` in the dead-letter queue's shadow.
 */
export const BROADCAST_MAX_RECEIVES = 50;

/** SendMessageBatch's limit. */
const SQS_BATCH_SIZE = 10;

/**
 * Puts messages on the queue, ten per call, the calls at once (a page's hundred sends should not
 * wait on ten round trips in a row); any entry SQS refuses fails the call (the caller's message is
 * retried).
 */
export async function enqueue(queue: BroadcastQueue, messages: readonly BroadcastMessage[]): Promise<void> {
  const chunks: BroadcastMessage[][] = [];
  for (let start = 0; start < messages.length; start += SQS_BATCH_SIZE)
    chunks.push(messages.slice(start, start + SQS_BATCH_SIZE));
  await Promise.all(chunks.map((chunk) => enqueueChunk(queue, chunk)));
}

async function enqueueChunk(queue: BroadcastQueue, chunk: readonly BroadcastMessage[]): Promise<void> {
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
