/**
 * A test stack whose broadcasts are sent: an in-process queue (fauxqs), the local sender loops over it
 * and into the run's local SES (with its delivery events), as `npm start` runs them.
 */
import { broadcastSesSender } from '../../lambdas/broadcasts/ses-send.js';
import { createLocalBroadcastQueue, startLocalSender } from '../../local/broadcast-sender.js';
import { silentLog } from '../../local/handlers.js';
import { withLocalSesEvents } from '../../local/ses-events-feed.js';
import { startLocalQueue } from '../../local/webhook-pipeline.js';
import { startTestStack, type TestStack, type TestStackOptions } from './local-stack.js';

export interface BroadcastTestStack {
  readonly stack: TestStack;
  /** Stops the sender, the stack and the queue, in that order. */
  readonly close: () => Promise<void>;
}

export async function startBroadcastTestStack(
  options: Omit<TestStackOptions, 'broadcastQueue'> = {},
): Promise<BroadcastTestStack> {
  const queue = await startLocalQueue({ port: 0 });
  const broadcastQueue = await createLocalBroadcastQueue(queue.sqs);
  const stack = await startTestStack({ ...options, broadcastQueue });
  const events = { documents: stack.aws.documents, dataTable: stack.aws.tables.data, now: () => new Date() };
  const sender = startLocalSender({
    ...events,
    queue: broadcastQueue,
    send: withLocalSesEvents(broadcastSesSender(stack.aws.ses), events, silentLog),
    apiBaseUrl: stack.url,
    unsubscribeSecret: async () => Buffer.alloc(32, 1),
    isSuppressed: async () => false,
    log: silentLog,
    maxSendRate: 100,
    workers: 2,
    scheduleIntervalMs: 0,
  });
  return {
    stack,
    close: async () => {
      await sender.stop();
      await stack.close();
      await queue.stop();
    },
  };
}
