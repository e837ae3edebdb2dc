/**
 * The delivery pipeline against DynamoDB Local and fauxqs: nothing is lost when SQS refuses a send,
 * and a consumer that dies part-way through a batch leaves exactly its unfinished messages.
 */
import { SCOPES_BY_KEY_TYPE } from '../../../lambdas/api/scopes.js';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventItem } from '../../../lambdas/shared/outbox.js';
import { fanOutInOrder } from '../../../lambdas/fan-out/fan-out-step.js';
import { encodeJob } from '../../../lambdas/deliveries/job.js';
import { runMessages } from '../../../lambdas/deliveries/message-batch.js';
import { outboxEventFromStreamRecord } from '../../../lambdas/fan-out/outbox-stream.js';
import { createWebhook } from '../../../lambdas/webhooks/webhooks.js';
import { silentLog } from '../../../local/handlers.js';
import { type LocalQueue, startLocalQueue, webhookPipeline } from '../../../local/webhook-pipeline.js';
import { createTestAws, type TestAws } from '../../support/local-aws.js';
import { type Receiver, startReceiver } from '../../support/webhook-receiver.js';

/** The calling key: one that may subscribe to every event type. */
const FULL_ACCESS = {
  type: 'general',
  permission: 'full_access',
  scopes: SCOPES_BY_KEY_TYPE.general,
  secret: 'current',
} as const;

let aws: TestAws;
let queue: LocalQueue;
let receiver: Receiver;
const now = () => new Date();

beforeAll(async () => {
  [aws, queue, receiver] = await Promise.all([
    createTestAws(),
    startLocalQueue({ port: 0 }),
    startReceiver(),
  ]);
});
afterAll(async () => {
  await Promise.all([queue?.stop(), receiver?.close()]);
});

const webhooks = () => ({
  documents: aws.documents,
  dataTable: aws.tables.data,
  now,
  urlPolicy: { requireHttps: false, allowLoopback: true },
});

async function putEvent(projectId: string, type: string) {
  const item = eventItem(projectId, type, { n: 1 }, new Date());
  await aws.documents.send(new PutCommand({ TableName: aws.tables.data, Item: item }));
  return item;
}

describe('fan-out', () => {
  it('keeps an event whose jobs SQS refused, and enqueues it on the next poll', async () => {
    const projectId = 'proj_refused';
    await createWebhook(webhooks(), projectId, { url: receiver.url, events: ['email.sent'] }, FULL_ACCESS);
    const pipeline = webhookPipeline({
      documents: aws.documents,
      dataTable: aws.tables.data,
      queue: { sqs: queue.sqs, queueUrl: queue.queueUrl, timeScale: Number.POSITIVE_INFINITY },
      now,
      since: new Date(Date.now() - 1000),
      log: silentLog,
    });
    const event = await putEvent(projectId, 'email.sent');
    const sqsMock = mockClient(queue.sqs);
    sqsMock.on(SendMessageBatchCommand).rejects(new Error('SQS is down'));

    await pipeline.pollOutbox();
    const whileDown = await queue.inspect();
    sqsMock.restore();
    await pipeline.pollOutbox();
    const outcomes = await pipeline.drain();

    expect(whileDown.ready).toEqual([]);
    expect(outcomes).toEqual(['succeeded']);
    expect(receiver.received.map((request) => request.headers['webhook-id'])).toContain(event.id);
  });

  it('reports the first stream record that failed and attempts none after it', async () => {
    const projectId = 'proj_stream';
    await createWebhook(webhooks(), projectId, { url: receiver.url, events: ['email.sent'] }, FULL_ACCESS);
    const events = [
      await putEvent(projectId, 'email.sent'),
      await putEvent(projectId, 'email.sent'),
      await putEvent(projectId, 'email.sent'),
    ];
    const records: DynamoDBRecord[] = events.map((event, index) => ({
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: String(index + 1),
        NewImage: {
          pk: { S: event.pk as string },
          sk: { S: event.sk as string },
          id: { S: event.id },
          type: { S: event.type },
        },
      },
    }));
    const sqs = new SQSClient({});
    const sqsMock = mockClient(sqs);
    sqsMock.on(SendMessageBatchCommand).resolvesOnce({ Successful: [] }).rejects(new Error('throttled'));

    const failed = await fanOutInOrder(
      { store: { documents: aws.documents, dataTable: aws.tables.data }, queue: { sqs, queueUrl: 'q' }, now },
      records,
      outboxEventFromStreamRecord,
      () => undefined,
    );

    expect(failed?.dynamodb?.SequenceNumber).toBe('2');
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
    sqsMock.restore();
  });
});

describe('consumer batches', () => {
  it('leaves only the unfinished messages on the queue when the consumer dies part-way', async () => {
    const jobs = [1, 2, 3].map((n) => ({
      projectId: 'proj_crash',
      webhookId: `wh_${String(n).repeat(22)}`,
      eventId: `evt_${String(n).repeat(22)}`,
      attempt: 1,
      dueAt: new Date().toISOString(),
    }));
    for (const job of jobs) {
      await queue.sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: encodeJob(job) }));
    }
    const { Messages = [] } = await queue.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10 }),
    );
    let firstAcked: () => void = () => undefined;
    const acked = new Promise<void>((resolve) => {
      firstAcked = resolve;
    });

    // The first job finishes; the others never do, as when the process dies mid-batch.
    void runMessages(
      Messages.map((message) => ({
        messageId: message.MessageId ?? '',
        body: message.Body ?? '',
        ack: async () => {
          await queue.sqs.send(
            new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
          firstAcked();
        },
      })),
      (job) => (job.webhookId === jobs[0]?.webhookId ? Promise.resolve() : new Promise(() => undefined)),
      silentLog,
    );
    await acked;

    const left = await queue.inspect();
    expect(Messages).toHaveLength(3);
    expect(left.ready).toEqual([]);
    expect(left.inflight.sort()).toEqual(jobs.slice(1).map(encodeJob).sort());
  });

  it('reports only the jobs that failed as batch item failures, and acknowledges the rest', async () => {
    const acks: string[] = [];
    const message = (id: string, body: string) => ({
      messageId: id,
      body,
      ack: async () => {
        acks.push(id);
      },
    });
    const job = (n: number) =>
      encodeJob({
        projectId: 'p',
        webhookId: `wh_${String(n).repeat(22)}`,
        eventId: `evt_${String(n).repeat(22)}`,
        attempt: 1,
        dueAt: new Date().toISOString(),
      });

    const failures = await runMessages(
      [message('a', job(1)), message('b', job(2)), message('c', 'not a job')],
      async (delivery) => {
        if (delivery.webhookId.startsWith('wh_2')) throw new Error('DynamoDB timed out');
      },
      silentLog,
    );

    expect(failures).toEqual([{ itemIdentifier: 'b' }]);
    expect(acks.sort()).toEqual(['a', 'c']);
  });
});
