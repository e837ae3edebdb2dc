/**
 * API Gateway's authorizer result cache, emulated for the local gateway. Deployed with a cache TTL,
 * the identity sources are the Authorization header and the source IP (lib/authorizer.ts), and API
 * Gateway reuses a cached policy for every method until the TTL ends, evaluating it against the
 * method called; the gateway already does that evaluation (local/policy-evaluator.ts) on whatever
 * decision it gets, so the cache only has to hand back the decision it kept.
 *
 * Only decisions are cached (Allow and Deny alike, as API Gateway caches the policy whatever its
 * effect). A thrown error is not: a 401 or an outage answers afresh on the next request.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerFunction } from './gateway.js';
import {
  dynamoStreamsClient,
  ensureKeysStream,
  type KeyStreamFlusher,
  startKeyStreamFlusher,
} from './key-stream-flusher.js';

export interface AuthorizerCache {
  /** The authorizer, with its decisions reused for `ttlSeconds` per identity. */
  readonly authorizer: AuthorizerFunction;
  /** Forgets every decision: FlushStageAuthorizersCache. */
  flush(): void;
  /** Decisions held now (expired ones included until they are next looked up). */
  size(): number;
}

export interface AuthorizerCacheOptions {
  readonly ttlSeconds: number;
  /** Milliseconds; the clock by default. */
  readonly now?: () => number;
}

/** Upper bound on entries, so that a client sending random keys cannot grow the local process forever. */
const MAX_ENTRIES = 10_000;

export function withAuthorizerCache(
  authorizer: AuthorizerFunction,
  options: AuthorizerCacheOptions,
): AuthorizerCache {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlSeconds * 1000;
  const entries = new Map<
    string,
    { readonly decision: APIGatewayAuthorizerResult; readonly expiresAt: number }
  >();
  const cached: AuthorizerFunction = async (event) => {
    if (ttlMs <= 0) return authorizer(event);
    const key = cacheKey(event);
    const hit = entries.get(key);
    if (hit && now() < hit.expiresAt) return hit.decision;
    entries.delete(key);
    const decision = await authorizer(event);
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, { decision, expiresAt: now() + ttlMs });
    return decision;
  };
  return { authorizer: cached, flush: () => entries.clear(), size: () => entries.size };
}

/**
 * The identity: every Authorization header value as sent (two headers are not one key: the
 * authorizer refuses them) and the source IP, exactly the deployed identity sources.
 */
export function cacheKey(event: APIGatewayRequestAuthorizerEvent): string {
  const headers = event.multiValueHeaders ?? {};
  const authorization = Object.entries(headers)
    .filter(([name]) => name.toLowerCase() === 'authorization')
    .flatMap(([, values]) => values ?? []);
  return JSON.stringify([authorization, event.requestContext.identity.sourceIp]);
}

export interface LocalAuthorizerCacheOptions extends AuthorizerCacheOptions {
  /**
   * Flush the cache whenever an ApiKeys item changes (the deployed `authorizerCacheFlush`): the
   * table's stream is turned on if needed and read from DynamoDB Local at `endpoint`.
   */
  readonly flushOnKeyChange?: {
    readonly dynamo: DynamoDBClient;
    readonly endpoint: string;
    readonly apiKeysTable: string;
    readonly onError?: (error: unknown) => void;
    /** @default 100 ms */
    readonly pollMs?: number;
  };
}

export interface LocalAuthorizerCache extends AuthorizerCache {
  /** Present when the cache is flushed on key changes. */
  readonly flusher: KeyStreamFlusher | undefined;
  stop(): Promise<void>;
}

/** The cache, and its flusher when asked for: what `npm start` and the tests put in front of the authorizer. */
export async function startLocalAuthorizerCache(
  authorizer: AuthorizerFunction,
  options: LocalAuthorizerCacheOptions,
): Promise<LocalAuthorizerCache> {
  const cache = withAuthorizerCache(authorizer, options);
  const flush = options.flushOnKeyChange;
  if (!flush) return { ...cache, flusher: undefined, stop: async () => undefined };
  if (options.ttlSeconds <= 0) throw new Error('flushing the authorizer cache needs a cache TTL above 0');
  const flusher = await startKeyStreamFlusher({
    streams: dynamoStreamsClient(flush.endpoint),
    streamArn: await ensureKeysStream(flush.dynamo, flush.apiKeysTable),
    onChange: cache.flush,
    onError: flush.onError,
    pollMs: flush.pollMs,
  });
  return { ...cache, flusher, stop: () => flusher.stop() };
}
