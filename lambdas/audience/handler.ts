/** The audience service: contacts, lists and segments. */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { createServiceHandler, frameDependencies } from '../http/frame.js';
import { audienceRoutes } from './route-handlers.js';

const logger = new Logger({ serviceName: 'scopegate-audience' });
const documents = createDocumentClient();

// What the frame writes: rate-limit windows and the audit log (lambdas/http/frame.ts).
const frame = frameDependencies({ documents, dataTable: requireEnv('DATA_TABLE'), now: () => new Date() });

export const handler = createServiceHandler(
  'audience',
  audienceRoutes({ documents, dataTable: requireEnv('DATA_TABLE'), now: () => new Date() }),
  logger,
  frame,
);
