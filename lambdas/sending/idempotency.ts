/**
 * `Idempotency-Key` for sends, as a conditional write in the project's own partition (so keys of two
 * projects never collide and no partition is shared across tenants), per calling API key (another
 * key of the project sending the same key sends its own email). A claim is held while the email is
 * sent; a retry with the same key and body gets the first email's id, with another body a 409.
 */

import type { Documents } from '../aws/aws-clients.js';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { ApiError } from '../api/errors.js';
import {
  IDEMPOTENCY_TTL_SECONDS,
  idempotencyRecordKey,
  IN_PROGRESS_LOCK_SECONDS,
} from '../http/idempotency.js';

// The rules every idempotent route shares: the TTL, the in-progress lock and the request hash.
export { IDEMPOTENCY_TTL_SECONDS, IN_PROGRESS_LOCK_SECONDS, requestHashOf } from '../http/idempotency.js';

export interface IdempotencyStore {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly now: () => Date;
}

export interface Claim {
  readonly projectId: string;
  /** The calling API key's id. */
  readonly keyId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  /** The email this claim sends; for a batch, a token naming this attempt (see ./batch.ts). */
  readonly emailId: string;
}

export type ClaimResult =
  | { readonly claimed: true }
  | {
      readonly claimed: false;
      readonly emailId: string;
      /** A completed batch's answer: its emails' ids, in order. */
      readonly emailIds?: readonly string[];
    };

/** Emails and batches share one set of claims (a batch's emails are claimed under derived keys). */
export const SEND_CLAIM_SCOPE = 'emails';

const keyOf = (request: Claim) => idempotencyRecordKey({ ...request, scope: SEND_CLAIM_SCOPE });

/**
 * Claims the key for this request. A claim left `in_progress` past its lock (the earlier attempt
 * crashed, or could not record its outcome) is taken over only if `wasSent` says the earlier email
 * did not go out; if it did, that email is the answer and nothing is sent again.
 */
export async function claim(
  store: IdempotencyStore,
  request: Claim,
  wasSent: (emailId: string) => Promise<boolean>,
): Promise<ClaimResult> {
  const nowSeconds = Math.floor(store.now().getTime() / 1000);
  const unclaimedOrExpired = {
    expression: 'attribute_not_exists(pk) OR #ttl < :now',
    names: { '#ttl': 'ttl' },
  };
  if (await putClaim(store, request, nowSeconds, unclaimedOrExpired)) return { claimed: true };
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: keyOf(request), ConsistentRead: true }),
  );
  if (!Item) throw new ApiError('idempotency_in_progress');
  if (Item.requestHash !== request.requestHash) throw new ApiError('idempotency_conflict');
  const earlier = String(Item.emailId);
  if (Item.status === 'completed') {
    const emailIds = Array.isArray(Item.emailIds) ? Item.emailIds.map(String) : undefined;
    return { claimed: false, emailId: earlier, ...(emailIds ? { emailIds } : {}) };
  }
  if (Number(Item.lockedUntil) >= nowSeconds) throw new ApiError('idempotency_in_progress');
  if (await wasSent(earlier)) {
    await complete(store, { ...request, emailId: earlier });
    return { claimed: false, emailId: earlier };
  }
  const takenOver = await putClaim(store, request, nowSeconds, {
    expression: 'emailId = :earlier AND lockedUntil < :now',
    values: { ':earlier': earlier },
  });
  if (!takenOver) throw new ApiError('idempotency_in_progress');
  return { claimed: true };
}

/** A condition on the existing record; `:now` (epoch seconds) is always available to it. */
interface ClaimCondition {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

async function putClaim(
  store: IdempotencyStore,
  request: Claim,
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
          emailId: request.emailId,
          status: 'in_progress',
          lockedUntil: nowSeconds + IN_PROGRESS_LOCK_SECONDS,
          ttl: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: condition.expression,
        ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
        ExpressionAttributeValues: { ':now': nowSeconds, ...condition.values },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

/** Marks the claim done; a batch stores its emails' ids, which a replay answers. */
export async function complete(
  store: IdempotencyStore,
  request: Claim,
  emailIds?: readonly string[],
): Promise<void> {
  await store.documents.send(
    new UpdateCommand({
      TableName: store.dataTable,
      Key: keyOf(request),
      UpdateExpression: `SET #status = :completed${emailIds ? ', emailIds = :emailIds' : ''} REMOVE lockedUntil`,
      // Only the claim's owner completes it: a claim taken over belongs to another email.
      ConditionExpression: 'emailId = :emailId',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':completed': 'completed',
        ':emailId': request.emailId,
        ...(emailIds ? { ':emailIds': [...emailIds] } : {}),
      },
    }),
  );
}

/**
 * Ends the claim's lock at once but keeps its request hash: the next request with the same key and
 * body takes it over (a batch resumes), another body is still a 409.
 */
export async function unlock(store: IdempotencyStore, request: Claim): Promise<void> {
  await store.documents.send(
    new UpdateCommand({
      TableName: store.dataTable,
      Key: keyOf(request),
      UpdateExpression: 'SET lockedUntil = :unlocked',
      ConditionExpression: 'emailId = :emailId',
      ExpressionAttributeValues: { ':unlocked': 0, ':emailId': request.emailId },
    }),
  );
}

/** Gives the key back after a failed send, so the client can retry with the same key. */
export async function release(store: IdempotencyStore, request: Claim): Promise<void> {
  await store.documents.send(
    new DeleteCommand({
      TableName: store.dataTable,
      Key: keyOf(request),
      ConditionExpression: 'emailId = :emailId',
      ExpressionAttributeValues: { ':emailId': request.emailId },
    }),
  );
}
