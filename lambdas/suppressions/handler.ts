/** The suppressions service: the project's suppressed addresses (GET, POST, DELETE /v1/suppressions). */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { createServiceHandler, frameDependencies } from '../http/frame.js';
import { suppressionsRoutes } from './route-handlers.js';

const logger = new Logger({ serviceName: 'scopegate-suppressions' });
const documents = createDocumentClient();
const dataTable = requireEnv('DATA_TABLE');

// What the frame writes: rate-limit windows and the audit log (lambdas/http/frame.ts).
const frame = frameDependencies({ documents, dataTable, now: () => new Date() });

export const handler = createServiceHandler(
  'suppressions',
  suppressionsRoutes({ documents, dataTable, now: () => new Date() }),
  logger,
  frame,
);
