/**
 * The life of a scheduled email, pure: which change is allowed from which status, and what a sweep
 * does with a due entry. The store (./scheduled-store.ts) writes each change conditioned on the
 * status this module says it may leave, so two sweepers, a PATCH and a cancel racing each other can
 * never both win.
 *
 *   scheduled ─PATCH─> scheduled (moved)
 *   scheduled ─cancel, or a re-check at send time fails─> canceled
 *   scheduled ─claim (one sweeper, conditional)─> sending ─SES accepted─> sent (then SES events)
 *                                                 sending ─SES refused─> failed (its reason)
 *                                                 sending ─throttled─> scheduled (next run)
 *                                                 sending ─outcome unknown, or claimant gone past the lock─> failed "unknown_outcome"
 */
import type { EmailStatus } from '../message-status/email-status.js';

/** Longer than a sweeper can hold a claim (its Lambda times out at 2 minutes; one SES call ≤ 4 s). */
export const CLAIM_LOCK_MS = 5 * 60_000;

export type ScheduledChange = 'reschedule' | 'cancel' | 'claim';

/** PATCH, cancel and claim all leave `scheduled` only: anything else is 409 `invalid_state`. */
export function mayChange(status: EmailStatus, _change: ScheduledChange): boolean {
  return status === 'scheduled';
}

/** What a sweep sees of an email when its due entry comes up. */
export interface DueEmail {
  readonly status: EmailStatus;
  readonly scheduledAt?: string | undefined;
  readonly claimedAt?: string | undefined;
}

export type DueDecision =
  /** Re-check, claim and send. */
  | { readonly action: 'send' }
  /** Another sweeper holds it and may still be sending: look again next run. */
  | { readonly action: 'wait' }
  /** Its sender died mid-send: mark it failed, never send it again. */
  | { readonly action: 'unknown_outcome' }
  /** A stale entry (the email was moved, canceled, sent, or is gone): delete it. */
  | { readonly action: 'drop' };

/**
 * `entryAt` is the time the due entry was written for. An email moved by a PATCH has a new entry; its
 * old one no longer matches `scheduledAt` and is dropped, never sent from.
 */
export function decideDue(email: DueEmail | undefined, entryAt: string, now: Date): DueDecision {
  if (!email) return { action: 'drop' };
  if (email.status === 'scheduled') {
    return email.scheduledAt === entryAt ? { action: 'send' } : { action: 'drop' };
  }
  if (email.status === 'sending' && email.scheduledAt === entryAt) {
    const claimedAt = Date.parse(email.claimedAt ?? '');
    // An unreadable claim time is treated as expired: a claim nobody can date is nobody's.
    const expired = Number.isNaN(claimedAt) || now.getTime() - claimedAt >= CLAIM_LOCK_MS;
    return expired ? { action: 'unknown_outcome' } : { action: 'wait' };
  }
  return { action: 'drop' };
}

/** Why a scheduled email is canceled at send time instead of sent. */
export type SendTimeRefusal = 'domain_not_verified' | 'key_revoked' | 'key_expired';

/**
 * The scheduling key as the sweep reads it (keyId, revokedAt and expiresAt only): a missing item is
 * a deleted key, read as revoked; an unreadable expiry is expired (fail closed), as the authorizer reads it.
 */
export function keyRefusal(
  item: Readonly<Record<string, unknown>> | undefined,
  now: Date,
): SendTimeRefusal | undefined {
  if (!item) return 'key_revoked';
  if (item.revokedAt !== undefined) return 'key_revoked';
  if (item.expiresAt === undefined) return undefined;
  const expiresAt = typeof item.expiresAt === 'string' ? Date.parse(item.expiresAt) : Number.NaN;
  if (Number.isNaN(expiresAt) || expiresAt <= now.getTime()) return 'key_expired';
  return undefined;
}

/** What a claimed email becomes when its SES call throws. */
export type SendOutcome =
  /** Throttled: SES sent nothing; back to `scheduled` for the next run. */
  { readonly status: 'scheduled' } | { readonly status: 'failed'; readonly failureReason: string };

/**
 * SES's refusals are definite (nothing was sent); a throttle too. Any other failure (a timeout, a
 * 5xx, a lost connection) may have come after SES accepted the email: its outcome is unknown, and
 * it is never tried again.
 */
export function outcomeOfError(code: string | undefined): SendOutcome {
  if (code === 'rate_limited') return { status: 'scheduled' };
  if (code === 'email_rejected') return { status: 'failed', failureReason: 'email_rejected' };
  return { status: 'failed', failureReason: 'unknown_outcome' };
}
