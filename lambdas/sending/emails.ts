/**
 * Sending an email: check the key's sending domains, claim the Idempotency-Key, record the email
 * (`queued`), send it through SES, record the outcome. Nothing is lost and nothing is sent twice on
 * a retry: the record exists before SES is called; a send SES refuses is marked `failed` and frees
 * the key; once SES has accepted an email the request succeeds, whatever the bookkeeping after it does.
 */
import type { AuthContext } from '../core/auth-context.js';
import { ApiError, describeError } from '../core/errors.js';
import { newId } from '../core/ids.js';
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
import { type Claim, claim, complete, type IdempotencyStore, release, requestHashOf } from './idempotency.js';
import type { SendFunction } from './ses-sender.js';

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
  // Before the Idempotency-Key is claimed, like every other check of the request. The request hash
  // below is of the input, template reference and variables included, not of the rendered email.
  const email = await composeEmail(deps, auth.projectId, input);
  assertDomainAllowed(auth, email.from);
  const now = deps.now();
  const id = newId(EMAIL_ID_PREFIX, now);
  const request: Claim | undefined = idempotencyKey
    ? { projectId: auth.projectId, idempotencyKey, requestHash: requestHashOf(input), emailId: id }
    : undefined;
  if (request) {
    const wasSent = async (emailId: string) =>
      (await findEmail(deps, auth.projectId, emailId))?.status === 'sent';
    const claimed = await claim(deps, request, wasSent);
    if (!claimed.claimed) return { id: claimed.emailId, replayed: true };
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
    status: 'queued',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  let sesMessageId: string;
  try {
    await putEmail(deps, record);
    sesMessageId = await deps.send({
      ...record,
      html: email.html,
      text: email.text,
      headers: email.headers ?? {},
    });
  } catch (error) {
    await markFailed(deps, record, error);
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

function assertDomainAllowed(auth: AuthContext, from: string): void {
  if (auth.allowedDomains === undefined) return;
  const domain = addressOf(from)?.split('@')[1]?.toLowerCase();
  if (!domain || !auth.allowedDomains.includes(domain)) throw new ApiError('domain_not_allowed');
}

async function markFailed(deps: SendingDependencies, record: EmailRecord, error: unknown): Promise<void> {
  const failureReason = error instanceof ApiError ? error.code : 'internal_error';
  await markEmail(deps, record, { status: 'failed', failureReason, at: deps.now().toISOString() }).catch(
    () => undefined,
  );
}
