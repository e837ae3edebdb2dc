/**
 * The fan-out Lambda: DynamoDB Streams on the Data table, filtered to inserted `EVENT#` items
 * (OUTBOX_STREAM_FILTER), one delivery job per subscribed webhook onto the delivery queue. A failure
 * reports the first unfinished record, so Lambda retries from there (and bisects, and finally sends
 * the batch's position to the on-failure destination); nothing is skipped.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createDocumentClient } from '../aws/aws-clients.js';
import { createSqsClient } from '../aws/sqs-client.js';
import { requireEnv } from '../aws/env.js';
import { fanOutInOrder } from './fan-out-step.js';
import { outboxEventFromStreamRecord } from './outbox-stream.js';

const logger = new Logger({ serviceName: 'scopegate-fan-out' });
const deps = {
  store: { documents: createDocumentClient(), dataTable: requireEnv('DATA_TABLE') },
  queue: { sqs: createSqsClient(), queueUrl: requireEnv('DELIVERY_QUEUE_URL') },
  now: () => new Date(),
};

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const failed = await fanOutInOrder(deps, event.Records, outboxEventFromStreamRecord, (error) =>
    logger.error('Fan-out failed; the stream batch is retried from this record', {
      error: error instanceof Error ? error.name : 'unknown',
    }),
  );
  if (failed === undefined) return { batchItemFailures: [] };
  const sequenceNumber = failed.dynamodb?.SequenceNumber;
  // Without a position to retry from, the whole batch is retried.
  if (sequenceNumber === undefined) throw new Error('Fan-out failed on a record without a sequence number.');
  return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
}
