/** The webhooks service: webhook endpoints, their secrets, test events and delivery history. */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createDynamoClient } from '../aws-clients.js';
import { requireEnv } from '../core/env.js';
import { createServiceHandler } from '../core/http.js';
import { webhooksRoutes } from './routes.js';

const logger = new Logger({ serviceName: 'scopegate-webhooks' });
const documents = createDocumentClient(createDynamoClient());

// Every mutating call is recorded in the project's audit log (lambdas/core/audit-log.ts).
const audit = { documents, dataTable: requireEnv('DATA_TABLE'), now: () => new Date() };

export const handler = createServiceHandler(
  'webhooks',
  {
    ...webhooksRoutes({
      documents,
      dataTable: requireEnv('DATA_TABLE'),
      now: () => new Date(),
      // Deployed stacks deliver only over https to public addresses.
      urlPolicy: { requireHttps: true, allowLoopback: false },
    }),
    audit,
  },
  logger,
);
