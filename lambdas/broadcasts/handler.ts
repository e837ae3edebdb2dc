/** The broadcasts service: drafts, sending, scheduling, canceling and recipients. */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { createServiceHandler, frameDependencies } from '../http/frame.js';
import { createSqsClient } from '../aws/sqs-client.js';
import { broadcastsRoutes } from './route-handlers.js';

const logger = new Logger({ serviceName: 'scopegate-broadcasts' });
const documents = createDocumentClient();
const dataTable = requireEnv('DATA_TABLE');

const frame = frameDependencies({ documents, dataTable, now: () => new Date() });

export const handler = createServiceHandler(
  'broadcasts',
  broadcastsRoutes({
    documents,
    dataTable,
    now: () => new Date(),
    queue: { sqs: createSqsClient(), queueUrl: requireEnv('BROADCAST_QUEUE_URL') },
  }),
  logger,
  frame,
);
