/**
 * Lambda entry point: clients and configuration at module scope, created once per container. No AWS
 * SDK here: the key store is read through the authorizer's own small client (get-item-client.ts).
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { keyEnvironmentFromEnv, requireEnv } from '../core/env.js';
import { createAuthorizer } from './authorizer.js';
import { createGetItemClient, getItemClientConfigFromEnv } from './get-item-client.js';
import { keyItemReader } from './key-store.js';

const logger = new Logger({ serviceName: 'scopegate-authorizer' });

export const handler = createAuthorizer({
  environment: keyEnvironmentFromEnv(),
  getKeyItem: keyItemReader(createGetItemClient(getItemClientConfigFromEnv()), requireEnv('API_KEYS_TABLE')),
  log: logger,
  coverAllRoutes:
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== undefined &&
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== '0',
});
