/**
 * The broadcast sender: what the sender Lambda (deployed) and the local stack's worker loops run for
 * each batch of queue messages. It answers, per message, `done` (acknowledge it) or `retry` after a
 * delay (the message's visibility is set to it), so the adapters only move messages.
 *
 * One recipient's send: re-read its contact (an unsubscribe since the audience was read still counts)
 * and render, wait for the pacing slot, then claim it (conditional), record the email, check the
 * broadcast is still sending (a read at most `statusMaxAgeMs` old: cancel stops sends within that),
 * call SES once, and settle it with whatever else settled meanwhile (./settler.ts). The claim comes
 * after the slot, so a sender that dies holds claims only for the sends it had in flight, not for
 * every message waiting for its turn.
 */
import { randomUUID } from 'node:crypto';
import { findContact } from '../audience/contacts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import type { EmailTracking } from '../domains/email-tracking.js';
import { describeError } from '../keys/redaction.js';
import { newId } from '../shared/ids.js';
import { domainOfAddress, isOnDomain } from '../shared/sending-domains.js';
import { verifiedSendingDomains } from '../domains/domain-store.js';
import { addressOf } from '../shared/mailbox.js';
import { EMAIL_ID_PREFIX, findEmail, putEmail } from '../sending/email-store.js';
import type { SendFunction } from '../sending/ses-sender.js';
import { signUnsubscribeToken, unsubscribeUrl } from '../unsubscribe/token.js';
import { readAudiencePage } from './audience-pages.js';
import {
  type BroadcastRecord,
  type BroadcastStore,
  broadcastJson,
  findBroadcast,
  transition,
} from './broadcast-store.js';
import { prepareBroadcast, type PreparedBroadcast, renderFor, unsubscribeHeaders } from './personalize.js';
import { type BroadcastMessage, type BroadcastQueue, decodeMessage, enqueue } from './queue.js';
import {
  addRecipients,
  claimRecipient,
  findRecipient,
  type NewRecipient,
  releaseClaim,
  type Settlement,
} from './recipient-store.js';
import { type BroadcastRef } from '../shared/broadcast-recipients.js';
import { retryDelaySeconds } from './pacing.js';
import { classifySendFailure } from './ses-send.js';
import { createSettler } from './settler.js';
import type { IsSuppressed } from './suppression.js';

