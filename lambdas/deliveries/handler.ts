/**
 * The deliveries Lambda: an SQS consumer of delivery jobs, answering partial batch responses
 * (`reportBatchItemFailures`), so one failing job never brings back the others.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDocumentClient } from '../aws/aws-clients.js';
import { createSqsClient } from '../aws/sqs-client.js';
import { requireEnv } from '../aws/env.js';
import { deliverOnce } from './attempt.js';
import { runDeliveryJob } from './consumer.js';
import { runMessages } from './message-batch.js';

const logger = new Logger({ serviceName: 'scopegate-deliveries' });
const documents = createDocumentClient();
const sqs = createSqsClient();
const queueUrl = requireEnv('DELIVERY_QUEUE_URL');
const deps = {
  documents,
  dataTable: requireEnv('DATA_TABLE'),
  queue: { sqs, queueUrl },
  now: () => new Date(),
  random: Math.random,
  // Deployed: https to public addresses only, checked again after DNS on every attempt.
  deliver: (request: Parameters<typeof deliverOnce>[0]) => deliverOnce(request),
  log: logger,
};

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures = await runMessages(
    event.Records.map((record) => ({
      messageId: record.messageId,
      body: record.body,
      ack: async () => {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle }));
      },
    })),
    (job) => runDeliveryJob(deps, job),
    logger,
  );
  return { batchItemFailures };
}
