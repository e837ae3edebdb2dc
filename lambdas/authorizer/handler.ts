/**
 * Lambda entry point: clients and configuration at module scope, created once per container. No AWS
 * SDK here: the key store is read through scopegate's own small client (lambdas/dynamo), without
 * its document layer, so no marshalling code is bundled either.
 */

import { createDocumentClient } from '../aws-clients.js';
import { keyEnvironmentFromEnv, requireEnv } from '../core/env.js';
import { createAuthorizer } from './authorizer.js';
import { createJsonLog } from './json-log.js';
import { keyItemReader } from './key-store.js';

const logger = createJsonLog({
  service: 'scopegate-authorizer',
  level: process.env.POWERTOOLS_LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL,
});

export const handler = createAuthorizer({
  environment: keyEnvironmentFromEnv(),
  getKeyItem: keyItemReader(createDocumentClient(), requireEnv('API_KEYS_TABLE')),
  log: logger,
  coverAllRoutes:
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== undefined &&
    process.env.AUTHORIZER_CACHE_TTL_SECONDS !== '0',
});
