/**
 * `Idempotency-Key`: the header's rules, and the one engine that claims, replays, takes over,
 * completes and releases keys with conditional writes in the project's own partition
 * (`IDEMPOTENCY#<scope>#<calling key id>#<sha256 of the key>`, see `idempotencyRecordKey`, so keys
 * of two projects, two routes or two calling API keys never collide). A retry by the same API key
 * with the same key and request within 24 hours gets the first outcome again, another request is a
 * 409, a claim left unfinished past its lock is taken over.
 *
 * Two configurations of it (`IdempotencyConfig`): the handler frame's (./http.ts), for every route
 * whose contract says `idempotent: true`, which stores the answer without the contract's secret
 * fields and replays it with `Idempotent-Replayed: true`; and the email send's and batch's
 * (lambdas/sending/idempotency.ts), whose claim is tied to the email it sends.
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

/** A claim of one key by one attempt, for any user of the engine. */
export interface KeyClaim extends ClaimScope {
  readonly requestHash: string;
  /** Names this attempt: only the claim's holder completes, unlocks or releases it. */
  readonly owner: string;
}

/**
 * What one user of the engine keeps in its claims, the way Powertools' idempotency takes a
 * configuration: the attribute that names a claim's holder, what a completed claim stores and what a
 * replay answers from it. The frame keeps the route's answer (a request id holds the claim); the
 * email send keeps the email's id, which also holds the claim (lambdas/sending/idempotency.ts).
 */
export interface IdempotencyConfig<Outcome> {
  /** The attribute naming the attempt that holds the claim, written with every claim. */
  readonly ownerAttribute: string;
  /** The attributes a completed claim stores besides its status. */
  readonly stored: (outcome: Outcome) => Readonly<Record<string, unknown>>;
  /** What a completed record answers; undefined when it holds no answer (then it counts as unfinished). */
  readonly replayed: (record: Readonly<Record<string, unknown>>) => Outcome | undefined;
}

export type Claimed<Outcome> =
  { readonly claimed: true } | { readonly claimed: false; readonly outcome: Outcome };

/**
 * Asked before a claim whose lock ran out is taken over: the outcome of the earlier attempt when its
 * effect happened after all (SES accepted its email), which then completes the claim and is answered.
 */
export type Recover<Outcome> = (earlierOwner: string) => Promise<Outcome | undefined>;

/** A condition on the existing record; `:now` (epoch seconds) is always available to it. */
interface ClaimCondition {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, unknown>>;
}

const UNCLAIMED_OR_EXPIRED: ClaimCondition = {
  expression: 'attribute_not_exists(pk) OR #ttl < :now',
  names: { '#ttl': 'ttl' },
};

/**
 * Claims the key for this attempt, or answers the completed first attempt's outcome. The same key
 * with another request is a 409 `idempotency_conflict`; an unfinished claim within its lock is a 409
 * `idempotency_in_progress`; one left unfinished past its lock (the earlier attempt crashed) is taken
 * over, unless `recover` finds that its effect happened.
 */
export async function claimKey<Outcome>(
  store: IdempotencyStore,
  config: IdempotencyConfig<Outcome>,
  request: KeyClaim,
  recover?: Recover<Outcome>,
): Promise<Claimed<Outcome>> {
  const nowSeconds = Math.floor(store.now().getTime() / 1000);
  if (await putClaim(store, config, request, nowSeconds, UNCLAIMED_OR_EXPIRED)) return { claimed: true };
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: idempotencyRecordKey(request), ConsistentRead: true }),
  );
  // Released between the two calls: the other attempt failed and is being retried by its client.
  if (!Item) throw new ApiError('idempotency_in_progress');
  if (Item.requestHash !== request.requestHash) throw new ApiError('idempotency_conflict');
  const replay = Item.status === 'completed' ? config.replayed(Item) : undefined;
  if (replay !== undefined) return { claimed: false, outcome: replay };
  if (Number(Item.lockedUntil) >= nowSeconds) throw new ApiError('idempotency_in_progress');
  const earlier = String(Item[config.ownerAttribute]);
  const recovered = recover ? await recover(earlier) : undefined;
  if (recovered !== undefined) {
    await completeClaim(store, config, { ...request, owner: earlier }, recovered);
    return { claimed: false, outcome: recovered };
  }
  const takenOver = await putClaim(store, config, request, nowSeconds, {
    expression: '#owner = :earlier AND lockedUntil < :now',
    names: { '#owner': config.ownerAttribute },
    values: { ':earlier': earlier },
  });
  if (!takenOver) throw new ApiError('idempotency_in_progress');
  return { claimed: true };
}

