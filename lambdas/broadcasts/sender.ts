/**
 * The broadcast sender: what the sender Lambda (deployed) and the local stack's worker loops run for
 * each batch of queue messages. It answers, per message, `done` (acknowledge it) or `retry` after a
 * delay (the message's visibility is set to it), so the adapters only move messages.
 *
 * One recipient's send: claim it (conditional), re-read its contact (an unsubscribe since the audience
 * was read still counts), render, record the email, wait for this worker's pacing slot, check the
 * broadcast is still sending (a read at most `statusMaxAgeMs` old: cancel stops sends within that
 * and a batch), call SES once, and settle the batch in one transaction.
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
  settleRecipients,
} from './recipient-store.js';
import { type BroadcastRef } from '../shared/broadcast-recipients.js';
import { retryDelaySeconds } from './pacing.js';
import { classifySendFailure } from './ses-send.js';
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

export function createSender(deps: SenderDependencies): Sender {
  const cache = new Map<string, Cached>();
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
    settlements: Settlement[],
  ): Promise<MessageOutcome> {
    const ref = { projectId: message.projectId, broadcastId: message.broadcastId };
    const { contactId } = message;
    const current = await view(ref);
    const broadcast = current.broadcast;
    if (!broadcast || broadcast.status === 'sent') return DONE;
    if (broadcast.status !== 'sending') {
      // Canceled or failed: a recipient still queued is settled so, never sent.
      const recipient = await findRecipient(deps, ref, contactId);
      if (recipient?.status === 'queued') settlements.push({ contactId, status: 'canceled' });
      return DONE;
    }
    const now = deps.now();
    const claimId = randomUUID();
    const claim = await claimRecipient(deps, ref, contactId, {
      claimId,
      emailId: newId(EMAIL_ID_PREFIX, now),
      at: now,
    });
    if (!claim.claimed) return unclaimed(ref, claim.current, settlements);
    const settle = (settlement: Omit<Settlement, 'contactId' | 'claimId'>) => {
      settlements.push({ contactId, claimId, ...settlement });
      return DONE;
    };
    const contact = await findContact(deps, ref.projectId, contactId);
    if (!contact) return settle({ status: 'failed', failureReason: 'contact_deleted' });
    if (contact.unsubscribed) return settle({ status: 'unsubscribed' });
    if (await deps.isSuppressed(ref.projectId, contact.email)) return settle({ status: 'suppressed' });
    const content = broadcast.content;
    if (!content) return settle({ status: 'failed', failureReason: 'no_content' });
    current.prepared ??= prepareBroadcast(
      { subject: content.subject, html: content.html, text: content.text },
      content.variables,
    );
    current.tracking ??= await trackingOf(broadcast);
    if (current.tracking === undefined)
      return settle({ status: 'failed', failureReason: 'domain_not_verified' });
    const token = signUnsubscribeToken(await deps.unsubscribeSecret(), {
      projectId: ref.projectId,
      contactId,
      broadcastId: ref.broadcastId,
    });
    const url = unsubscribeUrl(deps.apiBaseUrl, token);
    const rendered = renderFor(current.prepared, contact, url);
    const headers = unsubscribeHeaders(url);
    const emailId = claim.emailId;
    const record = {
      id: emailId,
      projectId: ref.projectId,
      keyId: broadcast.sentByKeyId ?? '',
      from: broadcast.from,
      to: [contact.email],
      cc: [],
      bcc: [],
      replyTo: [...broadcast.replyTo],
      subject: rendered.subject ?? content.subject,
      tags: [...broadcast.tags],
      headers,
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
    await deps.pacer.take();
    const latest = (await view(ref)).broadcast;
    if (latest?.status !== 'sending')
      return settle({ status: 'canceled', email: { id: emailId }, failureReason: 'broadcast_canceled' });
    try {
      const sesMessageId = await deps.send({
        ...record,
        html: rendered.html,
        text: rendered.text,
        tracking: current.tracking,
      });
      return settle({ status: 'sent', email: { id: emailId, sesMessageId } });
    } catch (error) {
      const failure = classifySendFailure(error);
      switch (failure.kind) {
        case 'throttled':
        case 'retry':
          if (failure.kind === 'throttled') deps.onThrottle?.();
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
  }

  /** Another claim holds the recipient, or it is settled. */
  async function unclaimed(
    ref: BroadcastRef,
    current: Awaited<ReturnType<typeof findRecipient>>,
    settlements: Settlement[],
  ): Promise<MessageOutcome> {
    if (!current || (current.status !== 'sending' && current.status !== 'queued')) return DONE;
    if (current.status === 'queued') return { kind: 'retry', delaySeconds: 1 };
    const age = deps.now().getTime() - Date.parse(current.claimedAt ?? '');
    if (Number.isFinite(age) && age < deps.claimLeaseMs) {
      // A live sender may still be sending it: look again once its lease has run out.
      return { kind: 'retry', delaySeconds: Math.max(1, Math.ceil((deps.claimLeaseMs - age) / 1000)) };
    }
    // Its sender died between the claim and the settlement: SES may have sent it. Never again.
    const email = current.emailId ? await findEmail(deps, ref.projectId, current.emailId) : undefined;
    settlements.push({
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

  async function resolve(message: Extract<BroadcastMessage, { kind: 'resolve' }>): Promise<MessageOutcome> {
    const ref = { projectId: message.projectId, broadcastId: message.broadcastId };
    const broadcast = (await view(ref, true)).broadcast;
    // Canceled meanwhile, or a duplicate of a page already read: nothing to do.
    if (broadcast?.status !== 'sending' || broadcast.resolved || broadcast.resolveCursor !== message.after)
      return DONE;
    const page = await readAudiencePage(
      deps,
      ref.projectId,
      broadcast.audience,
      message.after === '' ? undefined : message.after,
    );
    const now = deps.now();
    if (!page.found) {
      await transition(
        deps,
        broadcast,
        {
          action: 'fail',
          to: 'failed',
          set: { failureReason: 'audience_not_found', completedAt: now.toISOString() },
        },
        now,
      );
      return DONE;
    }
    const recipients: NewRecipient[] = [];
    for (const contact of page.contacts) {
      const status = contact.unsubscribed
        ? 'unsubscribed'
        : (await deps.isSuppressed(ref.projectId, contact.email))
          ? 'suppressed'
          : 'queued';
      recipients.push({ contactId: contact.id, email: contact.email, status });
    }
    await addRecipients(deps, ref, recipients, now);
    const sends = recipients
      .filter((recipient) => recipient.status === 'queued')
      .map((recipient): BroadcastMessage => ({ kind: 'send', ...ref, contactId: recipient.contactId }));
    const next = page.nextAfter;
    await enqueue(
      deps.queue,
      next === undefined ? sends : [...sends, { kind: 'resolve', ...ref, after: next }],
    );
    // Only the holder of the current position moves it: a duplicate message finds it moved and stops.
    await transition(
      deps,
      broadcast,
      {
        action: 'advance',
        to: 'sending',
        set: next === undefined ? { resolveCursor: '', resolved: true } : { resolveCursor: next },
        condition: { expression: 'resolveCursor = :cursor', values: { ':cursor': message.after } },
      },
      deps.now(),
    );
    if (next === undefined) await tryComplete(ref);
    return DONE;
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
   * Settles a batch, trying again twice when DynamoDB fails or times out: a settlement is conditional
   * on its claims, so one that did commit is not counted twice; a batch that cannot be settled at all
   * becomes unknown_outcome after its lease, though SES sent it.
   */
  async function settleWithRetries(ref: BroadcastRef, list: readonly Settlement[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await settleRecipients(deps, ref, list, deps.now());
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        deps.log.warn('settling a broadcast batch failed; trying again', { error: describeError(error) });
      }
    }
  }

  return {
    async process(messages) {
      const groups = new Map<string, { ref: BroadcastRef; list: Settlement[] }>();
      const groupOf: (string | undefined)[] = [];
      const outcomes = await Promise.all(
        messages.map(async (received, index): Promise<MessageOutcome> => {
          const message = decodeMessage(received.body);
          if (!message) {
            deps.log.error('an unreadable broadcast message was dropped');
            return DONE;
          }
          try {
            if (message.kind === 'resolve') return await resolve(message);
            const key = `${message.projectId}/${message.broadcastId}`;
            groupOf[index] = key;
            let group = groups.get(key);
            if (!group) {
              group = { ref: { projectId: message.projectId, broadcastId: message.broadcastId }, list: [] };
              groups.set(key, group);
            }
            return await sendOne(message, received.receiveCount, group.list);
          } catch (error) {
            deps.log.error('a broadcast message failed; it comes back after its visibility timeout', {
              error: describeError(error),
            });
            return { kind: 'retry', delaySeconds: retryDelaySeconds(received.receiveCount, random) };
          }
        }),
      );
      for (const [key, { ref, list }] of groups) {
        try {
          if (list.length > 0) await settleWithRetries(ref, list);
          await tryComplete(ref);
        } catch (error) {
          // Unsettled claims: their messages come back after the lease and settle them unknown_outcome.
          deps.log.error('a broadcast batch could not be settled', { error: describeError(error) });
          const delaySeconds = Math.ceil(deps.claimLeaseMs / 1000);
          groupOf.forEach((group, index) => {
            if (group === key) outcomes[index] = { kind: 'retry', delaySeconds };
          });
        }
      }
      return outcomes;
    },
  };
}
