/**
 * The SendGrid surface of the sending service. `POST /sendgrid/v3/mail/send` is one `/v1` email per
 * personalization, sent by the `/v1` batch handler: every email checked (shape, domain, template,
 * suppression, schedule) before the first is sent, the same Idempotency-Key claims, the same audit.
 * What is SendGrid's alone lives here: the mapping of its fields to `/v1`'s (pure, emailsOfMail), and
 * of `/v1`'s field paths in an error back to the fields the client wrote (sendgridFieldOf), so that
 * `errors[].field` names a SendGrid field (docs/decisions/0038-sendgrid-surface.md).
 */
import type * as z from 'zod/mini';
import { ApiError, type FieldError, unsupportedParameter } from '../api/errors.js';
import type { AuthContext } from '../keys/auth-context.js';
import type { ServiceHandlers } from '../http/frame.js';
import { validate } from '../http/validation.js';
import type { SENDGRID_SENDING_CONTRACTS } from './contracts.js';
import { type SendEmailInput, sendEmailBatchSchema, type sendEmailSchema } from './email-schema.js';
import type { SendingV1Handlers } from './resend-adapter.js';
import type { SendGridMail, SendGridPersonalization } from './sendgrid-schema.js';

/** A `/v1` email body before its check: the template's variables as SendGrid sent them. */
type EmailBody = Omit<z.input<typeof sendEmailSchema>, 'template'> & {
  readonly template?: { readonly id: string; readonly variables?: Readonly<Record<string, unknown>> };
};

/** For one email: which SendGrid field each `/v1` field (or field path prefix) came from. */
export type FieldOrigins = Readonly<Record<string, string>>;

export interface MappedMail {
  /** One `/v1` email body per personalization, in order, not yet checked. */
  readonly emails: readonly EmailBody[];
  readonly origins: readonly FieldOrigins[];
  /** `mail_settings.sandbox_mode.enable`: check everything, send nothing. */
  readonly sandbox: boolean;
}

/** Checks a batch as the `/v1` batch does before sending, sending nothing (lambdas/sending/batch.ts). */
export type CheckEmails = (auth: AuthContext, emails: readonly SendEmailInput[]) => Promise<unknown>;

export function sendgridSendingHandlers(
  v1: SendingV1Handlers,
  checkEmails: CheckEmails,
): ServiceHandlers<typeof SENDGRID_SENDING_CONTRACTS> {
  return {
    sendgridSendMail: async (request) => {
      const mapped = emailsOfMail(request.body);
      try {
        // The /v1 batch's own schema: each personalization is held to every rule of a /v1 email.
        const emails = validate(sendEmailBatchSchema, mapped.emails);
        if (mapped.sandbox) {
          await checkEmails(request.auth, emails);
          return { body: undefined, headers: {}, status: 200 };
        }
        const { data } = await v1.sendEmailBatch({ ...request, body: emails });
        return { body: undefined, headers: { 'x-message-id': data[0]?.id ?? '' } };
      } catch (error) {
        throw error instanceof ApiError ? inSendGridTerms(error, mapped.origins) : error;
      }
    },
  };
}

/** SendGrid's `{email, name}` as the mailbox `/v1` reads. */
export function mailboxOf(address: { readonly email: string; readonly name?: string | undefined }): string {
  return address.name ? `"${address.name}" <${address.email}>` : address.email;
}

/**
 * The `/v1` emails a SendGrid request stands for: per personalization its recipients, and what it
 * sets over the request's own `from`, `subject`, `headers`, `custom_args` and `send_at`. Throws
 * `invalid_parameter` for a content type or an inline attachment scopegate cannot send.
 */
export function emailsOfMail(mail: SendGridMail): MappedMail {
  const { html, text } = bodiesOf(mail.content ?? []);
  const attachments = mail.attachments?.map((attachment, index) => {
    if (attachment.disposition === 'inline') {
      throw unsupportedParameter(
        `attachments.${index}.disposition`,
        'inline attachments are not supported; send it as an attachment',
      );
    }
    return {
      content: attachment.content,
      filename: attachment.filename,
      ...(attachment.type === undefined ? {} : { content_type: attachment.type }),
    };
  });
  const mapped = mail.personalizations.map((personalization, index) =>
    emailOf(mail, personalization, `personalizations.${index}`, { html, text, attachments }),
  );
  return {
    emails: mapped.map(({ email }) => email),
    origins: mapped.map(({ origins }) => origins),
    sandbox: mail.mail_settings?.sandbox_mode?.enable === true,
  };
}

