/**
 * Reads the CDK app's settings from context (`cdk deploy -c authorizerCacheTtlSeconds=300`) or the
 * environment, and refuses bad values with an AppConfigError before anything is synthesised.
 */
import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { MAX_AUTHORIZER_CACHE_TTL_SECONDS } from './authorizer.js';

/** A context or environment setting the user got wrong: worth one line, not a stack trace. */
export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

export interface AppConfig {
  readonly stackName: string;
  readonly authorizerCacheTtl: Duration;
  readonly authorizerCacheFlush: boolean;
  readonly manageApiGatewayCloudWatchRole: boolean;
}

/**
 * `stackName`: context `stackName`, else SCOPEGATE_STACK_NAME, else `Scopegate`.
 * `authorizerCacheTtl`: context `authorizerCacheTtlSeconds`, else 0.
 * `authorizerCacheFlush`: context `authorizerCacheFlush` (`true`/`false`), else false; true needs a TTL above 0.
 * `manageApiGatewayCloudWatchRole`: context `apiGatewayCloudWatchRole` (`true`/`false`), else true.
 */
export function readAppConfig(node: Node, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const stackName = String(node.tryGetContext('stackName') ?? env.SCOPEGATE_STACK_NAME ?? 'Scopegate');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new AppConfigError(
      `Context stackName (or SCOPEGATE_STACK_NAME) must start with a letter and hold only letters, digits and hyphens, got ${JSON.stringify(stackName)}`,
    );
  }
  const ttlSeconds = cacheTtlSeconds(node.tryGetContext('authorizerCacheTtlSeconds'));
  const cacheFlush = booleanContext(
    node.tryGetContext('authorizerCacheFlush'),
    'authorizerCacheFlush',
    false,
  );
  if (cacheFlush && ttlSeconds === 0) {
    throw new AppConfigError(
      'Context authorizerCacheFlush=true needs authorizerCacheTtlSeconds above 0 (with no cache there is nothing to flush)',
    );
  }
  return {
    stackName,
    authorizerCacheTtl: Duration.seconds(ttlSeconds),
    authorizerCacheFlush: cacheFlush,
    manageApiGatewayCloudWatchRole: booleanContext(
      node.tryGetContext('apiGatewayCloudWatchRole'),
      'apiGatewayCloudWatchRole',
      true,
    ),
  };
}

/** Context values from the command line are strings; from cdk.json they may be numbers. */
function cacheTtlSeconds(value: unknown): number {
  if (value === undefined) return 0;
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_AUTHORIZER_CACHE_TTL_SECONDS) {
    throw new AppConfigError(
      `Context authorizerCacheTtlSeconds must be a whole number from 0 to ${MAX_AUTHORIZER_CACHE_TTL_SECONDS}, got ${JSON.stringify(value)}`,
    );
  }
  return seconds;
}

function booleanContext(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new AppConfigError(`Context ${name} must be true or false, got ${JSON.stringify(value)}`);
}