export interface SenderLog {
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface SenderDependencies extends BroadcastStore {
  readonly now: () => Date;
  readonly send: SendFunction;
  readonly queue: BroadcastQueue;
  /** This worker's pace (./pacing.ts). */
  readonly pacer: { take(): Promise<void> };
  /** Where `/u/{token}` is served: the API's base URL. */
  readonly apiBaseUrl: string;
  readonly unsubscribeSecret: () => Promise<Uint8Array>;
  readonly isSuppressed: IsSuppressed;
  /**
   * How long a claim may be held by a live sender (the sender's own time bound, and some): a claim
   * older than this belongs to a sender that died, and its send is settled `unknown_outcome`.
   */
  readonly claimLeaseMs: number;
  /**
   * The queue's maxReceiveCount: a message received this many times is on its last receive, and
   * whatever it would leave for later is settled now (`failed` / `retries_exhausted`), as the queue
   * moves it to its dead-letter queue after this. Undefined: no limit.
   */
  readonly maxReceives?: number | undefined;
  /** @default 1000 — how old a broadcast status a send may go on. */
  readonly statusMaxAgeMs?: number;
  readonly random?: () => number;
  readonly log: SenderLog;
  /** Counts what the benchmark reports. */
  readonly onThrottle?: () => void;
}

export interface ReceivedMessage {
  readonly body: string;
  /** SQS's ApproximateReceiveCount: 1 the first time. */
  readonly receiveCount: number;
}

export type MessageOutcome =
  { readonly kind: 'done' } | { readonly kind: 'retry'; readonly delaySeconds: number };
const DONE: MessageOutcome = { kind: 'done' };

export interface Sender {
  process(messages: readonly ReceivedMessage[]): Promise<MessageOutcome[]>;
}

interface Cached {
  readonly broadcast: BroadcastRecord | undefined;
  readonly readAt: number;
  prepared?: PreparedBroadcast;
  tracking?: EmailTracking | undefined;
}

const sendsOf = (
  ref: BroadcastRef,
  recipients: readonly { readonly contactId: string; readonly status: string }[],
): BroadcastMessage[] =>
  recipients
    .filter((recipient) => recipient.status === 'queued')
    .map((recipient) => ({ kind: 'send', ...ref, contactId: recipient.contactId }));

/** Why a recipient whose message ran out of receives ended `failed`: nothing was sent to it. */
export const RETRIES_EXHAUSTED = 'retries_exhausted';

type Decided = { readonly kind: 'settle'; readonly settlement: Omit<Settlement, 'contactId' | 'claimId'> };
type Decision =
  | Decided
  | {
      readonly kind: 'send';
      readonly contact: NonNullable<Awaited<ReturnType<typeof findContact>>>;
      readonly subject: string;
      readonly rendered: ReturnType<typeof renderFor>;
      readonly headers: Readonly<Record<string, string>>;
      readonly tracking: EmailTracking;
    };

export function createSender(deps: SenderDependencies): Sender {
  const cache = new Map<string, Cached>();
  const settler = createSettler({ ...deps, afterCommit: (ref) => tryComplete(ref) });
  const maxAge = deps.statusMaxAgeMs ?? 1000;
  const random = deps.random ?? Math.random;

  /** The broadcast as read at most `maxAge` ago (`fresh`: now). */
  async function view(ref: BroadcastRef, fresh = false): Promise<Cached> {
    const key = `${ref.projectId}/${ref.broadcastId}`;
    const cached = cache.get(key);
    const now = deps.now().getTime();
    if (cached && !fresh && now - cached.readAt < maxAge) return cached;
    const broadcast = await findBroadcast(deps, ref.projectId, ref.broadcastId);
    const next: Cached = {
      broadcast,
      readAt: now,
      ...(cached?.prepared ? { prepared: cached.prepared } : {}),
      tracking: cached?.tracking,
    };
    cache.set(key, next);
    return next;
  }

  async function sendOne(
    message: Extract<BroadcastMessage, { kind: 'send' }>,
    receiveCount: number,
  ): Promise<MessageOutcome> {
    const ref = { projectId: message.projectId, broadcastId: message.broadcastId };
    const { contactId } = message;
    const last = deps.maxReceives !== undefined && receiveCount >= deps.maxReceives;
    const current = await view(ref);
    const broadcast = current.broadcast;
    if (!broadcast || broadcast.status === 'sent') return DONE;
    if (broadcast.status !== 'sending') {
      // Canceled or failed: a recipient still queued is settled so, never sent.
      const recipient = await findRecipient(deps, ref, contactId);
      if (recipient?.status === 'queued') await settler.settle(ref, { contactId, status: 'canceled' });
      return DONE;
    }
    const decided = await decide(current, broadcast, ref, contactId);
    if (decided.kind === 'settle') {
      // Not sent: settled over a claim, so a recipient held by a dead sender is not settled twice.
      const claimId = randomUUID();
      const claim = await claimRecipient(deps, ref, contactId, {
        claimId,
        emailId: newId(EMAIL_ID_PREFIX, deps.now()),
        at: deps.now(),
      });
      if (!claim.claimed) return unclaimed(ref, claim.current, receiveCount, last);
      await settler.settle(ref, { contactId, claimId, ...decided.settlement });
      return DONE;
    }
    await deps.pacer.take();
    const now = deps.now();
    const claimId = randomUUID();
    const claim = await claimRecipient(deps, ref, contactId, {
      claimId,
      emailId: newId(EMAIL_ID_PREFIX, now),
      at: now,
    });
    if (!claim.claimed) return unclaimed(ref, claim.current, receiveCount, last);
    const { emailId } = claim;
    const settle = async (settlement: Omit<Settlement, 'contactId' | 'claimId'>) => {
      await settler.settle(ref, { contactId, claimId, ...settlement });
      return DONE;
    };
    const record = {
      id: emailId,
      projectId: ref.projectId,
      keyId: broadcast.sentByKeyId ?? '',
      from: broadcast.from,
      to: [decided.contact.email],
      cc: [],
      bcc: [],
      replyTo: [...broadcast.replyTo],
      subject: decided.rendered.subject ?? decided.subject,
      tags: [...broadcast.tags],
      headers: decided.headers,
      broadcastId: ref.broadcastId,
      contactId,
      status: 'queued' as const,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    // A recipient tried again after a throttle keeps its one email record.
    await putEmail(deps, record).catch((error: unknown) => {
      if (!isConditionalCheckFailure(error)) throw error;
    });
    const latest = (await view(ref)).broadcast;
    if (latest?.status !== 'sending')
      return settle({ status: 'canceled', email: { id: emailId }, failureReason: 'broadcast_canceled' });
    let sesMessageId: string;
    try {
      sesMessageId = await deps.send({
        ...record,
        html: decided.rendered.html,
        text: decided.rendered.text,
        tracking: decided.tracking,
      });
    } catch (error) {
      const failure = classifySendFailure(error);
      switch (failure.kind) {
        case 'throttled':
        case 'retry':
          if (failure.kind === 'throttled') deps.onThrottle?.();
          // Nothing was sent; on its last receive it is given up rather than left queued for ever.
          if (last)
            return settle({ status: 'failed', failureReason: RETRIES_EXHAUSTED, email: { id: emailId } });
          await releaseClaim(deps, ref, contactId, claimId, deps.now());
          return { kind: 'retry', delaySeconds: retryDelaySeconds(receiveCount, random) };
        case 'rejected':
          return settle({ status: 'failed', failureReason: failure.reason, email: { id: emailId } });
        case 'unknown_outcome':
          deps.log.warn('a broadcast send ended without an answer; it is not tried again', {
            broadcastId: ref.broadcastId,
            emailId,
            error: describeError(error),
          });
          return settle({ status: 'failed', failureReason: 'unknown_outcome', email: { id: emailId } });
      }
    }
    return settle({ status: 'sent', email: { id: emailId, sesMessageId } });
  }

  /** What a recipient gets, read before its slot: a settlement without SES, or what to send. */
  async function decide(
    current: Cached,
    broadcast: BroadcastRecord,
    ref: BroadcastRef,
    contactId: string,
  ): Promise<Decision> {
    const skip = (settlement: Decided['settlement']): Decision => ({ kind: 'settle', settlement });
    const contact = await findContact(deps, ref.projectId, contactId);
    if (!contact) return skip({ status: 'failed', failureReason: 'contact_deleted' });
    if (contact.unsubscribed) return skip({ status: 'unsubscribed' });
    if (await deps.isSuppressed(ref.projectId, contact.email)) return skip({ status: 'suppressed' });
    const content = broadcast.content;
    if (!content) return skip({ status: 'failed', failureReason: 'no_content' });
    current.prepared ??= prepareBroadcast(
      { subject: content.subject, html: content.html, text: content.text },
      content.variables,
    );
    current.tracking ??= await trackingOf(broadcast);
    if (current.tracking === undefined)
      return skip({ status: 'failed', failureReason: 'domain_not_verified' });
    const token = signUnsubscribeToken(await deps.unsubscribeSecret(), {
      projectId: ref.projectId,
      contactId,
      broadcastId: ref.broadcastId,
    });
    const url = unsubscribeUrl(deps.apiBaseUrl, token);
    return {
      kind: 'send',
      contact,
      subject: content.subject,
      rendered: renderFor(current.prepared, contact, url),
      headers: unsubscribeHeaders(url),
      tracking: current.tracking,
    };
  }

  /** Another claim holds the recipient, or it is settled. */
  async function unclaimed(
    ref: BroadcastRef,
    current: Awaited<ReturnType<typeof findRecipient>>,
    receiveCount: number,
    last: boolean,
  ): Promise<MessageOutcome> {
    if (!current || (current.status !== 'sending' && current.status !== 'queued')) {
      // Settled before (this message is a duplicate, or came back after its settlement's completion
      // check failed): the broadcast may be done.
      await tryComplete(ref);
      return DONE;
    }
    if (current.status === 'queued') {
      // Given back by a throttled sender meanwhile: its own message retries it, unless this is the last.
      if (!last) return { kind: 'retry', delaySeconds: retryDelaySeconds(receiveCount, random) };
      await settler.settle(ref, {
        contactId: current.contactId,
        status: 'failed',
        failureReason: RETRIES_EXHAUSTED,
      });
      return DONE;
    }
    const age = deps.now().getTime() - Date.parse(current.claimedAt ?? '');
    if (!last && Number.isFinite(age) && age < deps.claimLeaseMs) {
      // A live sender may still be sending it: look again once its lease has run out.
      return { kind: 'retry', delaySeconds: Math.max(1, Math.ceil((deps.claimLeaseMs - age) / 1000)) };
    }
    // Its sender died between the claim and the settlement (or this is the message's last receive):
    // SES may have sent it. Never again.
    const email = current.emailId ? await findEmail(deps, ref.projectId, current.emailId) : undefined;
    await settler.settle(ref, {
      contactId: current.contactId,
      claimId: current.claimId,
      status: 'failed',
      failureReason: 'unknown_outcome',
      ...(email ? { email: { id: email.id } } : {}),
    });
    return DONE;
  }

  async function trackingOf(broadcast: BroadcastRecord): Promise<EmailTracking | undefined> {
    const domain = domainOfAddress(addressOf(broadcast.from) ?? '');
    if (!domain) return undefined;
    const covering = (await verifiedSendingDomains(deps, broadcast.projectId))
      .filter((verified) => isOnDomain(domain, verified.name))
      .sort((a, b) => b.name.length - a.name.length)[0];
    return covering ? covering.tracking : undefined;
  }

  /**
   * Reads one page of the audience: writes its recipients, moves the broadcast's position past it
   * (conditional: of two copies of one page, one moves it and goes on, the other stops), then queues
   * the next page's message before this page's sends, so the next page is read while these are
   * sent rather than after them, and never before the position has moved.
   *
   * A message received again after it moved the position (it failed or died before its messages
   * were all queued) queues them again: its page's recipients still `queued`, and the next page if
   * its own was the last read. Sends queued twice are claimed once.
   */
  async function resolve(
    message: Extract<BroadcastMessage, { kind: 'resolve' }>,
    receiveCount: number,
  ): Promise<MessageOutcome> {
    const ref = { projectId: message.projectId, broadcastId: message.broadcastId };
    const broadcast = (await view(ref, true)).broadcast;
    // Queued just before the broadcast moved to sending (./broadcasts.ts): it is about to.
    if (broadcast?.status === 'draft' || broadcast?.status === 'scheduled')
      return { kind: 'retry', delaySeconds: retryDelaySeconds(receiveCount, random) };
    // Canceled or failed meanwhile: nothing to do.
    if (broadcast?.status !== 'sending') return DONE;
    const page = message.page ?? broadcast.resolvedPages;
    if (page < broadcast.resolvedPages) {
      if (receiveCount > 1) await requeue(broadcast, message, page);
      return DONE;
    }
    if (broadcast.resolved || broadcast.resolveCursor !== message.after) return DONE;
    const audience = await readAudiencePage(
      deps,
      ref.projectId,
      broadcast.audience,
      message.after === '' ? undefined : message.after,
    );
    if (!audience.found) {
      await failBroadcast(broadcast, 'audience_not_found', message.after);
      return DONE;
    }
    const recipients: NewRecipient[] = await Promise.all(
      audience.contacts.map(async (contact) => {
        const status = contact.unsubscribed
          ? ('unsubscribed' as const)
          : (await deps.isSuppressed(ref.projectId, contact.email))
            ? ('suppressed' as const)
            : ('queued' as const);
        return { contactId: contact.id, email: contact.email, status };
      }),
    );
    await addRecipients(deps, ref, recipients, deps.now());
    const next = audience.nextAfter;
    // Only the holder of the current position moves it: a duplicate message finds it moved and stops.
    const moved = await transition(
      deps,
      broadcast,
      {
        action: 'advance',
        to: 'sending',
        set:
          next === undefined
            ? { resolveCursor: '', resolved: true, resolvedPages: page + 1 }
            : { resolveCursor: next, resolvedPages: page + 1 },
        condition: {
          // A broadcast started before pages were numbered has none stored: its first is page 0.
          expression: `resolveCursor = :cursor AND ${page === 0 ? '(attribute_not_exists(resolvedPages) OR resolvedPages = :page)' : 'resolvedPages = :page'}`,
          values: { ':cursor': message.after, ':page': page },
        },
      },
      deps.now(),
    );
    if (!moved) return DONE;
    if (next !== undefined)
      await enqueue(deps.queue, [{ kind: 'resolve', ...ref, after: next, page: page + 1 }]);
    await enqueue(deps.queue, sendsOf(ref, recipients));
    if (next === undefined) await tryComplete(ref);
    return DONE;
  }

  /** The messages a page that moved the position may not have queued (see resolve). */
  async function requeue(
    broadcast: BroadcastRecord,
    message: Extract<BroadcastMessage, { kind: 'resolve' }>,
    page: number,
  ): Promise<void> {
    const ref = { projectId: broadcast.projectId, broadcastId: broadcast.id };
    const audience = await readAudiencePage(
      deps,
      ref.projectId,
      broadcast.audience,
      message.after === '' ? undefined : message.after,
    );
    if (!audience.found) return;
    if (page === broadcast.resolvedPages - 1 && !broadcast.resolved)
      await enqueue(deps.queue, [
        { kind: 'resolve', ...ref, after: broadcast.resolveCursor, page: broadcast.resolvedPages },
      ]);
    const queued = await queuedOf(ref, audience.contacts);
    await enqueue(deps.queue, sendsOf(ref, queued));
    if (broadcast.resolved) await tryComplete(ref);
  }

  /** The recipients among `contacts` still `queued`. */
  async function queuedOf(
    ref: BroadcastRef,
    contacts: readonly { readonly id: string }[],
  ): Promise<{ readonly contactId: string; readonly status: 'queued' }[]> {
    const found = await Promise.all(contacts.map((contact) => findRecipient(deps, ref, contact.id)));
    return found
      .filter((recipient) => recipient?.status === 'queued')
      .map((recipient) => ({ contactId: recipient?.contactId ?? '', status: 'queued' as const }));
  }

  /**
   * Ends a broadcast whose audience cannot be read on (its list or segment gone, or its page's
   * message on its last receive): `failed`, from the position the failing message held. Its queued
   * recipients are then settled `canceled` as their messages drain, so the counts still add up.
   */
  async function failBroadcast(broadcast: BroadcastRecord, reason: string, cursor: string): Promise<void> {
    const now = deps.now();
    await transition(
      deps,
      broadcast,
      {
        action: 'fail',
        to: 'failed',
        set: { failureReason: reason, completedAt: now.toISOString() },
        condition: { expression: 'resolveCursor = :cursor', values: { ':cursor': cursor } },
      },
      now,
    );
  }

  /** Marks the broadcast `sent` once its audience is read and every recipient is settled. */
  async function tryComplete(ref: BroadcastRef): Promise<void> {
    const broadcast = (await view(ref, true)).broadcast;
    if (broadcast?.status !== 'sending' || !broadcast.resolved || broadcast.pending > 0) return;
    const now = deps.now();
    const done = { ...broadcast, status: 'sent' as const, completedAt: now.toISOString() };
    await transition(
      deps,
      broadcast,
      {
        action: 'complete',
        to: 'sent',
        set: { completedAt: done.completedAt },
        condition: {
          expression: 'resolved = :true AND pendingCount <= :zero',
          values: { ':true': true, ':zero': 0 },
        },
        event: { type: 'broadcast.sent', data: broadcastJson(done) },
      },
      now,
    );
  }

  /**
   * A message that failed on its last receive: what it leaves undone is settled, if it can be. A
   * page that cannot be read or handed on ends the broadcast `failed` (nobody would read the rest),
   * and its recipients still `queued` are settled: `canceled` with the broadcast.
   */
  async function giveUp(message: BroadcastMessage): Promise<void> {
    const ref = { projectId: message.projectId, broadcastId: message.broadcastId };
    if (message.kind === 'send') {
      const recipient = await findRecipient(deps, ref, message.contactId);
      if (recipient?.status === 'queued')
        await settler.settle(ref, {
          contactId: recipient.contactId,
          status: 'failed',
          failureReason: RETRIES_EXHAUSTED,
        });
      return;
    }
    const broadcast = (await view(ref, true)).broadcast;
    if (broadcast?.status !== 'sending') return;
    await transition(
      deps,
      broadcast,
      {
        action: 'fail',
        to: 'failed',
        set: { failureReason: 'audience_unreadable', completedAt: deps.now().toISOString() },
      },
      deps.now(),
    );
    const audience = await readAudiencePage(
      deps,
      ref.projectId,
      broadcast.audience,
      message.after === '' ? undefined : message.after,
    );
    if (!audience.found) return;
    const queued = await queuedOf(ref, audience.contacts);
    await Promise.all(queued.map(({ contactId }) => settler.settle(ref, { contactId, status: 'canceled' })));
  }

  return {
    async process(messages) {
      return Promise.all(
        messages.map(async (received): Promise<MessageOutcome> => {
          const message = decodeMessage(received.body);
          if (!message) {
            deps.log.error('an unreadable broadcast message was dropped');
            return DONE;
          }
          try {
            return message.kind === 'resolve'
              ? await resolve(message, received.receiveCount)
              : await sendOne(message, received.receiveCount);
          } catch (error) {
            deps.log.error('a broadcast message failed; it comes back after its backoff', {
              error: describeError(error),
            });
            if (deps.maxReceives !== undefined && received.receiveCount >= deps.maxReceives) {
              // Its last receive: the queue dead-letters it next. Settle what it leaves, if DynamoDB lets us.
              await giveUp(message).catch((failure: unknown) =>
                deps.log.error('a dead-lettered broadcast message could not be settled', {
                  error: describeError(failure),
                }),
              );
            }
            return { kind: 'retry', delaySeconds: retryDelaySeconds(received.receiveCount, random) };
          }
        }),
      );
    },
  };
}