async function putClaim<Outcome>(
  store: IdempotencyStore,
  config: IdempotencyConfig<Outcome>,
  request: KeyClaim,
  nowSeconds: number,
  condition: ClaimCondition,
): Promise<boolean> {
  try {
    await store.documents.send(
      new PutCommand({
        TableName: store.dataTable,
        Item: {
          ...idempotencyRecordKey(request),
          requestHash: request.requestHash,
          [config.ownerAttribute]: request.owner,
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

/** Marks the claim completed with what a replay answers; only its holder completes it. */
export async function completeClaim<Outcome>(
  store: IdempotencyStore,
  config: IdempotencyConfig<Outcome>,
  request: KeyClaim,
  outcome: Outcome,
): Promise<void> {
  const stored = Object.entries(config.stored(outcome));
  await store.documents.send(
    new UpdateCommand({
      TableName: store.dataTable,
      Key: idempotencyRecordKey(request),
      UpdateExpression: `SET #status = :completed${stored.map((_, i) => `, #stored${i} = :stored${i}`).join('')} REMOVE lockedUntil`,
      // A claim taken over belongs to another attempt.
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#owner': config.ownerAttribute,
        ...Object.fromEntries(stored.map(([name], i) => [`#stored${i}`, name])),
      },
      ExpressionAttributeValues: {
        ':completed': 'completed',
        ':owner': request.owner,
        ...Object.fromEntries(stored.map(([, value], i) => [`:stored${i}`, value])),
      },
    }),
  );
}

/**
 * Ends the claim's lock at once but keeps its request hash: the next request with the same key and
 * request takes it over (a batch resumes), another request is still a 409.
 */
export async function unlockClaim<Outcome>(
  store: IdempotencyStore,
  config: IdempotencyConfig<Outcome>,
  request: KeyClaim,
): Promise<void> {
  await store.documents.send(
    new UpdateCommand({
      TableName: store.dataTable,
      Key: idempotencyRecordKey(request),
      UpdateExpression: 'SET lockedUntil = :unlocked',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': config.ownerAttribute },
      ExpressionAttributeValues: { ':unlocked': 0, ':owner': request.owner },
    }),
  );
}

/** Gives the key back after the attempt failed, so the client can fix the request and retry. */
export async function releaseClaim<Outcome>(
  store: IdempotencyStore,
  config: IdempotencyConfig<Outcome>,
  request: KeyClaim,
): Promise<void> {
  try {
    await store.documents.send(
      new DeleteCommand({
        TableName: store.dataTable,
        Key: idempotencyRecordKey(request),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': config.ownerAttribute },
        ExpressionAttributeValues: { ':owner': request.owner },
      }),
    );
  } catch (error) {
    // Taken over by another attempt: the key is no longer this attempt's to give back.
    if (!isConditionalCheckFailure(error)) throw error;
  }
}

/** What the frame keeps of an idempotent route's call: the answer a replay gives. */
export interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The frame's configuration of the engine: the request id holds the claim, and the answer is stored
 * gzipped, so that a large one (a template) stays within an item's 400 KB.
 */
const ROUTE_ANSWERS: IdempotencyConfig<RouteAnswer> = {
  ownerAttribute: 'claimedBy',
  stored: ({ status, body }) => ({ responseStatus: status, response: gzipSync(JSON.stringify(body)) }),
  replayed: ({ response, responseStatus }) =>
    response instanceof Uint8Array
      ? { status: Number(responseStatus), body: JSON.parse(gunzipSync(response).toString('utf8')) as unknown }
      : undefined,
};

export interface RouteClaim {
  readonly projectId: string;
  readonly routeId: string;
  readonly keyId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  /** Names this attempt (the request id): only the claim's owner completes or releases it. */
  readonly owner: string;
}

export type RouteClaimResult = { readonly claimed: true } | ({ readonly claimed: false } & RouteAnswer);

const keyClaimOf = (request: RouteClaim): KeyClaim => ({ ...request, scope: request.routeId });

/** Claims the key for this request, or answers the completed first request's status and body. */
export async function claimRoute(store: IdempotencyStore, request: RouteClaim): Promise<RouteClaimResult> {
  const claimed = await claimKey(store, ROUTE_ANSWERS, keyClaimOf(request));
  return claimed.claimed ? claimed : { claimed: false, ...claimed.outcome };
}

/** Stores the answer a replay gives (the frame strips secrets first: `replayAnswerOf`). */
export async function completeRoute(
  store: IdempotencyStore,
  request: RouteClaim,
  status: number,
  body: unknown,
): Promise<void> {
  await completeClaim(store, ROUTE_ANSWERS, keyClaimOf(request), { status, body });
}

/** Gives the key back after the handler failed, so the client can fix the request and retry. */
export async function releaseRoute(store: IdempotencyStore, request: RouteClaim): Promise<void> {
  await releaseClaim(store, ROUTE_ANSWERS, keyClaimOf(request));
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
