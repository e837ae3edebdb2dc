/**
 * `Idempotency-Key` for every route whose contract says `idempotent: true`, applied by the handler
 * frame (./http.ts): the key is claimed with a conditional write in the project's own partition
 * (`IDEMPOTENCY#<route id>#<calling key id>#<sha256 of the key>`, see `idempotencyRecordKey`, so
 * keys of two projects, two routes or two calling API keys never collide), the handler runs, and its
 * answer is stored without the contract's secret fields; a retry by the same API key with the same
 * key and body within 24 hours gets that answer again without the handler running (with
 * `Idempotent-Replayed: true`), another body is a 409.
 *
 * Emails and batches claim their keys themselves (lambdas/sending/idempotency.ts), because a send's
 * claim is tied to the email it sends; the header's rules, the record key and the request hash are
 * shared.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Documents } from '../aws/aws-clients.js';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { RouteContract } from '../api/contract.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { ApiError, type ErrorCode } from '../api/errors.js';
import { withMeta } from '../api/schema-meta.js';
import { projectPartition } from '../aws/tables.js';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** How long an unfinished claim blocks retries before it may be taken over (a crashed request). */
export const IN_PROGRESS_LOCK_SECONDS = 60;

/** The request's headers (names lower-cased); errors name the header. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': withMeta(
    z.optional(
      z
        .string()
        .check(
          z.regex(/^[\x21-\x7e]{1,256}$/, 'must be 1 to 256 printable ASCII characters, without spaces'),
        ),
    ),
    { description: 'Makes retries safe: the same key and body within 24 hours answer the first result.' },
  ),
});

/** What an idempotent route can answer besides its own errors. */
export const IDEMPOTENCY_ERRORS: readonly ErrorCode[] = ['idempotency_conflict', 'idempotency_in_progress'];

const headersByContract = new WeakMap<RouteContract, z.ZodMiniObject>();

/** The headers a route reads: its contract's, plus `idempotency-key` when it is idempotent. */
export function requestHeadersOf(contract: RouteContract): z.ZodMiniObject | undefined {
  if (!contract.idempotent) return contract.headers;
  let headers = headersByContract.get(contract);
  if (!headers) {
    headers = contract.headers
      ? z.extend(contract.headers, idempotencyHeadersSchema.shape)
      : idempotencyHeadersSchema;
    headersByContract.set(contract, headers);
  }
  return headers;
}

export interface IdempotencyStore {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly now: () => Date;
}

/** Every idempotency record's sort key starts so (the clean-up of old records looks for it). */
export const IDEMPOTENCY_PREFIX = 'IDEMPOTENCY#';

/** Names the answer of a replay, Stripe-style: the handler did not run again. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** What a claim is scoped to: one project, one route (or group of routes), one calling API key. */
export interface ClaimScope {
  readonly projectId: string;
  /** A route id, or a name shared by routes that share claims (the email sends). */
  readonly scope: string;
  /** The calling API key's id: another key of the project never shares, nor sees, its claims. */
  readonly keyId: string;
  readonly idempotencyKey: string;
}

/**
 * The one derivation of an idempotency record's key, for both engines. The client's key is hashed
 * (it may hold anything printable); the calling key id is public, so it stays readable.
 */
export function idempotencyRecordKey(claim: ClaimScope): { readonly pk: string; readonly sk: string } {
  const hashed = createHash('sha256').update(claim.idempotencyKey).digest('hex');
  return {
    pk: projectPartition(claim.projectId),
    sk: `${IDEMPOTENCY_PREFIX}${claim.scope}#${claim.keyId}#${hashed}`,
  };
}

export interface RouteClaim {
  readonly projectId: string;
  readonly routeId: string;
  readonly keyId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  /** Names this attempt (the request id): only the claim's owner completes or releases it. */
  readonly owner: string;
}

export type RouteClaimResult =
  { readonly claimed: true } | { readonly claimed: false; readonly status: number; readonly body: unknown };

const keyOf = (request: RouteClaim) => idempotencyRecordKey({ ...request, scope: request.routeId });

/**
 * Claims the key for this request, or answers the completed first request's status and body. A
 * claim left unfinished past its lock (the earlier attempt crashed) is taken over.
 */
