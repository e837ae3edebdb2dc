/**
 * The API key authorizer: its Lambda (GetItem on ApiKeys and nothing else) and the REQUEST authorizer
 * that API Gateway calls before every method. The cache TTL is the revocation delay, so it is off by
 * default; when it is on, the cache key includes the source IP (an IP allow-list decision must not be
 * reused for another address) and the Lambda is told, so that its policy covers every route the key
 * may call.
 */
import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ScopegateFunction } from './scopegate-function.js';

/** API Gateway's ceiling for AuthorizerResultTtlInSeconds. */
export const MAX_AUTHORIZER_CACHE_TTL_SECONDS = 3600;

export interface KeyAuthorizerProps {
  readonly apiKeysTable: ITable;
  /**
   * How long API Gateway caches an authorizer decision. Also how long a revoked key, a removed scope
   * or a changed IP allow-list keeps working. At most one hour, in whole seconds.
   * @default Duration.seconds(0) - no cache: every change takes effect on the next request
   */
  readonly resultsCacheTtl?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class KeyAuthorizer extends Construct {
  public readonly handler: ScopegateFunction;
  public readonly authorizer: apigateway.RequestAuthorizer;
  public readonly resultsCacheTtlSeconds: number;

  constructor(scope: Construct, id: string, props: KeyAuthorizerProps) {
    super(scope, id);
    this.resultsCacheTtlSeconds = validateCacheTtl(props.resultsCacheTtl ?? Duration.seconds(0));

    this.handler = new ScopegateFunction(this, 'Handler', {
      name: 'authorizer',
      description: 'scopegate API key authorizer: verifies the key, its IP allow-list and the route scope',
      // More memory is more CPU: the authorizer sits in front of every request.
      memorySize: 1024,
      logRetention: props.logRetention,
      environment: {
        KEY_ENVIRONMENT: 'live',
        AUTHORIZER_CACHE_TTL_SECONDS: String(this.resultsCacheTtlSeconds),
      },
    });
    this.handler.bindTable({ table: props.apiKeysTable, access: 'getItem', envVar: 'API_KEYS_TABLE' });

    const identitySources = [apigateway.IdentitySource.header('Authorization')];
    if (this.resultsCacheTtlSeconds > 0)
      identitySources.push(apigateway.IdentitySource.context('identity.sourceIp'));
    this.authorizer = new apigateway.RequestAuthorizer(this, 'Authorizer', {
      handler: this.handler.function,
      identitySources,
      // Explicit even when 0: the construct's own default would be five minutes.
      resultsCacheTtl: Duration.seconds(this.resultsCacheTtlSeconds),
    });
  }
}

function validateCacheTtl(ttl: Duration): number {
  const seconds = ttl.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_AUTHORIZER_CACHE_TTL_SECONDS) {
    throw new Error(
      `Authorizer cache TTL must be a whole number of seconds from 0 to ${MAX_AUTHORIZER_CACHE_TTL_SECONDS}, got ${seconds}`,
    );
  }
  return seconds;
}
