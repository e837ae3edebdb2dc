/**
 * Lambda entry point: clients and configuration at module scope, created once per container. The key
 * store is read through the SDK's low-level DynamoDBClient (no DocumentClient), so no marshalling
 * code is bundled.
 */

import { createDynamoClient } from '../aws/dynamodb-client.js';
import { keyEnvironmentFromEnv } from '../keys/api-key.js';
import { requireEnv } from '../aws/env.js';
import { createAuthorizer } from './authorizer.js';
import { createJsonLog } from './json-log.js';
import { keyItemReader } from './key-store.js';

const logger = createJsonLog({
  service: 'scopegate-authorizer',
  level: process.env.POWERTOOLS_LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL,
});

export const handler = createAuthorizer({
  environment: keyEnvironmentFromEnv(),
  getKeyItem: keyItemReader(createDynamoClient(), requireEnv('API_KEYS_TABLE')),
  log: logger,
  coverAllRoutes:
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== undefined &&
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== '0',
});
