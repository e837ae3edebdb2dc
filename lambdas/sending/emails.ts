/**
 * Sending an email: check the sending domain (the key's and the project's verified ones), claim the Idempotency-Key, record the email
 * (`queued`), send it through SES, record the outcome. Nothing is lost and nothing is sent twice on
 * a retry: the record exists before SES is called; a send SES refuses is marked `failed` and frees
 * the key; once SES has accepted an email the request succeeds, whatever the bookkeeping after it does.
 */
import type { AuthContext } from '../keys/auth-context.js';
import { ApiError } from '../api/errors.js';
import { describeError } from '../keys/redaction.js';
import { newId } from '../shared/ids.js';
import { type Reservation, releaseSends, reserveSends } from '../shared/quota-store.js';
import type { EmailTracking } from '../domains/email-tracking.js';
import { coveringDomain, domainOfAddress, isOnDomain } from '../shared/sending-domains.js';
import { verifiedSendingDomains } from '../domains/domain-store.js';
import type { ComposedEmail } from './apply-template.js';
import { composeEmail } from './compose-email.js';
import { addressOf, type SendEmailInput } from './email-schema.js';
import {
  EMAIL_ID_PREFIX,
  type EmailRecord,
  type EmailStore,
  findEmail,
  markEmail,
  putEmail,
} from './email-store.js';
import { claim, claimOf, complete, type IdempotencyStore, release } from './idempotency.js';
import type { SendFunction } from './ses-sender.js';
import { type ScheduledSend, scheduledSendOf, schedulePreparedEmail } from './schedule.js';
import { eventItem } from '../shared/outbox.js';
import { withoutSuppressed } from '../suppressions/send-check.js';

export interface SendingDependencies extends EmailStore, IdempotencyStore {
  readonly send: SendFunction;
  readonly log?: { warn(message: string, ...extra: Record<string, unknown>[]): void };
}

export interface SendResult {
  readonly id: string;
  /** True when an earlier request with the same Idempotency-Key already sent this email. */
  readonly replayed: boolean;
}

export async function sendEmail(
  deps: SendingDependencies,
  auth: AuthContext,
  input: SendEmailInput,
  idempotencyKey?: string,
): Promise<SendResult> {
  return sendPreparedEmail(deps, auth, await prepareEmail(deps, auth, input), idempotencyKey);
}

/** A request that passed every check, with the email it composes (its template rendered). */
export interface PreparedEmail {
  /** What the client sent: the Idempotency-Key's request hash is of this (template reference included). */
  readonly input: SendEmailInput;
  readonly email: ComposedEmail;
  /** The open and click tracking of the verified domain `from` is on. */
  readonly tracking: EmailTracking;
  /** With `scheduled_at`: stored until then instead of sent (lambdas/sending/schedule.ts). */
  readonly scheduled?: ScheduledSend | undefined;
  /** The recipients dropped because the project suppresses them (lambdas/suppressions/send-check.ts). */
  readonly suppressed: readonly string[];
}

/**
 * Every check that can refuse an email before anything is stored or sent, and the rewriting of it
 * (rendering its template). The batch runs this for every email before it sends the first one, so a
 * step added here holds for single sends and batches alike.
 */
export async function prepareEmail(
  deps: SendingDependencies,
  auth: AuthContext,
  input: SendEmailInput,
  /** The project's suppressed addresses among the recipients, when the caller read them (a batch). */
  knownSuppressed?: ReadonlySet<string>,
): Promise<PreparedEmail> {
  const composed = await composeEmail(deps, auth.projectId, input);
  const tracking = await assertSendingDomain(deps, auth, composed.from);
  const { email, suppressed } = await withoutSuppressed(deps, auth.projectId, composed, knownSuppressed);
  const scheduled =
    input.scheduled_at === undefined ? undefined : scheduledSendOf(input.scheduled_at, email, deps.now());
  return { input, email, tracking, suppressed, scheduled };
}

/**
 * Sends an email that prepareEmail has passed. It counts against the team's monthly email cap
 * (lambdas/shared/quota-store.ts) unless its caller has already counted it (`quota: 'reserved'`, a
 * batch); a replay is not counted again, and an email SES never accepted is given back.
 */
