/** Lambda entry point: clients and configuration at module scope, created once per container. */

import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoClient } from '../aws-clients.js';
import { keyEnvironmentFromEnv, requireEnv } from '../core/env.js';
import { createAuthorizer } from './authorizer.js';
import { keyItemReader } from './key-store.js';

const logger = new Logger({ serviceName: 'scopegate-authorizer' });

export const handler = createAuthorizer({
  environment: keyEnvironmentFromEnv(),
  getKeyItem: keyItemReader(createDynamoClient(), requireEnv('API_KEYS_TABLE')),
  log: logger,
  coverAllRoutes:
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== undefined &&
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== '0',
});
