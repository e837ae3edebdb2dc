/**
 * The Resend surface of the sending service: each `/resend/*` route maps Resend's request to the
 * `/v1` route it stands for, calls that route's handler — every rule, check and idempotency claim is
 * the `/v1` one — and maps the answer back to Resend's shape (docs/architecture.md, "API surfaces").
 *
 * Two routes have no `/v1` handler to call and call the `/v1` domain functions instead: a list paged
 * by item id (`/v1` pages with signed cursors) and a permissive batch (`/v1` batches are strict).
 */
import { ApiError } from '../api/errors.js';
import type { ServiceHandlers } from '../http/frame.js';
import { answerResendPage } from '../http/resend-paging.js';
import { validate } from '../http/validation.js';
import { isIdOf } from '../shared/ids.js';
import { type BatchItem, sendPermissiveEmailBatch } from './batch.js';
import {
  type EmailJson,
  RESEND_LAST_EVENTS,
  type RESEND_SENDING_CONTRACTS,
  type ResendEmailJson,
  type ResendListedEmailJson,
  type SENDGRID_SENDING_CONTRACTS,
  SENDING_CONTRACTS,
} from './contracts.js';
import { sendEmailSchema } from './email-schema.js';
import { EMAIL_ID_PREFIX, emailJson, emailSortKey, listEmails } from './email-store.js';
import type { SendingDependencies } from './emails.js';

/** The `/v1` handlers the surfaces' adapters call. */
export type SendingV1Handlers = ServiceHandlers<
  Omit<
    typeof SENDING_CONTRACTS,
    keyof typeof RESEND_SENDING_CONTRACTS | keyof typeof SENDGRID_SENDING_CONTRACTS
  >
>;

export function resendSendingHandlers(
  v1: SendingV1Handlers,
  deps: SendingDependencies,
): ServiceHandlers<typeof RESEND_SENDING_CONTRACTS> {
  return {
    // Resend's send is /v1's field for field (parsed by the same schema); its answer `{id}` too.
    resendSendEmail: (request) => v1.sendEmail({ ...request }),
    resendSendEmailBatch: async (request) => {
      const { 'x-batch-validation': validation, ...headers } = request.headers;
      if (validation === 'strict') {
        // The /v1 batch's own schema: the same problems, in the same words, refuse the batch.
        const body = validate(SENDING_CONTRACTS.sendEmailBatch.body, request.body, 'body');
        return v1.sendEmailBatch({ ...request, headers, body });
      }
      const { ids, errors } = await sendPermissiveEmailBatch(
        deps,
        request.auth,
        { body: request.body, items: request.body.map(batchItemOf) },
        headers['idempotency-key'],
        request.markReplayed,
      );
      return { data: ids.map((id) => ({ id })), errors: [...errors] };
    },
    resendListEmails: ({ auth, query }) =>
      answerResendPage(
        query,
        (id) => (isIdOf(EMAIL_ID_PREFIX, id) ? emailSortKey(id) : undefined),
        async ({ limit, after, direction }) => {
          const page = { limit, after, backwards: direction === 'backward' };
          const { emails, nextAfter } = await listEmails(deps, auth.projectId, page);
          return { items: emails.map((email) => resendListedEmailOf(emailJson(email))), nextAfter };
        },
      ),
    resendGetEmail: async (request) => resendEmailOf(await v1.getEmail({ ...request })),
    resendUpdateEmail: async (request) => emailReferenceOf(await v1.rescheduleEmail({ ...request })),
    resendCancelEmail: async (request) => emailReferenceOf(await v1.cancelEmail({ ...request })),
  };
}

/** One email of a permissive batch read with the /v1 send's schema: its input, or its problem. */
export function batchItemOf(email: unknown): BatchItem {
  try {
    return { input: validate(sendEmailSchema, email, 'body') };
  } catch (error) {
    if (error instanceof ApiError) return { refused: error.message };
    throw error;
  }
}

type ResendLastEvent = (typeof RESEND_LAST_EVENTS)[number];

const isResendLastEvent = (value: string): value is ResendLastEvent =>
  (RESEND_LAST_EVENTS as readonly string[]).includes(value);

/** Resend's `last_event`: the latest SES event's type without `email.`, else what the status says. */
export function resendLastEventOf(email: Pick<EmailJson, 'last_event' | 'status'>): ResendLastEvent {
  const fromEvent = email.last_event?.slice('email.'.length);
  if (fromEvent !== undefined && isResendLastEvent(fromEvent)) return fromEvent;
  // `sending` (one sweeper holds a due scheduled email) is not a word Resend has: it is queued.
  return email.status === 'sending' ? 'queued' : email.status;
}

/** The fields Resend's emails.get and emails.list share. */
export function resendListedEmailOf(email: EmailJson): ResendListedEmailJson {
  return {
    id: email.id,
    from: email.from,
    to: [...email.to],
    cc: [...email.cc],
    bcc: [...email.bcc],
    reply_to: [...email.reply_to],
    subject: email.subject,
    created_at: email.created_at,
    scheduled_at: email.scheduled_at,
    last_event: resendLastEventOf(email),
    ...(email.ses_message_id === null ? {} : { message_id: email.ses_message_id }),
  };
}

/** Resend's emails.get: bodies are not stored, so `html` and `text` are null. */
export function resendEmailOf(email: EmailJson): ResendEmailJson {
  return {
    object: 'email',
    ...resendListedEmailOf(email),
    html: null,
    text: null,
    tags: email.tags.map(({ name, value }) => ({ name, value })),
  };
}

function emailReferenceOf(email: Pick<EmailJson, 'id'>): { object: 'email'; id: string } {
  return { object: 'email', id: email.id };
}
