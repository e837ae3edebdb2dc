/**
 * The broadcasts service's domain: drafts (checked like a send: the audience, the template, the
 * sources, the sending domain), sending and scheduling (the content fixed, the first resolve message
 * queued), canceling, and reading recipients with what became of their emails.
 */
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthContext } from '../keys/auth-context.js';
import { ApiError, type FieldError } from '../api/errors.js';
import { newId } from '../shared/ids.js';
import { assertSendingDomain } from '../sending/emails.js';
import { type EmailRecord, findEmail } from '../sending/email-store.js';
import { findTemplate, type TemplateRecord } from '../templates/template-store.js';
import { assertAudience } from './audience-pages.js';
import {
  type Audience,
  BROADCAST_DUE_PARTITION,
  type BroadcastContent,
  type BroadcastRecord,
  type BroadcastStore,
  broadcastJson,
  deleteDraft,
  getBroadcast,
  invalidState,
  putBroadcast,
  replaceBroadcast,
  transition,
} from './broadcast-store.js';
import { BROADCAST_ID_PREFIX, type RecipientsPage } from '../shared/broadcast-recipients.js';
import type { CreateBroadcastInput, RecipientJson, UpdateBroadcastInput } from './contracts.js';
import { composeContent } from './content.js';
import { type BroadcastQueue, enqueue } from './queue.js';
import { type RecipientRecord, listRecipients } from './recipient-store.js';
import { parseScheduledAt } from '../shared/scheduled-at.js';
import type { RecipientStatus } from './state.js';

export interface BroadcastServiceDependencies extends BroadcastStore {
  readonly now: () => Date;
  /** Where sending starts; absent (a test stack without one), sending answers 503. */
  readonly queue?: BroadcastQueue | undefined;
}

const audienceOf = (input: CreateBroadcastInput['audience']): Audience =>
  'list_id' in input ? { listId: input.list_id } : { segmentId: input.segment_id };

