/** The sending service: email now; SMS and WhatsApp join in later issues. */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createDynamoClient, createSesClient } from '../aws-clients.js';
import { requireEnv } from '../core/env.js';
import { createServiceHandler } from '../core/http.js';
import { sendingRoutes } from './routes.js';
import { sesSender } from './ses-sender.js';

const logger = new Logger({ serviceName: 'scopegate-sending' });
const documents = createDocumentClient(createDynamoClient());
const ses = createSesClient();

export const handler = createServiceHandler(
  'sending',
  sendingRoutes({
    documents,
    dataTable: requireEnv('DATA_TABLE'),
    now: () => new Date(),
    send: sesSender(ses, process.env.SES_CONFIGURATION_SET || undefined),
    log: logger,
  }),
  logger,
  { rateLimits: { documents, dataTable: requireEnv('DATA_TABLE'), now: () => new Date() } },
);
