/** The account service: projects and API keys. */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { createServiceHandler, frameDependencies } from '../http/frame.js';
import { accountRoutes } from './route-handlers.js';

const logger = new Logger({ serviceName: 'scopegate-account' });
const documents = createDocumentClient();

// What the frame writes: rate-limit windows and the audit log (lambdas/http/frame.ts).
const frame = frameDependencies({ documents, dataTable: requireEnv('DATA_TABLE'), now: () => new Date() });

export const handler = createServiceHandler(
  'account',
  accountRoutes({
    documents,
    dataTable: requireEnv('DATA_TABLE'),
    apiKeysTable: requireEnv('API_KEYS_TABLE'),
    // A deployed stack issues live keys only (the local stack wires `test`).
    environment: 'live',
    now: () => new Date(),
  }),
  logger,
  frame,
);
