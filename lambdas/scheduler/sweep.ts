/**
 * The sweep: every minute (deployed: an EventBridge rule, lib/scheduled-emails.ts; locally a timer,
 * local/scheduled-emails-timer.ts) it reads the due entries of each minute from the cursor up to
 * now, and for each due email: re-checks its domain and its scheduling key, claims it (one
 * sweeper wins, conditionally), sends it through SES and records the outcome. It stops at its
 * deadline or after `maxEmails`; the cursor moves only past minutes left empty, so a backlog drains
 * over successive runs and an email whose claim is held is looked at again until it is settled.
 *
 * Exactly once: the claim (`scheduled` → `sending`, naming the claimant and the time) is written
 * before SES is called, and nothing ever moves a `sending` email back to `scheduled` except its own
 * claimant after SES refused it with a throttle (nothing sent). A claim whose sender died is never
 * sent again: after CLAIM_LOCK_MS it is marked `failed` with `failure_reason: "unknown_outcome"`.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ApiError } from '../api/errors.js';
import { describeError } from '../keys/redaction.js';
import type { EmailTracking } from '../domains/email-tracking.js';
import { domainOfAddress, isOnDomain } from '../shared/sending-domains.js';
import { verifiedSendingDomains } from '../domains/domain-store.js';
import { addressOf } from '../shared/mailbox.js';
import { type EmailRecord, findEmail } from '../sending/email-store.js';
import type { SendFunction } from '../sending/ses-sender.js';
import { giveBack } from '../sending/schedule.js';
import { decideDue, keyRefusal, outcomeOfError, type SendTimeRefusal } from '../sending/scheduled-state.js';
import {
  advanceCursor,
  cancelScheduledEmail,
  claimScheduledEmail,
  type DueEntry,
  dropDueEntry,
  dueEntries,
  failClaimedEmail,
  markScheduledSent,
  minuteOf,
  nextMinute,
  readCursor,
  readScheduledContent,
  type ScheduledStore,
  unclaimScheduledEmail,
} from '../sending/scheduled-store.js';

/** The scheduling key's attributes the sweep reads, and nothing else (its IAM grant names them). */
export const KEY_ATTRIBUTES = ['keyId', 'revokedAt', 'expiresAt'] as const;

/**
 * Where the first sweep of a stack (no cursor yet) starts: an hour back. Emails can only be
 * scheduled once the stack exists and its first sweep runs within a minute of that, so only mail
 * scheduled while no sweep ever completed for over an hour could be missed (docs/decisions/0041).
 */
export const FIRST_LOOK_BACK_MS = 60 * 60_000;

export interface SweepDependencies extends ScheduledStore {
  readonly apiKeysTable: string;
  readonly send: SendFunction;
  readonly now: () => Date;
  /** Names this run's claims: unique per run (the Lambda request id, or a random id). */
  readonly claimant: string;
  readonly log?: { warn(message: string, ...extra: Record<string, unknown>[]): void };
}

export interface SweepOptions {
  /** No email is started after this time (epoch ms, on `clock`: wall time, not the business clock). */
  readonly deadline: number;
  /** @default Date.now */
  readonly clock?: () => number;
  /** @default 1000 */
  readonly maxEmails?: number;
  /** Emails in flight at once. @default 8 */
  readonly concurrency?: number;
}

export type DueOutcome = 'sent' | 'canceled' | 'failed' | 'dropped' | 'pending';

export interface SweepSummary {
  readonly sent: string[];
  readonly canceled: string[];
  readonly failed: string[];
  /** Entries left for a later run (a claim held elsewhere, a throttle, an error). */
  pending: number;
  dropped: number;
  /** Minutes read. */
  minutes: number;
  /** The cursor after the run: the first minute not known to be drained. */
  cursor: string;
}

export async function sweepScheduledEmails(
  deps: SweepDependencies,
  options: SweepOptions,
): Promise<SweepSummary> {
  const maxEmails = options.maxEmails ?? 1000;
  const clock = options.clock ?? Date.now;
  const started = deps.now();
  const current = minuteOf(started);
  const cursor = await readCursor(deps);
  let minute = cursor ?? minuteOf(new Date(started.getTime() - FIRST_LOOK_BACK_MS));
  // The first run of a stack writes the cursor at once, so from then on no minute is ever skipped.
  if (cursor === undefined) await advanceCursor(deps, minute);
  const summary: SweepSummary = {
    sent: [],
    canceled: [],
    failed: [],
    pending: 0,
    dropped: 0,
    minutes: 0,
    cursor: minute,
  };
  let handled = 0;
  let contiguous = true;
  while (minute <= current && clock() < options.deadline && handled < maxEmails) {
    const page = await dueEntries(deps, minute, deps.now(), Math.min(maxEmails - handled, 100));
    summary.minutes += 1;
    const outcomes = await inPool(page.entries, options.concurrency ?? 8, async (entry) =>
      clock() < options.deadline ? handleDue(deps, entry) : 'pending',
    );
    handled += page.entries.length;
    for (const [index, outcome] of outcomes.entries()) {
      const id = page.entries[index]?.emailId ?? '';
      if (outcome === 'sent' || outcome === 'canceled' || outcome === 'failed') summary[outcome].push(id);
      else if (outcome === 'pending') summary.pending += 1;
      else summary.dropped += 1;
    }
    const settled = outcomes.every((outcome) => outcome !== 'pending');
    // More of this minute, all of this page settled: read it again (what was settled is gone).
    if (page.more && settled) continue;
    if (contiguous && settled && !page.more && minute < current) {
      await advanceCursor(deps, nextMinute(minute));
      summary.cursor = nextMinute(minute);
    } else {
      contiguous = false;
    }
    minute = nextMinute(minute);
  }
  return summary;
}