function emailOf(
  mail: SendGridMail,
  personalization: SendGridPersonalization,
  at: string,
  shared: Pick<EmailBody, 'html' | 'text' | 'attachments'>,
): { email: EmailBody; origins: FieldOrigins } {
  const origins: Record<string, string> = {
    to: `${at}.to`,
    cc: `${at}.cc`,
    bcc: `${at}.bcc`,
    from: personalization.from ? `${at}.from` : 'from',
    subject: personalization.subject === undefined ? 'subject' : `${at}.subject`,
    reply_to: mail.reply_to_list ? 'reply_to_list' : 'reply_to',
    ...(mail.reply_to_list ? {} : { 'reply_to.0': 'reply_to' }),
    html: 'content',
    text: 'content',
    headers: 'headers',
    attachments: 'attachments',
    template: 'template_id',
    'template.id': 'template_id',
    'template.variables': `${at}.dynamic_template_data`,
    scheduled_at: personalization.send_at === undefined ? 'send_at' : `${at}.send_at`,
    tags: 'categories',
  };
  shared.attachments?.forEach((_, index) => {
    origins[`attachments.${index}.content_type`] = `attachments.${index}.type`;
  });
  const headers = { ...mail.headers, ...personalization.headers };
  for (const name of Object.keys(headers)) {
    origins[`headers.${name}`] = personalization.headers?.[name] === undefined ? 'headers' : `${at}.headers`;
  }
  const tags = [
    ...(mail.categories ?? []).map((category, index) => {
      return { tag: { name: category, value: 'category' }, origin: `categories.${index}` };
    }),
    ...Object.entries({ ...mail.custom_args, ...personalization.custom_args }).map(([name, value]) => ({
      tag: { name, value },
      origin: `${personalization.custom_args?.[name] === undefined ? '' : `${at}.`}custom_args.${name}`,
    })),
  ];
  tags.forEach(({ origin }, index) => {
    origins[`tags.${index}`] = origin;
    origins[`tags.${index}.name`] = origin;
    origins[`tags.${index}.value`] = origin;
  });
  const from = personalization.from ?? mail.from;
  const replyTo = mail.reply_to_list?.map(mailboxOf) ?? (mail.reply_to ? [mailboxOf(mail.reply_to)] : []);
  const subject = personalization.subject ?? mail.subject;
  const sendAt = personalization.send_at ?? mail.send_at;
  const email: EmailBody = {
    to: personalization.to.map(mailboxOf),
    ...(personalization.cc?.length ? { cc: personalization.cc.map(mailboxOf) } : {}),
    ...(personalization.bcc?.length ? { bcc: personalization.bcc.map(mailboxOf) } : {}),
    ...(from ? { from: mailboxOf(from) } : {}),
    ...(replyTo.length > 0 ? { reply_to: replyTo } : {}),
    ...(subject === undefined ? {} : { subject }),
    ...(shared.html === undefined ? {} : { html: shared.html }),
    ...(shared.text === undefined ? {} : { text: shared.text }),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(tags.length > 0 ? { tags: tags.map(({ tag }) => tag) } : {}),
    ...(shared.attachments ? { attachments: shared.attachments } : {}),
    ...(mail.template_id === undefined
      ? {}
      : {
          template: {
            id: mail.template_id,
            ...(personalization.dynamic_template_data
              ? { variables: personalization.dynamic_template_data }
              : {}),
          },
        }),
    ...(sendAt === undefined ? {} : { scheduled_at: new Date(sendAt * 1000).toISOString() }),
  };
  return { email, origins };
}

/** `content` as `/v1`'s `text` and `html`: one part of each at most, no other type. */
function bodiesOf(content: NonNullable<SendGridMail['content']>): { html?: string; text?: string } {
  const bodies: { html?: string; text?: string } = {};
  content.forEach(({ type, value }, index) => {
    const mediaType = (type.split(';')[0] ?? '').trim().toLowerCase();
    const field = mediaType === 'text/plain' ? 'text' : mediaType === 'text/html' ? 'html' : undefined;
    if (field === undefined) {
      throw unsupportedParameter(
        `content.${index}.type`,
        'scopegate sends text/plain and text/html parts only',
      );
    }
    if (bodies[field] !== undefined) {
      const message = `content.${index} must not be a second ${mediaType} part.`;
      throw new ApiError('validation_error', { message, errors: [{ path: `content.${index}`, message }] });
    }
    // An empty part is no part (SendGrid refuses it; /v1 needs one body, which the other may be).
    if (value !== '') bodies[field] = value;
  });
  return bodies;
}

/**
 * The SendGrid field a `/v1` batch error path names: `<email>.<field…>` through that email's origins,
 * by the longest prefix known (`1.tags.0.value` → `categories.0`, `0.to.2` → `personalizations.0.to.2`).
 * Null for a path that names no field of an email.
 */
export function sendgridFieldOf(path: string, origins: readonly FieldOrigins[]): string | null {
  const [first, ...rest] = path.split('.');
  const index = Number(first);
  if (first === undefined || first === '' || !Number.isInteger(index)) return path === '' ? null : path;
  const known = origins[index];
  if (!known || rest.length === 0) return `personalizations.${index}`;
  for (let length = rest.length; length > 0; length--) {
    const origin = known[rest.slice(0, length).join('.')];
    if (origin !== undefined) return [origin, ...rest.slice(length)].join('.');
  }
  return `personalizations.${index}.${rest.join('.')}`;
}

/** The same error with each field named as the client wrote it, in its paths and its sentences. */
export function inSendGridTerms(error: ApiError, origins: readonly FieldOrigins[]): ApiError {
  if (!error.errors) return error;
  const errors: FieldError[] = error.errors.map(({ path, message }) => {
    const field = sendgridFieldOf(path, origins);
    return { path: field ?? '', message: field === null ? message : reworded(message, path, field) };
  });
  const [only] = errors;
  const [original] = error.errors;
  const message =
    errors.length === 1 && only && error.message === original?.message
      ? only.message
      : error.message.startsWith(`The request has ${errors.length} problems: `)
        ? `The request has ${errors.length} problems: ${errors.map((problem) => problem.message).join(' ')}`
        : error.message;
  return new ApiError(error.code, {
    message,
    errors,
    ...(error.requiredScope ? { requiredScope: error.requiredScope } : {}),
    ...(error.data ? { data: error.data } : {}),
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
  });
}

/** "Item 0: tags.1.value must be …" → "categories.1 must be …"; a sentence naming no path is kept. */
function reworded(message: string, path: string, field: string): string {
  const [index, ...rest] = path.split('.');
  const body = message.startsWith(`Item ${index}: `) ? message.slice(`Item ${index}: `.length) : message;
  const named = rest.join('.');
  return named !== '' && body.startsWith(`${named} `) ? `${field} ${body.slice(named.length + 1)}` : message;
}
