/** Lambda entry point: clients and configuration at module scope, created once per container. */

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keyEnvironmentFromEnv, requireEnv } from '../core/env.js';
import { createAuthorizer } from './authorizer.js';
import { keyItemReader } from './key-store.js';

const logger = new Logger({ serviceName: 'scopegate-authorizer' });
const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 } }),
);

export const handler = createAuthorizer({
  environment: keyEnvironmentFromEnv(),
  getKeyItem: keyItemReader(dynamo, requireEnv('API_KEYS_TABLE')),
  log: logger,
  coverAllRoutes:
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== undefined &&
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== '0',
});
