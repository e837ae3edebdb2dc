/**
 * The usage Lambda: API Gateway's access log, through a CloudWatch Logs subscription, into per-key
 * daily counts and `lastUsedAt` — off the request path. Invoked asynchronously: a throw makes
 * Lambda retry the same payload, which the batch marker counts once.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { createDocumentClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { decodeSubscription, usageBatchOf } from './log-subscription.js';
import { recordUsage } from './record-usage.js';

const logger = new Logger({ serviceName: 'scopegate-usage' });
const store = {
  documents: createDocumentClient(),
  dataTable: requireEnv('DATA_TABLE'),
  apiKeysTable: requireEnv('API_KEYS_TABLE'),
};

export async function handler(event: CloudWatchLogsEvent): Promise<void> {
  const batch = usageBatchOf(decodeSubscription(event));
  if (!batch) return;
  const summary = await recordUsage(store, batch, new Date());
  logger.info('usage recorded', { batchId: batch.id, records: batch.records.length, ...summary });
}
