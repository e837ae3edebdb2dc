/**
 * The scheduled-email sweeper, invoked every minute by an EventBridge rule (lib/scheduled-emails.ts).
 * Runs overlap safely (every claim is conditional); a throw lets EventBridge retry, which is safe for
 * the same reason. Each run names its claims with its own request id.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { createDocumentClient, createSesClient } from '../aws/aws-clients.js';
import { configurationSetsFromEnv } from '../domains/email-tracking.js';
import { requireEnv } from '../aws/env.js';
import { sesSender } from '../sending/ses-sender.js';
import { sweepScheduledEmails } from './sweep.js';

/** A run starts no email after this long: well inside the function's 2-minute timeout. */
export const SWEEP_BUDGET_MS = 50_000;

const logger = new Logger({ serviceName: 'scopegate-scheduled-emails' });
const documents = createDocumentClient();
const send = sesSender(createSesClient(), configurationSetsFromEnv(process.env));
const dataTable = requireEnv('DATA_TABLE');
const apiKeysTable = requireEnv('API_KEYS_TABLE');

export async function handler(_event: unknown, context: Context): Promise<void> {
  const summary = await sweepScheduledEmails(
    {
      documents,
      dataTable,
      apiKeysTable,
      send,
      now: () => new Date(),
      claimant: context.awsRequestId,
      log: logger,
    },
    { deadline: Date.now() + SWEEP_BUDGET_MS },
  );
  logger.info('scheduled emails swept', {
    sent: summary.sent.length,
    canceled: summary.canceled,
    failed: summary.failed,
    pending: summary.pending,
    dropped: summary.dropped,
    minutes: summary.minutes,
    cursor: summary.cursor,
  });
}
