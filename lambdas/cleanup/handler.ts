/**
 * The one-off clean-up Lambda, run once per deploy as a CloudFormation custom resource
 * (lib/secret-records-cleanup.ts): deletes idempotency records of older versions that hold a secret
 * (./secret-records.ts), then moves older versions' domain-name claims into the family layout
 * (./domain-claims-migration.ts). A DynamoDB error fails the deploy (fail closed: the secrets would
 * stay, or legacy claims would block nothing); running out of time only warns: the records the
 * clean-up did not reach expire within a day by their TTL, and the migration goes on at the next deploy.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../aws/aws-clients.js';
import { describeError } from '../keys/redaction.js';
import { requireEnv } from '../aws/env.js';
import { answerCustomResource, type CustomResourceEvent, putWithFetch } from './custom-resource.js';
import { migrateLegacyDomainClaims } from './domain-claims-migration.js';
import { removeSecretRecords } from './secret-records.js';

const logger = new Logger({ serviceName: 'scopegate-secret-records-cleanup' });
const store = { documents: createDocumentClient(), dataTable: requireEnv('DATA_TABLE') };

/** Leave a minute of the Lambda's time for the last page's deletes and the answer. */
const SAFETY_MS = 60_000;

export async function handler(
  event: CustomResourceEvent,
  context: { getRemainingTimeInMillis(): number },
): Promise<void> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - SAFETY_MS;
  await answerCustomResource(
    event,
    async () => {
      try {
        const summary = await removeSecretRecords(store, { now: Date.now, deadline });
        if (summary.complete) logger.info('stored answers holding a secret removed', { ...summary });
        else logger.warn('clean-up stopped at its deadline; the rest expire by their TTL', { ...summary });
        const claims = await migrateLegacyDomainClaims(store, { now: Date.now, deadline });
        if (claims.complete) logger.info('legacy domain claims moved to their families', { ...claims });
        else
          logger.warn('domain-claims migration stopped at its deadline; the next deploy goes on', {
            ...claims,
          });
        return (
          `scanned ${summary.scanned}, deleted ${summary.deleted}${summary.complete ? '' : ' (stopped at its deadline)'}; ` +
          `legacy domain claims: ${claims.migrated} migrated, ${claims.alreadyClaimed} already claimed${claims.complete ? '' : ' (stopped at its deadline)'}`
        );
      } catch (error) {
        logger.error('clean-up failed', { error: describeError(error) });
        throw error;
      }
    },
    putWithFetch,
  );
}
