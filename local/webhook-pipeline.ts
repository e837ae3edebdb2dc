/**
 * The webhook delivery pipeline on one machine: fauxqs (an in-process SQS emulator) holds the
 * delivery queue, and two loops stand in for the deployed event source mappings:
 *
 * - the outbox poller reads new `EVENT#` items back from the Data table (a Scan of events created
 *   since the pipeline started) and hands them to the same fan-out the stream Lambda runs. Deployed,
 *   DynamoDB Streams does this; DynamoDB Local has streams too, but reading them takes another SDK
 *   client and a shard-iterator loop, for no gain in what the fan-out code sees. Events written while
 *   the local pipeline is stopped are not delivered later;
 * - the queue poller receives delivery jobs and runs them through the same batch runner and consumer
 *   as the deliveries Lambda, deleting each message as soon as it is done.
 *
 * The consumer's clock is injected: `timeScale` makes one real second stand for that many seconds of
 * the retry schedule (SCOPEGATE_WEBHOOK_TIME_SCALE for `npm start`); tests pass their own clock and
 * an infinite scale, so a job that is not yet due comes straight back until the clock is advanced.
 */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Documents } from '../lambdas/aws/aws-clients.js';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { buildApp } from 'fauxqs';
import { createSqsClient } from '../lambdas/aws/sqs-client.js';
import { EVENT_SORT_PREFIX } from '../lambdas/shared/outbox.js';
import { type DeliveryRequest, deliverOnce } from '../lambdas/deliveries/attempt.js';
import { type JobOutcome, runDeliveryJob } from '../lambdas/deliveries/consumer.js';
import type { DeliveryQueue } from '../lambdas/deliveries/delivery-queue.js';
import { fanOutInOrder } from '../lambdas/fan-out/fan-out-step.js';
import { runMessages } from '../lambdas/deliveries/message-batch.js';
import { outboxEventFromItem } from '../lambdas/fan-out/outbox-stream.js';
import type { PipelineLog } from '../lambdas/deliveries/pipeline-log.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './config.js';

export const LOCAL_DELIVERY_QUEUE = 'scopegate-deliveries';
/** `npm start`'s SQS port (SCOPEGATE_SQS_PORT moves it); 8006 is kept for the local SMS and WhatsApp stand-in. */
export const LOCAL_SQS_PORT = 8007;
/** Long enough for one attempt (15 s) and its bookkeeping; a job that failed is back after it. */
const LOCAL_VISIBILITY_TIMEOUT_SECONDS = 30;
const MAX_DRAIN_PASSES = 100;

export interface LocalQueue {
  readonly endpoint: string;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** The bodies of the queue's messages by state, without receiving them (tests). */
  inspect(): Promise<QueueContents>;
  stop(): Promise<void>;
}

export interface QueueContents {
  readonly ready: string[];
  readonly delayed: string[];
  readonly inflight: string[];
}

/**
 * fauxqs on 127.0.0.1:`port` (0 = any free port) with the delivery queue created. Its `startFauxqs`
 * listens on 0.0.0.0 whatever host it is given (up to 2.4.1 at least), which would put the local
 * queue of webhook jobs on the network; so the app it builds is listened on loopback here instead.
 */
