/**
 * The API key authorizer: its Lambda (GetItem on ApiKeys and nothing else) and the REQUEST authorizer
 * that API Gateway calls before every method. The cache TTL is the revocation delay, so it is off by
 * default; when it is on, the cache key includes the source IP (an IP allow-list decision must not be
 * reused for another address) and the Lambda is told, so that its policy covers every route the key
 * may call.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
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
  /**
   * Execution environments of the authorizer kept initialised (code loaded, client built), so no
   * request waits for a cold start. Billed while configured, used or not: per GB-second of
   * 1024 MB × this number, around the clock (docs/decisions/0030-aws-sdk-v3-tuned-for-cold-start.md). API Gateway then calls the alias
   * `live`, published with each deployment.
   * @default 0 - off: cold starts are paid by the requests that meet them
   */
  readonly provisionedConcurrency?: number;
}

/** A sanity ceiling: each environment is billed continuously; the account's concurrency caps it too. */
export const MAX_AUTHORIZER_PROVISIONED_CONCURRENCY = 100;

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
    const provisioned = validateProvisionedConcurrency(props.provisionedConcurrency ?? 0);
    // With provisioned concurrency API Gateway must call a published version: the alias `live`.
    const target: lambda.IFunction =
      provisioned > 0
        ? new lambda.Alias(this, 'Live', {
            aliasName: 'live',
            version: this.handler.function.currentVersion,
            provisionedConcurrentExecutions: provisioned,
          })
        : this.handler.function;

    const identitySources = [apigateway.IdentitySource.header('Authorization')];
    if (this.resultsCacheTtlSeconds > 0)
      identitySources.push(apigateway.IdentitySource.context('identity.sourceIp'));
    this.authorizer = new apigateway.RequestAuthorizer(this, 'Authorizer', {
      handler: target,
      identitySources,
      // Explicit even when 0: the construct's own default would be five minutes.
      resultsCacheTtl: Duration.seconds(this.resultsCacheTtlSeconds),
    });
  }
}

function validateProvisionedConcurrency(count: number): number {
  if (!Number.isInteger(count) || count < 0 || count > MAX_AUTHORIZER_PROVISIONED_CONCURRENCY) {
    throw new Error(
      `Authorizer provisioned concurrency must be a whole number from 0 to ${MAX_AUTHORIZER_PROVISIONED_CONCURRENCY}, got ${count}`,
    );
  }
  return count;
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
