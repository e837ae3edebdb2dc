/**
 * `POST /v1/emails/batch`: up to 100 emails, all validated (by the contract) and prepared (domain
 * checks, and whatever prepareEmail adds) before the first is sent; then sent in order, one at a time.
 *
 * Idempotent as a whole: the batch claims its Idempotency-Key with the hash of the whole body, and
 * each email is sent under a key derived from it and its position. So a replay answers the same ids
 * without sending, another body is a 409, and a retry after a batch that stopped part-way (SES refused
 * email k, or the time budget ran out) sends only what was not sent yet — the emails before k are
 * answered from their records, not sent again.
 *
 * A batch that stops part-way answers the error of the email that stopped it, its message naming that
 * email's position, with `data` listing the emails already sent (docs/decisions/0008-attachments-display-names-batches.md).
 */
import type { AuthContext } from '../keys/auth-context.js';
import { ApiError } from '../api/errors.js';
import { describeError } from '../keys/redaction.js';
import { newId } from '../shared/ids.js';
import { type Reservation, releaseSends, reserveSends } from '../shared/quota-store.js';
import { isUpstreamUnavailable } from '../aws/upstream-errors.js';
import type { SendEmailInput } from './email-schema.js';
import { type PreparedEmail, prepareEmail, type SendingDependencies, sendPreparedEmail } from './emails.js';
import { claim, claimOf, complete, unlock } from './idempotency.js';
import { suppressedRecipients } from '../suppressions/send-check.js';

/**
 * No email is started after this long, so the answer (success or a resumable stop) reaches the
 * client inside API Gateway's 29-second limit: one SES call is bounded at 4 s and the sending Lambda
 * may run 28 s.
 */
export const BATCH_SENDING_BUDGET_MS = 20_000;

/**
 * The ids of the batch's emails, in the order given. `onReplayed` is told when they are a completed
 * earlier batch's (same Idempotency-Key and body), sent nothing now.
 */
export async function sendEmailBatch(
  deps: SendingDependencies,
  auth: AuthContext,
  inputs: readonly SendEmailInput[],
  idempotencyKey?: string,
  onReplayed?: () => void,
): Promise<readonly string[]> {
  const items = inputs.map((input) => ({ input }));
  return (await sendBatch(deps, auth, items, 'strict', inputs, idempotencyKey, onReplayed)).ids;
}

/** One email of a permissive batch: its request, or why it was refused before any check ran. */
export type BatchItem = { readonly input: SendEmailInput } | { readonly refused: string };

/** An email of a permissive batch that was not sent: its position in the batch, and why. */
export interface BatchItemError {
  readonly index: number;
  readonly message: string;
}

export interface PermissiveBatchOutcome {
  /** The ids of the emails sent (or scheduled), in the order given. */
  readonly ids: readonly string[];
  /** The emails refused, by position: each by its first failed check, with its message. */
  readonly errors: readonly BatchItemError[];
}

/**
 * Resend's permissive batch (`x-batch-validation: permissive`): every email is checked exactly as a
 * strict batch checks it, and an email that fails a check is reported by its position instead of
 * refusing the whole batch; the others are sent as a strict batch sends them. Its Idempotency-Key
 * claim covers the body and which emails passed, so a retry whose verdicts changed (a domain verified
 * in between) is a 409, never an answer that does not match what was sent.
 */
export async function sendPermissiveEmailBatch(
  deps: SendingDependencies,
  auth: AuthContext,
  /** The batch as sent (what its Idempotency-Key claim covers), and each email of it as read. */
  batch: { readonly body: unknown; readonly items: readonly BatchItem[] },
  idempotencyKey?: string,
  onReplayed?: () => void,
): Promise<PermissiveBatchOutcome> {
  return sendBatch(deps, auth, batch.items, 'permissive', batch.body, idempotencyKey, onReplayed);
}

/**
 * Every check of every email of a batch (prepareEmail's), nothing stored or sent: a strict batch
 * stops at the first refused email (its error naming the position), a permissive one lists it.
 */
async function prepareBatchItems(
  deps: SendingDependencies,
  auth: AuthContext,
  items: readonly BatchItem[],
  validation: 'strict' | 'permissive',
): Promise<{
  prepared: { readonly index: number; readonly email: PreparedEmail }[];
  errors: BatchItemError[];
}> {
  const prepared: { readonly index: number; readonly email: PreparedEmail }[] = [];
  const errors: BatchItemError[] = [];
  const inputs = items.flatMap((item) => ('input' in item ? [item.input] : []));
  // One read of every recipient's suppression for the whole batch, not one per email.
  const suppressed = await suppressedRecipients(deps, auth.projectId, inputs);
  for (const [index, item] of items.entries()) {
    if (!('input' in item)) {
      errors.push({ index, message: item.refused });
      continue;
    }
    try {
      prepared.push({ index, email: await prepareEmail(deps, auth, item.input, suppressed) });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (validation === 'strict') throw atPosition(error, index, `Email ${index}`);
      errors.push({ index, message: error.message });
    }
  }
  return { prepared, errors };
}

/**
 * Every check of every email of a strict batch, nothing stored or sent: all that SendGrid's sandbox
 * mode runs (lambdas/sending/sendgrid-adapter.ts).
 */
export async function prepareEmailBatch(
  deps: SendingDependencies,
  auth: AuthContext,
  inputs: readonly SendEmailInput[],
): Promise<PreparedEmail[]> {
  const { prepared } = await prepareBatchItems(
    deps,
    auth,
    inputs.map((input) => ({ input })),
    'strict',
  );
  return prepared.map(({ email }) => email);
}