export async function createBroadcast(
  deps: BroadcastServiceDependencies,
  auth: AuthContext,
  input: CreateBroadcastInput,
): Promise<BroadcastRecord> {
  const now = deps.now();
  const broadcast: BroadcastRecord = {
    id: newId(BROADCAST_ID_PREFIX, now),
    projectId: auth.projectId,
    name: input.name,
    from: input.from,
    replyTo: input.reply_to ?? [],
    subject: input.subject,
    html: input.html,
    text: input.text,
    template: input.template
      ? { id: input.template.id, variables: input.template.variables ?? {} }
      : undefined,
    audience: audienceOf(input.audience),
    tags: input.tags ?? [],
    status: 'draft',
    counts: { recipients: 0, sent: 0, failed: 0, suppressed: 0, unsubscribed: 0, skipped: 0 },
    pending: 0,
    resolved: false,
    resolveCursor: '',
    resolvedPages: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await checkDraft(deps, auth, broadcast);
  await putBroadcast(deps, broadcast);
  return broadcast;
}

export async function updateBroadcast(
  deps: BroadcastServiceDependencies,
  auth: AuthContext,
  id: string,
  input: UpdateBroadcastInput,
): Promise<BroadcastRecord> {
  const current = await getBroadcast(deps, auth.projectId, id);
  if (current.status !== 'draft') throw invalidState('update');
  const pick = <T>(given: T | null | undefined, kept: T | undefined): T | undefined =>
    given === null ? undefined : (given ?? kept);
  const template =
    input.template === undefined
      ? current.template
      : input.template === null
        ? undefined
        : { id: input.template.id, variables: input.template.variables ?? {} };
  const next: BroadcastRecord = {
    ...current,
    name: input.name ?? current.name,
    from: input.from ?? current.from,
    replyTo: input.reply_to === null ? [] : (input.reply_to ?? current.replyTo),
    subject: pick(input.subject, current.subject),
    html: pick(input.html, current.html),
    text: pick(input.text, current.text),
    template,
    audience: input.audience ? audienceOf(input.audience) : current.audience,
    tags: input.tags ?? current.tags,
    updatedAt: deps.now().toISOString(),
  };
  await checkDraft(deps, auth, next);
  await replaceBroadcast(deps, next, 'update');
  return next;
}

export async function deleteBroadcast(
  deps: BroadcastServiceDependencies,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const broadcast = await getBroadcast(deps, auth.projectId, id);
  if (broadcast.status !== 'draft') throw invalidState('delete');
  await deleteDraft(deps, auth.projectId, id);
}

/**
 * Sends now, or schedules. Every check of a draft is made again (the domain, the key's allowed
 * domains, the audience, the template), and the content every email is rendered from is fixed here.
 */
export async function sendBroadcast(
  deps: BroadcastServiceDependencies,
  auth: AuthContext,
  id: string,
  input: { readonly scheduled_at?: string | undefined },
): Promise<BroadcastRecord> {
  const broadcast = await getBroadcast(deps, auth.projectId, id);
  if (broadcast.status !== 'draft') throw invalidState('send');
  const now = deps.now();
  let scheduledAt: Date | undefined;
  if (input.scheduled_at !== undefined) {
    const parsed = parseScheduledAt(input.scheduled_at, now);
    if (!parsed.ok)
      throw new ApiError('validation_error', {
        message: parsed.message,
        errors: [{ path: 'scheduled_at', message: parsed.message }],
      });
    scheduledAt = parsed.at;
  }
  const { content } = await checkDraft(deps, auth, broadcast);
  const set = { content, sentByKeyId: auth.keyId, resolveCursor: '', resolvedPages: 0, resolved: false };
  if (scheduledAt) {
    const at = scheduledAt.toISOString();
    const scheduled = { ...broadcast, ...set, status: 'scheduled' as const, scheduledAt: at };
    const due = {
      pk: BROADCAST_DUE_PARTITION,
      sk: `${at}#${auth.projectId}#${id}`,
      projectId: auth.projectId,
      broadcastId: id,
    };
    if (
      !(await transition(
        deps,
        broadcast,
        { action: 'schedule', to: 'scheduled', set: { ...set, scheduledAt: at }, alsoWrite: [due] },
        now,
      ))
    )
      throw invalidState('send');
    return scheduled;
  }
  return startSending(deps, broadcast, { ...set }, 'send', now);
}

/**
 * Queues the first page of the audience, then moves the broadcast to `sending` with its
 * `broadcast.sending` event. In that order: a broadcast `sending` without its message would never
 * send, while a message that runs before its broadcast has moved comes back after a backoff until
 * it has (a message whose broadcast never moves is dead-lettered with nothing to settle).
 */
async function startSending(
  deps: BroadcastServiceDependencies,
  broadcast: BroadcastRecord,
  set: Readonly<Record<string, unknown>>,
  action: 'send' | 'start',
  now: Date,
): Promise<BroadcastRecord> {
  if (!deps.queue)
    throw new ApiError('upstream_unavailable', {
      message: 'Broadcasts cannot be sent: this stack has no broadcast queue.',
    });
  await enqueue(deps.queue, [
    { kind: 'resolve', projectId: broadcast.projectId, broadcastId: broadcast.id, after: '', page: 0 },
  ]);
  const sending: BroadcastRecord = { ...broadcast, ...set, status: 'sending', startedAt: now.toISOString() };
  const moved = await transition(
    deps,
    broadcast,
    {
      action,
      to: 'sending',
      set: { ...set, startedAt: sending.startedAt },
      event: { type: 'broadcast.sending', data: broadcastJson(sending) },
    },
    now,
  );
  if (!moved) throw invalidState(action);
  return sending;
}

/** Starts the scheduled broadcasts whose time has come (swept every minute, and locally on a timer). */
export async function startDueBroadcasts(deps: BroadcastServiceDependencies, now: Date): Promise<number> {
  const { Items = [] } = await deps.documents.send(
    new QueryCommand({
      TableName: deps.dataTable,
      KeyConditionExpression: 'pk = :pk AND sk <= :now',
      ExpressionAttributeValues: { ':pk': BROADCAST_DUE_PARTITION, ':now': `${now.toISOString()}#~` },
      Limit: 100,
    }),
  );
  let started = 0;
  for (const item of Items) {
    const broadcast = await getBroadcast(deps, String(item.projectId), String(item.broadcastId)).catch(
      () => undefined,
    );
    if (broadcast?.status === 'scheduled') {
      await startSending(deps, broadcast, {}, 'start', now)
        .then(() => started++)
        .catch((error: unknown) => {
          if (!(error instanceof ApiError && error.code === 'invalid_state')) throw error;
        });
    }
    // Started, canceled or gone: its entry has done its work.
    await deps.documents.send(
      new DeleteCommand({ TableName: deps.dataTable, Key: { pk: item.pk, sk: item.sk } }),
    );
  }
  return started;
}

export async function cancelBroadcast(
  deps: BroadcastServiceDependencies,
  auth: AuthContext,
  id: string,
): Promise<BroadcastRecord> {
  const broadcast = await getBroadcast(deps, auth.projectId, id);
  const now = deps.now();
  const canceled: BroadcastRecord = { ...broadcast, status: 'canceled', completedAt: now.toISOString() };
  const moved = await transition(
    deps,
    broadcast,
    {
      action: 'cancel',
      to: 'canceled',
      set: { completedAt: canceled.completedAt },
      event: { type: 'broadcast.canceled', data: broadcastJson(canceled) },
    },
    now,
  );
  if (!moved) throw invalidState('cancel');
  return canceled;
}

/** Every check a draft passes, and the content it would be sent with now. */
async function checkDraft(
  deps: BroadcastServiceDependencies,
  auth: AuthContext,
  broadcast: BroadcastRecord,
): Promise<{ content: BroadcastContent }> {
  await assertSendingDomain(deps, auth, broadcast.from);
  await assertAudience(deps, auth.projectId, broadcast.audience);
  let template: TemplateRecord | undefined;
  if (broadcast.template) {
    template = await findTemplate(deps, auth.projectId, broadcast.template.id);
    if (!template) throw new ApiError('not_found', { message: 'Template not found.' });
  }
  const own = { subject: broadcast.subject, html: broadcast.html, text: broadcast.text };
  const composed = composeContent(own, template, broadcast.template?.variables ?? {});
  if (composed.ok) return { content: composed.content };
  if (composed.code === 'missing_variable')
    throw new ApiError('missing_variable', {
      message: composed.errors.map((m) => m.message).join(' '),
      errors: composed.errors,
    });
  throw validation(composed.errors);
}

function validation(errors: readonly FieldError[]): ApiError {
  return new ApiError('validation_error', {
    message: errors.map((error) => error.message).join(' '),
    errors,
  });
}

/** A page of recipients; a sent one shows its email's status (delivered, bounced…) as SES reported it. */
export async function recipientsPage(
  deps: BroadcastServiceDependencies,
  broadcast: BroadcastRecord,
  page: RecipientsPage,
): Promise<{ items: RecipientJson[]; nextAfter: string | undefined }> {
  const { recipients, nextAfter } = await listRecipients(
    deps,
    { projectId: broadcast.projectId, broadcastId: broadcast.id },
    page,
  );
  const items = await Promise.all(
    recipients.map(async (recipient) => {
      const email =
        recipient.status === 'sent' && recipient.emailId
          ? await findEmail(deps, broadcast.projectId, recipient.emailId)
          : undefined;
      return recipientJson(recipient, email);
    }),
  );
  return { items, nextAfter };
}

function recipientJson(recipient: RecipientRecord, email: EmailRecord | undefined): RecipientJson {
  return {
    contact_id: recipient.contactId,
    email: recipient.email,
    status: recipientStatus(recipient, email),
    ...(recipient.emailId && recipient.status !== 'queued' ? { email_id: recipient.emailId } : {}),
    ...(recipient.failureReason ? { failure_reason: recipient.failureReason } : {}),
  };
}

function recipientStatus(recipient: RecipientRecord, email: EmailRecord | undefined): RecipientStatus {
  if (recipient.status === 'sending') return 'queued';
  if (recipient.status !== 'sent' || !email) return recipient.status;
  switch (email.status) {
    case 'delivered':
    case 'bounced':
    case 'complained':
    case 'failed':
      return email.status;
    default:
      return 'sent';
  }
}
