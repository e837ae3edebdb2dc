/** The domains service: sending domains as SES v2 email identities. */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createSesClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { createServiceHandler, frameDependencies } from '../http/frame.js';
import { domainsRoutes } from './route-handlers.js';

const logger = new Logger({ serviceName: 'scopegate-domains' });
const documents = createDocumentClient();
const ses = createSesClient();

// What the frame writes: rate-limit windows and the audit log (lambdas/http/frame.ts).
const frame = frameDependencies({ documents, dataTable: requireEnv('DATA_TABLE'), now: () => new Date() });

export const handler = createServiceHandler(
  'domains',
  {
    ...domainsRoutes({
      documents,
      dataTable: requireEnv('DATA_TABLE'),
      ses,
      configurationSetName: requireEnv('SES_CONFIGURATION_SET'),
      region: requireEnv('AWS_REGION'),
      now: () => new Date(),
    }),
  },
  logger,
  frame,
);
