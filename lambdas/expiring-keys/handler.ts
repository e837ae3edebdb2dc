/**
 * The `api_key.expiring` Lambda, invoked hourly by an EventBridge schedule (lib/expiring-keys.ts).
 * A throw lets EventBridge's asynchronous invoke retry; the markers make a retry emit nothing twice.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../aws/aws-clients.js';
import { requireEnv } from '../aws/env.js';
import { notifyExpiringKeys } from './expiring-keys.js';

const logger = new Logger({ serviceName: 'scopegate-expiring-keys' });
const store = {
  documents: createDocumentClient(),
  apiKeysTable: requireEnv('API_KEYS_TABLE'),
  dataTable: requireEnv('DATA_TABLE'),
  environment: 'live',
} as const;

export async function handler(): Promise<void> {
  const summary = await notifyExpiringKeys({ store, now: new Date() });
  logger.info('expiring keys checked', { ...summary });
  // Key ids are public (the `sk_live_<id>` prefix). Throwing makes EventBridge retry, which the
  // markers make safe: keys already notified are skipped.
  if (summary.failed.length > 0)
    throw new Error(`api_key.expiring not written for ${summary.failed.join(', ')}`);
}
