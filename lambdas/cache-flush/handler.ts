/**
 * The cache-flush Lambda: the ApiKeys table's stream (KEYS_ONLY) wakes it whenever any key item is
 * created, changed or deleted — through the API, the CLI or a hand edit in the DynamoDB console — and
 * it flushes the API stage's authorizer cache once per batch, so a revoked key stops working within
 * seconds instead of at the end of the cache's TTL.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { requireEnv } from '../aws/env.js';
import { flushForBatch } from './flush-batch.js';
import { createApiGatewayClient, flushStageAuthorizersCache } from './stage-cache.js';

const logger = new Logger({ serviceName: 'scopegate-cache-flush' });
const apiGateway = createApiGatewayClient();
const stage = { restApiId: requireEnv('REST_API_ID'), stageName: requireEnv('STAGE_NAME') };

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  await flushForBatch(event.Records, {
    flush: () => flushStageAuthorizersCache(apiGateway, stage),
    sleep: (ms) => sleep(ms),
    now: Date.now,
    random: Math.random,
    log: logger,
  });
}
