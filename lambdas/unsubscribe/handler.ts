/** The public unsubscribe pages, GET and POST /u/{token}: no key, no authorizer (./pages.ts). */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { unsubscribePagesHandler } from './pages.js';

const logger = new Logger({ serviceName: 'scopegate-unsubscribe' });

export const handler = unsubscribePagesHandler(
  { documents: createDocumentClient(), dataTable: requireEnv('DATA_TABLE'), now: () => new Date() },
  logger,
);
