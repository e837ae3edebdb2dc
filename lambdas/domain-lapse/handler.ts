/**
 * The domain lapse Lambda, invoked by an EventBridge schedule (lib/domain-lapse.ts). A throw lets
 * EventBridge's asynchronous invoke retry; each lapse is one conditioned transaction, so a retry
 * lapses nothing twice and fires no event twice.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createSesClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { sweepLapsedDomains } from './domain-lapse.js';

const logger = new Logger({ serviceName: 'scopegate-domain-lapse' });
const deps = {
  documents: createDocumentClient(),
  dataTable: requireEnv('DATA_TABLE'),
  ses: createSesClient(),
  region: requireEnv('AWS_REGION'),
  now: () => new Date(),
};

export async function handler(): Promise<void> {
  const summary = await sweepLapsedDomains(deps);
  logger.info('lapsed domains swept', { ...summary });
  if (summary.failed.length > 0) throw new Error(`domains not lapsed: ${summary.failed.join(', ')}`);
}