export async function sendPreparedEmail(
  deps: SendingDependencies,
  auth: AuthContext,
  prepared: PreparedEmail,
  idempotencyKey?: string,
  quota: 'reserve' | 'reserved' = 'reserve',
): Promise<SendResult> {
  if (prepared.scheduled) {
    return schedulePreparedEmail(deps, auth, prepared, prepared.scheduled, idempotencyKey, quota);
  }
  const { input, email, tracking, suppressed } = prepared;
  const now = deps.now();
  const id = newId(EMAIL_ID_PREFIX, now);
  const request = claimOf(auth, idempotencyKey, input, id);
  if (request) {
    // SES accepted it exactly when it has a message id, whatever its events have made its status since.
    const wasSent = async (emailId: string) =>
      (await findEmail(deps, auth.projectId, emailId))?.sesMessageId !== undefined;
    const claimed = await claim(deps, request, wasSent);
    if (!claimed.claimed) return { id: claimed.emailId, replayed: true };
  }
  let reservation: Reservation | undefined;
  if (quota === 'reserve') {
    try {
      reservation = await reserveSends(deps, {
        teamId: auth.teamId,
        projectId: auth.projectId,
        channel: 'email',
        count: 1,
        now,
      });
    } catch (error) {
      if (request) await release(deps, request).catch(() => undefined);
      throw error;
    }
  }

  const record: EmailRecord = {
    id,
    projectId: auth.projectId,
    keyId: auth.keyId,
    from: email.from,
    to: email.to,
    cc: email.cc ?? [],
    bcc: email.bcc ?? [],
    replyTo: email.reply_to ?? [],
    subject: email.subject,
    tags: email.tags ?? [],
    suppressed,
    headers: email.headers ?? {},
    status: 'queued',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  let sesMessageId: string;
  try {
    // An email that dropped suppressed recipients is recorded with its email.suppressed event.
    await putEmail(
      deps,
      record,
      suppressed.length === 0
        ? []
        : [eventItem(auth.projectId, 'email.suppressed', { email_id: id, suppressed: [...suppressed] }, now)],
    );
    sesMessageId = await deps.send({
      ...record,
      html: email.html,
      text: email.text,
      headers: email.headers ?? {},
      attachments: email.attachments,
      tracking,
    });
  } catch (error) {
    await markFailed(deps, record, error);
    if (reservation) {
      await releaseSends(deps, reservation).catch((releaseError: unknown) =>
        deps.log?.warn('an unsent email stays counted against the monthly cap', {
          emailId: id,
          error: describeError(releaseError),
        }),
      );
    }
    if (request) await release(deps, request).catch(() => undefined);
    throw error;
  }
  // SES has accepted the email: a failure to record that must not fail the request (a retry would
  // send it again). It is logged; the record then stays `queued`.
  const warn = (what: string) => (error: unknown) =>
    deps.log?.warn(what, { emailId: id, error: describeError(error) });
  await markEmail(deps, record, { status: 'sent', sesMessageId, at: deps.now().toISOString() }).catch(
    warn('email sent but its record was not updated'),
  );
  if (request)
    await complete(deps, request).catch(warn('email sent but its idempotency key was not completed'));
  return { id, replayed: false };
}

/**
 * `from` must be on a domain the key allows (403, decided without a read) and on a verified domain of
 * the key's project (422), each the domain itself or a subdomain (lambdas/shared/sending-domains.ts).
 * Answers the tracking of the verified domain that covers `from` most closely (`mail.example.com`'s
 * own settings over `example.com`'s when both are verified).
 */
export async function assertSendingDomain(
  deps: Pick<SendingDependencies, 'documents' | 'dataTable'>,
  auth: AuthContext,
  from: string,
): Promise<EmailTracking> {
  const domain = domainOfAddress(addressOf(from) ?? '');
  if (auth.allowedDomains !== undefined && (!domain || !coveringDomain(domain, auth.allowedDomains))) {
    throw new ApiError('domain_not_allowed');
  }
  const covering = domain
    ? (await verifiedSendingDomains(deps, auth.projectId))
        .filter((verified) => isOnDomain(domain, verified.name))
        .sort((a, b) => b.name.length - a.name.length)[0]
    : undefined;
  if (!covering) {
    throw new ApiError('domain_not_verified', {
      message: `${domain ?? 'The from address'} is not on a verified domain of this project.`,
    });
  }
  return covering.tracking;
}

async function markFailed(deps: SendingDependencies, record: EmailRecord, error: unknown): Promise<void> {
  const failureReason = error instanceof ApiError ? error.code : 'internal_error';
  await markEmail(deps, record, { status: 'failed', failureReason, at: deps.now().toISOString() }).catch(
    () => undefined,
  );
}