export async function startLocalQueue(options: { port: number }): Promise<LocalQueue> {
  const app = buildApp({ logger: false });
  const endpoint = await app.listen({ port: options.port, host: LOOPBACK });
  const sqs = createSqsClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const stop = async () => {
    sqs.destroy();
    await app.close();
  };
  try {
    const { QueueUrl: queueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: LOCAL_DELIVERY_QUEUE,
        Attributes: { VisibilityTimeout: String(LOCAL_VISIBILITY_TIMEOUT_SECONDS) },
      }),
    );
    if (!queueUrl) throw new Error('the local queue answered CreateQueue without a QueueUrl');
    return {
      endpoint,
      sqs,
      queueUrl,
      // fauxqs's non-destructive inspection route, called in process (no socket involved).
      inspect: async () =>
        queueContents(
          (
            await app.inject({ method: 'GET', url: `/_fauxqs/queues/${LOCAL_DELIVERY_QUEUE}` })
          ).json<InspectedQueue>(),
        ),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const LOOPBACK = '127.0.0.1';

interface InspectedQueue {
  readonly messages?: {
    readonly ready?: readonly { readonly body: string }[];
    readonly delayed?: readonly { readonly body: string }[];
    readonly inflight?: readonly { readonly message: { readonly body: string } }[];
  };
}

function queueContents(inspected: InspectedQueue): QueueContents {
  const messages = inspected.messages;
  return {
    ready: messages?.ready?.map((message) => message.body) ?? [],
    delayed: messages?.delayed?.map((message) => message.body) ?? [],
    inflight: messages?.inflight?.map(({ message }) => message.body) ?? [],
  };
}

export interface PipelineOptions {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly queue: DeliveryQueue;
  readonly now: () => Date;
  readonly random?: () => number;
  /** Events created before this are not fanned out. */
  readonly since: Date;
  readonly log: PipelineLog;
  /** Tests: a resolver or connector for the attempts; always loopback-friendly locally. */
  readonly deliveryOverrides?: Pick<DeliveryRequest, 'resolve' | 'connect' | 'timeoutMs'>;
}

export interface WebhookPipeline {
  /** Fans out outbox events not yet fanned out; answers how many were handled. */
  pollOutbox(): Promise<number>;
  /** Receives up to 10 jobs and runs them; answers their outcomes (failed runs are left on the queue). */
  pollQueue(): Promise<JobOutcome[]>;
  /** Polls both until nothing but not-yet-due jobs is left. */
  drain(): Promise<JobOutcome[]>;
}

export function webhookPipeline(options: PipelineOptions): WebhookPipeline {
  const { documents, dataTable, queue, now, log } = options;
  const fannedOut = new Set<string>();
  const consumer = {
    documents,
    dataTable,
    queue,
    now,
    random: options.random ?? Math.random,
    deliver: (request: Pick<DeliveryRequest, 'url' | 'headers' | 'body'>) =>
      deliverOnce({ ...request, ...options.deliveryOverrides, allowLoopback: true, requireHttps: false }),
    log,
  };

  const pollOutbox = async (): Promise<number> => {
    const items = (await recentEvents(documents, dataTable, options.since)).filter(
      (item) => typeof item.id === 'string' && !fannedOut.has(item.id),
    );
    const failed = await fanOutInOrder(
      { store: { documents, dataTable }, queue, now },
      items,
      (item) => {
        const event = outboxEventFromItem(item);
        if (event) fannedOut.add(event.eventId);
        return event;
      },
      (error) => log.error('Local fan-out failed; retried on the next poll', { error: String(error) }),
    );
    if (failed && typeof failed.id === 'string') {
      // It and everything after it are tried again on the next poll.
      for (const item of items.slice(items.indexOf(failed))) fannedOut.delete(String(item.id));
    }
    return items.length;
  };

  const pollQueue = async (): Promise<JobOutcome[]> => {
    const { Messages = [] } = await queue.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const outcomes: JobOutcome[] = [];
    await runMessages(
      Messages.map((message) => ({
        messageId: message.MessageId ?? '',
        body: message.Body ?? '',
        ack: async () => {
          await queue.sqs.send(
            new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        },
      })),
      async (job) => outcomes.push(await runDeliveryJob(consumer, job)),
      log,
    );
    return outcomes;
  };

  return {
    pollOutbox,
    pollQueue,
    drain: async () => {
      const all: JobOutcome[] = [];
      // Bounded: a fan-out that keeps failing must not spin forever.
      for (let pass = 0; pass < MAX_DRAIN_PASSES; pass++) {
        const events = await pollOutbox();
        const outcomes = await pollQueue();
        all.push(...outcomes);
        if (events === 0 && outcomes.every((outcome) => outcome === 'not_due')) return all;
      }
      throw new Error(`The webhook pipeline did not settle within ${MAX_DRAIN_PASSES} passes.`);
    },
  };
}

/** The outbox's events created since `since`, oldest first (ids are time-ordered). */
async function recentEvents(
  documents: Documents,
  table: string,
  since: Date,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(sk, :prefix) AND created_at >= :since',
        ExpressionAttributeValues: { ':prefix': EVENT_SORT_PREFIX, ':since': since.toISOString() },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  // Code-unit order, not locale order: base62 ids sort by time only that way.
  return items.sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
}

/** A clock that runs `scale` times faster than real time from now on (scale 1 = real time). */
export function scaledClock(scale: number, realNow: () => number = Date.now): () => Date {
  const start = realNow();
  return () => new Date(start + (realNow() - start) * scale);
}

/** `SCOPEGATE_WEBHOOK_TIME_SCALE`: how many schedule seconds one real second stands for (default 1). */
export function webhookTimeScale(env: NodeJS.ProcessEnv): number {
  const value = env.SCOPEGATE_WEBHOOK_TIME_SCALE;
  if (value === undefined || value === '') return 1;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale < 1) {
    throw new RangeError('SCOPEGATE_WEBHOOK_TIME_SCALE must be a number of at least 1');
  }
  return scale;
}

/** `npm start`: polls the outbox and the queue once a second until stopped. */
export function runPipeline(
  pipeline: WebhookPipeline,
  log: PipelineLog,
  intervalMs = 1000,
): { stop(): Promise<void> } {
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    if (stopped) return;
    current = pipeline
      .pollOutbox()
      .then(() => pipeline.pollQueue())
      .catch((error: unknown) => log.error('Local webhook pipeline poll failed', { error: String(error) }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  let timer = setTimeout(tick, 0);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
