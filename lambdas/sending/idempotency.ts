/**
 * `Idempotency-Key` for sends: the one engine (../http/idempotency.ts) configured so that a claim is
 * held by the email it sends. Claims live in the project's own partition (keys of two projects never
 * collide, no partition is shared across tenants), per calling API key (another key of the project
 * sending the same key sends its own email). A retry with the same key and body gets the first
 * email's id, with another body a 409.
 */
import {
  claimKey,
  completeClaim,
  type IdempotencyConfig,
  type IdempotencyStore,
  type KeyClaim,
  releaseClaim,
  requestHashOf,
  unlockClaim,
} from '../http/idempotency.js';
import type { AuthContext } from '../keys/auth-context.js';

export type { IdempotencyStore } from '../http/idempotency.js';

export interface Claim {
  readonly projectId: string;
  /** The calling API key's id. */
  readonly keyId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  /** The email this claim sends; for a batch, a token naming this attempt (see ./batch.ts). */
  readonly emailId: string;
}

/**
 * The claim a send (an email, a scheduled email or a batch) makes for its `Idempotency-Key`, held by
 * `emailId`; none without a key.
 */
export function claimOf(
  auth: Pick<AuthContext, 'projectId' | 'keyId'>,
  idempotencyKey: string | undefined,
  body: unknown,
  emailId: string,
): Claim | undefined {
  if (idempotencyKey === undefined) return undefined;
  return {
    projectId: auth.projectId,
    keyId: auth.keyId,
    idempotencyKey,
    requestHash: requestHashOf(body),
    emailId,
  };
}

/** What a completed send answers: its email, or a batch's emails' ids, in order. */
interface SendOutcome {
  readonly emailId: string;
  readonly emailIds?: readonly string[];
}

export type ClaimResult = { readonly claimed: true } | ({ readonly claimed: false } & SendOutcome);

/** Emails and batches share one set of claims (a batch's emails are claimed under derived keys). */
export const SEND_CLAIM_SCOPE = 'emails';

/** The email a claim sends holds it; a completed batch also stores its emails' ids. */
const SENDS: IdempotencyConfig<SendOutcome> = {
  ownerAttribute: 'emailId',
  stored: ({ emailIds }) => (emailIds ? { emailIds: [...emailIds] } : {}),
  replayed: ({ emailId, emailIds }) => ({
    emailId: String(emailId),
    ...(Array.isArray(emailIds) ? { emailIds: emailIds.map(String) } : {}),
  }),
};

const keyClaimOf = (request: Claim): KeyClaim => ({
  ...request,
  scope: SEND_CLAIM_SCOPE,
  owner: request.emailId,
});

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
  const claimed = await claimKey(store, SENDS, keyClaimOf(request), async (earlier) =>
    (await wasSent(earlier)) ? { emailId: earlier } : undefined,
  );
  return claimed.claimed ? claimed : { claimed: false, ...claimed.outcome };
}

/** Marks the claim done; a batch stores its emails' ids, which a replay answers. */
export async function complete(
  store: IdempotencyStore,
  request: Claim,
  emailIds?: readonly string[],
): Promise<void> {
  await completeClaim(store, SENDS, keyClaimOf(request), {
    emailId: request.emailId,
    ...(emailIds ? { emailIds } : {}),
  });
}

/**
 * Ends the claim's lock at once but keeps its request hash: the next request with the same key and
 * body takes it over (a batch resumes), another body is still a 409.
 */
export async function unlock(store: IdempotencyStore, request: Claim): Promise<void> {
  await unlockClaim(store, SENDS, keyClaimOf(request));
}

/** Gives the key back after a failed send, so the client can retry with the same key. */
export async function release(store: IdempotencyStore, request: Claim): Promise<void> {
  await releaseClaim(store, SENDS, keyClaimOf(request));
}
