/**
 * Broadcasts on one machine: the broadcast queue in the local stack's fauxqs (with a dead-letter
 * queue after the deployed number of receives), and `workers` loops standing in for the sender
 * Lambda's concurrent instances. Each loop holds up to 10 messages, runs each through the deployed
 * sender (lambdas/broadcasts/sender.ts), deletes it when done or sets its visibility to its backoff,
 * as the Lambda's partial batch response and ChangeMessageVisibility do. A timer starts due scheduled broadcasts, as the deployed minute schedule does.
 *
 * The loops share one process, so they share one sender: one pacer (one slot every 1000 / R ms), so
 * a loop busy between batches leaves its slots to the others instead of losing them, as separate
 * Lambda instances (each with its own pacer, R / senders) must; and one settler, so the loops'
 * settlements go to DynamoDB together instead of racing each other for the broadcast's counters.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describeError } from '../lambdas/keys/redaction.js';
import { startDueBroadcasts } from '../lambdas/broadcasts/broadcasts.js';
import { Pacer, pacingFor } from '../lambdas/broadcasts/pacing.js';
import { BROADCAST_MAX_RECEIVES, type BroadcastQueue } from '../lambdas/broadcasts/queue.js';
import { createSender, type SenderDependencies } from '../lambdas/broadcasts/sender.js';

export const LOCAL_BROADCAST_QUEUE = 'scopegate-broadcasts';
/** Longer than a live worker holds a claim (LOCAL_CLAIM_LEASE_MS): a dead worker's messages come back after it. */
const VISIBILITY_TIMEOUT_SECONDS = 30;
/** A local worker's SES call is bounded at 4 s (lambdas/aws/call-bounds.ts); its batch settles within seconds. */
export const LOCAL_CLAIM_LEASE_MS = 20_000;
/** The pace when the local SES has no limit set. */
export const UNLIMITED_LOCAL_RATE = 100;
export const DEFAULT_LOCAL_SENDERS = 8;

export async function createLocalBroadcastQueue(sqs: SQSClient): Promise<BroadcastQueue> {
  const dlq = await createQueue(sqs, `${LOCAL_BROADCAST_QUEUE}-dlq`, {});
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }),
  );
  const queueUrl = await createQueue(sqs, LOCAL_BROADCAST_QUEUE, {
    VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: Attributes?.QueueArn,
      maxReceiveCount: BROADCAST_MAX_RECEIVES,
    }),
  });
  return { sqs, queueUrl };
}

async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error('the local queue answered CreateQueue without a QueueUrl');
  return QueueUrl;
}

export interface LocalSenderOptions extends Omit<
  SenderDependencies,
  'pacer' | 'claimLeaseMs' | 'maxReceives'
> {
  readonly maxSendRate: number;
  readonly workers: number;
  readonly claimLeaseMs?: number;
  /** How long an idle worker waits for messages (SQS long polling), in seconds. @default 1 */
  readonly waitSeconds?: number;
  /** How often due scheduled broadcasts are started; 0: never. @default 5000 */
  readonly scheduleIntervalMs?: number;
}

export interface LocalSender {
  stop(): Promise<void>;
  /**
   * Stops the workers dead, as a crashed Lambda: whatever is in flight (a claim, an SES call) is
   * abandoned, never settled or acknowledged. For the benchmark's fault run.
   */
  kill(): void;
}

export function startLocalSender(options: LocalSenderOptions): LocalSender {
  const pacer = new Pacer(pacingFor(options.maxSendRate, 1).intervalMs);
  let stopped = false;
  let killed = false;
  const never = new Promise<never>(() => undefined);
  const sender = createSender({
    ...options,
    claimLeaseMs: options.claimLeaseMs ?? LOCAL_CLAIM_LEASE_MS,
    maxReceives: BROADCAST_MAX_RECEIVES,
    // A killed worker never gets past its next step, as a dead process would not.
    pacer: { take: () => (killed ? never : pacer.take()) },
    send: async (email) => {
      if (killed) return never;
      const id = await options.send(email);
      return killed ? never : id;
    },
  });
  const loops = Array.from({ length: options.workers }, () =>
    runWorker(options.queue, sender.process, () => stopped || killed, options.waitSeconds ?? 1, options.log),
  );
  const timer =
    (options.scheduleIntervalMs ?? 5000) > 0
      ? setInterval(() => {
          startDueBroadcasts(options, options.now()).catch((error: unknown) =>
            options.log.error('starting scheduled broadcasts failed', { error: describeError(error) }),
          );
        }, options.scheduleIntervalMs ?? 5000)
      : undefined;
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      if (!killed) await Promise.all(loops);
    },
    kill: () => {
      killed = true;
      if (timer) clearInterval(timer);
    },
  };
}

/** Messages a worker holds at most, as a Lambda's batch; it receives more once half of them are done. */
const WORKER_MESSAGES = 10;
const REFILL_AT = WORKER_MESSAGES / 2;

/**
 * One worker loop. Unlike a Lambda, which holds a batch until its last message is done, a loop
 * receives again as soon as half of its messages are done (prefetch), and acknowledges each message
 * when it is done: one slow settlement does not idle the other nine.
 */
async function runWorker(
  queue: BroadcastQueue,
  process: ReturnType<typeof createSender>['process'],
  done: () => boolean,
  waitSeconds: number,
  log: SenderDependencies['log'],
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  while (!done()) {
    if (WORKER_MESSAGES - inFlight.size < REFILL_AT) {
      await Promise.race(inFlight);
      continue;
    }
    try {
      const { Messages = [] } = await queue.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.queueUrl,
          MaxNumberOfMessages: WORKER_MESSAGES - inFlight.size,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      for (const message of Messages) {
        if (done()) break;
        const handled: Promise<void> = handle(queue, process, done, message, log).finally(() =>
          inFlight.delete(handled),
        );
        inFlight.add(handled);
      }
    } catch (error) {
      log.error('a local broadcast worker poll failed', { error: describeError(error) });
      // The queue itself failing: try again in a second rather than spin.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  await Promise.all(inFlight);
}

/** One message through the sender, then deleted (done) or hidden for its backoff (retry). */
async function handle(
  queue: BroadcastQueue,
  process: ReturnType<typeof createSender>['process'],
  done: () => boolean,
  message: Message,
  log: SenderDependencies['log'],
): Promise<void> {
  try {
    const [outcome] = await process([
      {
        body: message.Body ?? '',
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount) || 1,
      },
    ]);
    if (done() || !outcome) return;
    if (outcome.kind === 'done')
      await queue.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    else
      await queue.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: outcome.delaySeconds,
        }),
      );
  } catch (error) {
    // The message comes back after its visibility timeout.
    log.error('a local broadcast message could not be acknowledged', { error: describeError(error) });
  }
}
