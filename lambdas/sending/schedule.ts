/**
 * The API side of scheduled emails: a send with `scheduled_at` is prepared exactly like an
 * immediate one (lambdas/sending/emails.ts `prepareEmail`: template, domain, key's domains), then
 * stored instead of sent; PATCH moves it and cancel cancels it, each only while `scheduled`.
 */
import type { AuthContext } from '../keys/auth-context.js';
import { ApiError } from '../api/errors.js';
import { describeError } from '../keys/redaction.js';
import { newId } from '../shared/ids.js';
import { monthOf } from '../shared/quota.js';
import { releaseSends, reserveSends } from '../shared/quota-store.js';
import type { ComposedEmail } from './apply-template.js';
import { EMAIL_ID_PREFIX, type EmailRecord, findEmail, getEmail } from './email-store.js';
import type { PreparedEmail, SendingDependencies, SendResult } from './emails.js';
import { claim, claimOf, complete, release } from './idempotency.js';
import { parseScheduledAt } from '../shared/scheduled-at.js';
import { mayChange } from './scheduled-state.js';
import {
  cancelScheduledEmail,
  MAX_STORED_CONTENT_BYTES,
  moveScheduledEmail,
  packContent,
  type QuotaCharge,
  putScheduledEmail,
  readScheduledContent,
} from './scheduled-store.js';

/** A send that is to be stored until `at`, with its content packed (its size already checked). */
export interface ScheduledSend {
  readonly at: Date;
  readonly packed: Uint8Array;
}

/** `scheduled_at` resolved and bounded, and the content packed: 400 naming `scheduled_at` if not. */
export function scheduledSendOf(text: string, email: ComposedEmail, now: Date): ScheduledSend {
  const at = resolveScheduledAt(text, now);
  const packed = packContent({
    html: email.html,
    text: email.text,
    headers: email.headers ?? {},
    attachments: email.attachments,
  });
  if (packed.byteLength > MAX_STORED_CONTENT_BYTES) {
    throw invalidScheduledAt(
      `A scheduled email's content (bodies and attachments) must fit in ${MAX_STORED_CONTENT_BYTES} bytes compressed; this one takes ${packed.byteLength}. Send it now, or schedule it without the large attachments.`,
    );
  }
  return { at, packed };
}

function resolveScheduledAt(text: string, now: Date): Date {
  const reading = parseScheduledAt(text, now);
  if (!reading.ok) throw invalidScheduledAt(reading.message);
  return reading.at;
}

function invalidScheduledAt(message: string): ApiError {
  return new ApiError('validation_error', { message, errors: [{ path: 'scheduled_at', message }] });
}

/**
 * Stores a prepared email as `scheduled` (with its `email.scheduled` event) under the same
 * Idempotency-Key rules as a send: a replay answers the first id, another body is a 409. It counts
 * against the monthly cap now (given back if it is canceled), unless its batch already counted it.
 */
export async function schedulePreparedEmail(
  deps: SendingDependencies,
  auth: AuthContext,
  { input, email }: PreparedEmail,
  scheduled: ScheduledSend,
  idempotencyKey: string | undefined,
  quota: 'reserve' | 'reserved',
): Promise<SendResult> {
  const now = deps.now();
  const id = newId(EMAIL_ID_PREFIX, now);
  const request = claimOf(auth, idempotencyKey, input, id);
  if (request) {
    // A scheduled email "went out" once its record exists: the scheduling is the effect.
    const wasStored = async (emailId: string) =>
      (await findEmail(deps, auth.projectId, emailId)) !== undefined;
    const claimed = await claim(deps, request, wasStored);
    if (!claimed.claimed) return { id: claimed.emailId, replayed: true };
  }
  const charge: QuotaCharge = { teamId: auth.teamId, month: monthOf(now) };
  const reservation =
    quota === 'reserve'
      ? await reserveSends(deps, {
          teamId: auth.teamId,
          projectId: auth.projectId,
          channel: 'email',
          count: 1,
          now,
        }).catch(async (error: unknown) => {
          if (request) await release(deps, request).catch(() => undefined);
          throw error;
        })
      : undefined;
  const record: EmailRecord & { scheduledAt: string } = {
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
    status: 'scheduled',
    scheduledAt: scheduled.at.toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  try {
    await putScheduledEmail(deps, record, scheduled.packed, charge, now);
  } catch (error) {
    if (reservation) await releaseSends(deps, reservation).catch(() => undefined);
    if (request) await release(deps, request).catch(() => undefined);
    throw error;
  }
  if (request) {
    await complete(deps, request).catch((error: unknown) =>
      deps.log?.warn('email scheduled but its idempotency key was not completed', {
        emailId: id,
        error: describeError(error),
      }),
    );
  }
  return { id, replayed: false };
}

/** PATCH /v1/emails/{id} `{scheduled_at}`: only while `scheduled` (else 409 `invalid_state`). */
export async function rescheduleEmail(
  deps: SendingDependencies,
  auth: AuthContext,
  id: string,
  scheduledAtText: string,
): Promise<EmailRecord> {
  const email = await getEmail(deps, auth.projectId, id);
  const to = resolveScheduledAt(scheduledAtText, deps.now()).toISOString();
  const scheduledAt = email.scheduledAt;
  if (!mayChange(email.status, 'reschedule') || scheduledAt === undefined) throw notScheduled(email);
  if (!(await moveScheduledEmail(deps, { ...email, scheduledAt }, to, deps.now()))) {
    throw notScheduled(await getEmail(deps, auth.projectId, id));
  }
  return getEmail(deps, auth.projectId, id);
}

/** POST /v1/emails/{id}/cancel: only while `scheduled`; its count against the monthly cap is given back. */
export async function cancelEmail(
  deps: SendingDependencies,
  auth: AuthContext,
  id: string,
): Promise<EmailRecord> {
  const email = await getEmail(deps, auth.projectId, id);
  const scheduledAt = email.scheduledAt;
  if (!mayChange(email.status, 'cancel') || scheduledAt === undefined) throw notScheduled(email);
  const stored = await readScheduledContent(deps, email);
  if (!(await cancelScheduledEmail(deps, { ...email, scheduledAt }, undefined, deps.now()))) {
    throw notScheduled(await getEmail(deps, auth.projectId, id));
  }
  await giveBack(deps, email, stored?.charge);
  return getEmail(deps, auth.projectId, id);
}

/** A canceled (never sent) email's count goes back; a failure to give it back is only logged. */
export async function giveBack(
  deps: Pick<SendingDependencies, 'documents' | 'dataTable' | 'log'>,
  email: Pick<EmailRecord, 'projectId' | 'id'>,
  charge: QuotaCharge | undefined,
): Promise<void> {
  if (!charge) return;
  await releaseSends(deps, { ...charge, projectId: email.projectId, channel: 'email', count: 1 }).catch(
    (error: unknown) =>
      deps.log?.warn('a canceled email stays counted against the monthly cap', {
        emailId: email.id,
        error: describeError(error),
      }),
  );
}

function notScheduled(email: EmailRecord): ApiError {
  return new ApiError('invalid_state', {
    message: `Only a scheduled email can be changed or canceled; this one is ${email.status}.`,
  });
}