async function sendBatch(
  deps: SendingDependencies,
  auth: AuthContext,
  items: readonly BatchItem[],
  validation: 'strict' | 'permissive',
  claimedBody: unknown,
  idempotencyKey: string | undefined,
  onReplayed: (() => void) | undefined,
): Promise<PermissiveBatchOutcome> {
  const { prepared, errors } = await prepareBatchItems(deps, auth, items, validation);
  const started = deps.now().getTime();
  // A strict batch's claim is the body's (shared with /v1's batch); a permissive one's also names
  // which emails passed, and cannot be taken for a strict one's.
  const claimedRequest =
    validation === 'strict'
      ? claimedBody
      : { permissive: claimedBody, accepted: prepared.map(({ index }) => index) };
  const request = claimOf(auth, idempotencyKey, claimedRequest, newId('batch', deps.now()));
  if (request) {
    // A claim left by a batch that stopped or crashed is always taken over: its emails' own keys
    // keep the sent ones from going out twice.
    const claimed = await claim(deps, request, async () => false);
    if (!claimed.claimed) {
      if (claimed.emailIds) {
        onReplayed?.();
        return { ids: claimed.emailIds, errors };
      }
      throw new ApiError('idempotency_conflict');
    }
  }
  // A permissive batch with every email refused sends nothing, and still holds its key: a retry of
  // it once the verdicts changed is a 409, as for any other outcome.
  if (prepared.length === 0) {
    if (request) await complete(deps, request, []);
    return { ids: [], errors };
  }

  // The whole batch counts against the monthly cap at once, or none of it is sent (429).
  let reservation: Reservation;
  try {
    reservation = await reserveSends(deps, {
      teamId: auth.teamId,
      projectId: auth.projectId,
      channel: 'email',
      count: prepared.length,
      now: deps.now(),
    });
  } catch (error) {
    if (request) await unlock(deps, request).catch(() => undefined);
    throw error;
  }

  const ids: string[] = [];
  let newlySent = 0;
  // Whatever was reserved and not newly sent (replayed from an earlier attempt, refused, never
  // started) is given back, on success and on a stop alike.
  const giveBackUnsent = () =>
    releaseSends(deps, reservation, prepared.length - newlySent).catch((error: unknown) =>
      deps.log?.warn('unsent batch emails stay counted against the monthly cap', {
        error: describeError(error),
      }),
    );
  for (const [position, { index, email }] of prepared.entries()) {
    try {
      if (position > 0 && deps.now().getTime() - started > BATCH_SENDING_BUDGET_MS) {
        throw new ApiError('upstream_unavailable', {
          message: 'The batch ran out of time before this email was sent.',
        });
      }
      // Keyed by the email's position in the batch as sent, which a retry of the same body keeps.
      const emailKey = idempotencyKey === undefined ? undefined : emailKeyOf(idempotencyKey, index);
      const sent = await sendPreparedEmail(deps, auth, email, emailKey, 'reserved');
      ids.push(sent.id);
      if (!sent.replayed) newlySent++;
    } catch (error) {
      await giveBackUnsent();
      if (request) await unlock(deps, request).catch(() => undefined);
      throw stoppedAt(deps, error, index, items.length, ids, idempotencyKey !== undefined);
    }
  }
  await giveBackUnsent();
  if (request) {
    await complete(deps, request, ids).catch((error: unknown) =>
      deps.log?.warn('batch sent but its idempotency key was not completed', {
        error: describeError(error),
      }),
    );
  }
  return { ids, errors };
}

/**
 * The key one email of a batch is sent under. It holds spaces, which a client's Idempotency-Key
 * cannot, so it never collides with a key a client sends.
 */
export function emailKeyOf(batchKey: string, index: number): string {
  return `batch ${index} ${batchKey}`;
}

function stoppedAt(
  deps: SendingDependencies,
  error: unknown,
  index: number,
  total: number,
  sent: readonly string[],
  resumable: boolean,
): ApiError {
  const cause =
    error instanceof ApiError
      ? error
      : new ApiError(isUpstreamUnavailable(error) ? 'upstream_unavailable' : 'internal_error');
  if (!(error instanceof ApiError)) {
    deps.log?.warn('batch email failed', { index, error: describeError(error) });
  }
  const before =
    sent.length === 0
      ? 'No email of the batch was sent.'
      : `Emails 0 to ${sent.length - 1} of ${total} were sent (their ids are in data).`;
  const retry = resumable
    ? ' Retry with the same Idempotency-Key to send the rest; the emails already sent are not sent again.'
    : '';
  const stopped = atPosition(cause, index, `Email ${index} of ${total} was not sent`);
  return new ApiError(stopped.code, {
    message: `${stopped.message} ${before}${retry}`,
    data: sent.map((id) => ({ id })),
  });
}

/** The same error, its message led by which email it is about. */
function atPosition(error: ApiError, index: number, lead: string): ApiError {
  return new ApiError(error.code, {
    message: `${lead}: ${error.message}`,
    ...(error.requiredScope ? { requiredScope: error.requiredScope } : {}),
    ...(error.errors
      ? {
          errors: error.errors.map((fieldError) => ({
            ...fieldError,
            path: fieldError.path === '' ? String(index) : `${index}.${fieldError.path}`,
          })),
        }
      : {}),
  });
}
