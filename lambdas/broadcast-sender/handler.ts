/**
 * The broadcast sender Lambda: an SQS consumer (batches of up to 10 messages, partial batch
 * responses) and, once a minute, the sweep that starts scheduled broadcasts. Its maximum concurrency
 * is the stack's `broadcastSenders`, and each instance paces itself to 1/senders of the SES account's
 * maximum send rate, so together they stay under it (./pacing.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDocumentClient, createSesClient } from '../aws/aws-clients.js';
import { stackSecret } from '../http/cursor-secret.js';
import { configurationSetsFromEnv } from '../domains/email-tracking.js';
import { requireEnv } from '../aws/env.js';
import { createSqsClient } from '../aws/sqs-client.js';
import { startDueBroadcasts } from '../broadcasts/broadcasts.js';
import { Pacer, pacingFor } from '../broadcasts/pacing.js';
import { BROADCAST_MAX_RECEIVES } from '../broadcasts/queue.js';
import { createSender, type Sender } from '../broadcasts/sender.js';
import { maxSendRate } from '../broadcasts/send-rate.js';
import { broadcastSesSender } from '../broadcasts/ses-send.js';
import { suppressionReader } from '../broadcasts/suppression.js';

const logger = new Logger({ serviceName: 'scopegate-broadcast-sender' });
const documents = createDocumentClient();
const ses = createSesClient();
const sqs = createSqsClient();
const dataTable = requireEnv('DATA_TABLE');
const queue = { sqs, queueUrl: requireEnv('BROADCAST_QUEUE_URL') };
const senders = Number(requireEnv('BROADCAST_SENDERS'));
/** The Lambda's own timeout, and half a minute: no live invocation holds a claim longer. */
const claimLeaseMs = Number(requireEnv('SENDER_TIMEOUT_SECONDS')) * 1000 + 30_000;
const store = { documents, dataTable };

let sender: Promise<Sender> | undefined;
function senderOnce(): Promise<Sender> {
  sender ??= maxSendRate(process.env.MAX_SEND_RATE, ses).then((rate) =>
    createSender({
      ...store,
      now: () => new Date(),
      send: broadcastSesSender(ses, configurationSetsFromEnv(process.env)),
      queue,
      pacer: new Pacer(pacingFor(rate, senders).intervalMs),
      apiBaseUrl: requireEnv('API_BASE_URL'),
      unsubscribeSecret: () => stackSecret(store, 'UNSUBSCRIBE_SECRET'),
      isSuppressed: suppressionReader(store),
      claimLeaseMs,
      maxReceives: BROADCAST_MAX_RECEIVES,
      log: logger,
    }),
  );
  return sender;
}

export async function handler(
  event: SQSEvent | { readonly source: 'aws.events' },
): Promise<SQSBatchResponse | undefined> {
  if (!('Records' in event)) {
    await startDueBroadcasts({ ...store, now: () => new Date(), queue }, new Date());
    return undefined;
  }
  const outcomes = await (
    await senderOnce()
  ).process(
    event.Records.map((record) => ({
      body: record.body,
      receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    })),
  );
  const batchItemFailures: { itemIdentifier: string }[] = [];
  await Promise.all(
    outcomes.map(async (outcome, index) => {
      const record = event.Records[index];
      if (outcome.kind === 'done' || !record) return;
      batchItemFailures.push({ itemIdentifier: record.messageId });
      // Back after its backoff rather than the queue's visibility timeout.
      await sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queue.queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: outcome.delaySeconds,
          }),
        )
        .catch(() => undefined);
    }),
  );
  return { batchItemFailures };
}
