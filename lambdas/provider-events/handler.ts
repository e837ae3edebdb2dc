/** The events Lambda: SES's events of the configuration set, from the SQS queue, into emails' histories. */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { sesEventsConsumer } from './queue-consumer.js';

const logger = new Logger({ serviceName: 'scopegate-events' });
const documents = createDocumentClient();

export const handler = sesEventsConsumer(
  { documents, dataTable: requireEnv('DATA_TABLE'), now: () => new Date() },
  logger,
);