/** One due entry, start to end. Any error leaves it for the next run (`pending`). */
export async function handleDue(deps: SweepDependencies, entry: DueEntry): Promise<DueOutcome> {
  try {
    return await settle(deps, entry);
  } catch (error) {
    deps.log?.warn('scheduled email left for the next run', {
      emailId: entry.emailId,
      error: describeError(error),
    });
    return 'pending';
  }
}

async function settle(deps: SweepDependencies, entry: DueEntry): Promise<DueOutcome> {
  const found = await findEmail(deps, entry.projectId, entry.emailId);
  const decision = decideDue(found, entry.at, deps.now());
  if (decision.action === 'wait') return 'pending';
  if (decision.action === 'drop' || !found) {
    await dropDueEntry(deps, entry.key);
    return 'dropped';
  }
  const email = { ...found, scheduledAt: entry.at };
  if (decision.action === 'unknown_outcome') {
    const failed = await failClaimedEmail(deps, email, found.claimedAt ?? '', 'unknown_outcome', deps.now());
    return failed ? 'failed' : 'pending';
  }

  const check = await sendTimeCheck(deps, email);
  if (!check.ok) {
    const stored = await readScheduledContent(deps, email);
    if (!(await cancelScheduledEmail(deps, email, check.reason, deps.now()))) return 'pending';
    await giveBack(deps, email, stored?.charge);
    return 'canceled';
  }

  const claimedAt = deps.now();
  if (!(await claimScheduledEmail(deps, email, deps.claimant, claimedAt))) return 'pending';
  const stored = await readScheduledContent(deps, email);
  if (!stored) {
    // Nothing to send: the content is gone (a hand edit). Never guessed at.
    await failClaimedEmail(deps, email, claimedAt.toISOString(), 'content_missing', deps.now());
    return 'failed';
  }
  let messageId: string;
  try {
    messageId = await deps.send({ ...email, ...stored.content, tracking: check.tracking });
  } catch (error) {
    const outcome = outcomeOfError(error instanceof ApiError ? error.code : undefined);
    if (outcome.status === 'scheduled') {
      await unclaimScheduledEmail(deps, email, deps.claimant);
      return 'pending';
    }
    await failClaimedEmail(deps, email, claimedAt.toISOString(), outcome.failureReason, deps.now());
    // Refused by SES: nothing was sent, so its count goes back. An unknown outcome stays counted.
    if (outcome.failureReason !== 'unknown_outcome') await giveBack(deps, email, stored.charge);
    return 'failed';
  }
  await markSent(deps, email, messageId);
  return 'sent';
}

/**
 * SES accepted it; recording that is tried twice. If both fail the email stays `sending` and is
 * later marked `unknown_outcome` (it was sent once; it is never sent again).
 */
async function markSent(
  deps: SweepDependencies,
  email: EmailRecord & { scheduledAt: string },
  messageId: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await markScheduledSent(deps, email, deps.claimant, messageId, deps.now());
      return;
    } catch (error) {
      if (attempt >= 2) {
        deps.log?.warn('scheduled email sent but not recorded', {
          emailId: email.id,
          error: describeError(error),
        });
        return;
      }
    }
  }
}

type SendTimeCheck =
  | { readonly ok: true; readonly tracking: EmailTracking }
  | { readonly ok: false; readonly reason: SendTimeRefusal };

/** The domain still verified in the project (its tracking read now), the scheduling key still valid. */
async function sendTimeCheck(deps: SweepDependencies, email: EmailRecord): Promise<SendTimeCheck> {
  const domain = domainOfAddress(addressOf(email.from) ?? '');
  const covering = domain
    ? (await verifiedSendingDomains(deps, email.projectId))
        .filter((verified) => isOnDomain(domain, verified.name))
        .sort((a, b) => b.name.length - a.name.length)[0]
    : undefined;
  if (!covering) return { ok: false, reason: 'domain_not_verified' };
  const { Item } = await deps.documents.send(
    new GetCommand({
      TableName: deps.apiKeysTable,
      Key: { keyId: email.keyId },
      ProjectionExpression: KEY_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(KEY_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
      ConsistentRead: true,
    }),
  );
  const refusal = keyRefusal(Item, deps.now());
  return refusal ? { ok: false, reason: refusal } : { ok: true, tracking: covering.tracking };
}

/** `work` over `items`, at most `concurrency` at once, answers in the items' order. */
async function inPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