export async function claimRoute(store: IdempotencyStore, request: RouteClaim): Promise<RouteClaimResult> {
  const nowSeconds = Math.floor(store.now().getTime() / 1000);
  const unclaimedOrExpired = {
    expression: 'attribute_not_exists(pk) OR #ttl < :now',
    names: { '#ttl': 'ttl' },
  };
  if (await putClaim(store, request, nowSeconds, unclaimedOrExpired)) return { claimed: true };
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: keyOf(request), ConsistentRead: true }),
  );
  // Released between the two calls: the other attempt failed and is being retried by its client.
  if (!Item) throw new ApiError('idempotency_in_progress');
  if (Item.requestHash !== request.requestHash) throw new ApiError('idempotency_conflict');
  if (Item.status === 'completed' && Item.response instanceof Uint8Array) {
    const body = JSON.parse(gunzipSync(Item.response).toString('utf8')) as unknown;
    return { claimed: false, status: Number(Item.responseStatus), body };
  }
  if (Number(Item.lockedUntil) >= nowSeconds) throw new ApiError('idempotency_in_progress');
  const takenOver = await putClaim(store, request, nowSeconds, {
    expression: '#claimedBy = :earlier AND lockedUntil < :now',
    names: { '#claimedBy': 'claimedBy' },
    values: { ':earlier': Item.claimedBy },
  });
  if (!takenOver) throw new ApiError('idempotency_in_progress');
  return { claimed: true };
}

interface ClaimCondition {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

async function putClaim(
  store: IdempotencyStore,
  request: RouteClaim,
  nowSeconds: number,
  condition: ClaimCondition,
): Promise<boolean> {
  try {
    await store.documents.send(
      new PutCommand({
        TableName: store.dataTable,
        Item: {
          ...keyOf(request),
          requestHash: request.requestHash,
          claimedBy: request.owner,
          status: 'in_progress',
          lockedUntil: nowSeconds + IN_PROGRESS_LOCK_SECONDS,
          ttl: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: condition.names,
        ExpressionAttributeValues: { ':now': nowSeconds, ...condition.values },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

/**
 * Stores the answer a replay gives (the frame strips secrets first: `replayAnswerOf`): in the
 * project's own partition, gzipped so that a large answer (a template) stays within an item's 400 KB.
 */
export async function completeRoute(
  store: IdempotencyStore,
  request: RouteClaim,
  status: number,
  body: unknown,
): Promise<void> {
  await store.documents.send(
    new UpdateCommand({
      TableName: store.dataTable,
      Key: keyOf(request),
      UpdateExpression:
        'SET #status = :completed, responseStatus = :responseStatus, #response = :response REMOVE lockedUntil',
      ConditionExpression: 'claimedBy = :owner',
      ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
      ExpressionAttributeValues: {
        ':completed': 'completed',
        ':responseStatus': status,
        ':response': gzipSync(JSON.stringify(body)),
        ':owner': request.owner,
      },
    }),
  );
}

/** Gives the key back after the handler failed, so the client can fix the request and retry. */
export async function releaseRoute(store: IdempotencyStore, request: RouteClaim): Promise<void> {
  try {
    await store.documents.send(
      new DeleteCommand({
        TableName: store.dataTable,
        Key: keyOf(request),
        ConditionExpression: 'claimedBy = :owner',
        ExpressionAttributeValues: { ':owner': request.owner },
      }),
    );
  } catch (error) {
    // Taken over by another attempt: the key is no longer this request's to give back.
    if (!isConditionalCheckFailure(error)) throw error;
  }
}

/**
 * What a replay answers: the body without the contract's secret fields (a secret is shown once, in
 * the answer that made it, and is never stored) and the contract's replay status.
 */
export function replayAnswerOf(
  contract: Pick<RouteContract, 'response' | 'replayStatus'>,
  body: unknown,
): { readonly status: number; readonly body: unknown } {
  const status = contract.replayStatus ?? contract.response.status;
  const secrets = contract.response.secretFields ?? [];
  if (secrets.length === 0 || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { status, body };
  }
  return {
    status,
    body: Object.fromEntries(Object.entries(body).filter(([name]) => !secrets.includes(name))),
  };
}

/** A stable hash of the validated request, independent of JSON key order. */
export function requestHashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, entry]) => `${JSON.stringify(name)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
