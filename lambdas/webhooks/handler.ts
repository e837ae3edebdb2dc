/** The webhooks service: webhook endpoints, their secrets, test events and delivery history. */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { createServiceHandler, frameDependencies } from '../http/frame.js';
import { webhooksRoutes } from './route-handlers.js';

const logger = new Logger({ serviceName: 'scopegate-webhooks' });
const documents = createDocumentClient();

// What the frame writes: rate-limit windows and the audit log (lambdas/http/frame.ts).
const frame = frameDependencies({ documents, dataTable: requireEnv('DATA_TABLE'), now: () => new Date() });

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
  },
  logger,
  frame,
);
