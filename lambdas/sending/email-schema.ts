/** The body of `POST /v1/emails`, validated with zod; the handler's input type is inferred from it. */
import * as z from 'zod/mini';
import { withMeta } from '../api/schema-meta.js';
import { attachmentsSchema } from './attachments.js';
import { mailbox, mailboxList, MAX_RECIPIENTS, replyToList } from '../shared/mailbox.js';
import { isScheduledAtShape } from '../shared/scheduled-at.js';
import { templateReferenceSchema } from './template-reference.js';

export { addressOf } from '../shared/mailbox.js';

/** Headers SES or the envelope owns: set them through their own fields, or not at all. */
const RESERVED_HEADERS = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'content-type',
  'content-transfer-encoding',
  'mime-version',
  'return-path',
  'dkim-signature',
  // RFC 5322's resent fields name who forwarded a message: as spoofable as From and Sender.
  'resent-from',
  'resent-sender',
  'resent-to',
  'resent-cc',
  'resent-bcc',
  'resent-date',
  'resent-message-id',
]);

const tagPart = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1 to 256 letters, digits, _ or -'));

export const sendEmailSchema = z
  .strictObject({
    from: z.optional(mailbox),
    to: mailboxList,
    cc: z.optional(mailboxList),
    bcc: z.optional(mailboxList),
    reply_to: z.optional(replyToList),
    subject: z.optional(
      z.string().check(
        z.minLength(1),
        z.maxLength(998),
        z.refine((value) => !/[\r\n]/.test(value), 'must not contain line breaks'),
      ),
    ),
    html: z.optional(z.string().check(z.minLength(1))),
    text: z.optional(z.string().check(z.minLength(1))),
    headers: z.optional(
      z
        .record(
          z.string().check(z.regex(/^[!-9;-~]{1,100}$/, 'must be a valid header name')),
          z.string().check(
            // The builder folds header values at spaces only: an unbroken value must fit RFC 5322's
            // 998-character line by itself.
            z.maxLength(990),
            z.refine(
              // eslint-disable-next-line no-control-regex -- refusing control characters is the point.
              (value) => !/[\x00-\x1f\x7f]/.test(value),
              'must not contain line breaks or control characters',
            ),
          ),
        )
        .check(
          z.refine((headers) => Object.keys(headers).length <= 50, 'must hold at most 50 headers'),
          z.refine(
            (headers) =>
              Object.keys(headers).every(
                (name) =>
                  !RESERVED_HEADERS.has(name.toLowerCase()) && !name.toLowerCase().startsWith('x-ses-'),
              ),
            {
              message:
                'must not set a reserved header: use the from, to, cc, bcc, reply_to and subject fields; X-SES-* is SES’s own',
            },
          ),
        ),
    ),
    tags: z.optional(z.array(z.strictObject({ name: tagPart, value: tagPart })).check(z.maxLength(50))),
    attachments: z.optional(attachmentsSchema),
    template: z.optional(templateReferenceSchema),
    // The shape here; the bounds (1 minute to 30 days ahead) need the request's clock: prepareEmail.
    scheduled_at: z.optional(
      z.string().check(
        z.maxLength(100),
        z.refine(isScheduledAtShape, {
          message:
            'must be an ISO 8601 date-time with an offset (2026-12-07T09:30:00+01:00, …Z) or "in N minutes|hours|days"',
        }),
      ),
    ),
  })
  .check(
    z.superRefine((email, context) => {
      // With a template these may come from it; whether they do is known once it is read.
      if (email.template === undefined) {
        if (email.from === undefined)
          context.addIssue({ code: 'custom', path: ['from'], message: 'is required' });
        if (email.subject === undefined) {
          context.addIssue({ code: 'custom', path: ['subject'], message: 'is required' });
        }
      }
      if (email.template === undefined && email.html === undefined && email.text === undefined) {
        context.addIssue({ code: 'custom', path: ['html'], message: 'is required unless text is given' });
      }
      const recipients = email.to.length + (email.cc?.length ?? 0) + (email.bcc?.length ?? 0);
      if (recipients > MAX_RECIPIENTS) {
        context.addIssue({
          code: 'custom',
          path: ['to'],
          message: `must not, with cc and bcc, name more than ${MAX_RECIPIENTS} recipients`,
        });
      }
    }),
  );

export type SendEmailInput = z.infer<typeof sendEmailSchema>;

/** As Resend's batch. */
export const MAX_BATCH_SIZE = 100;

/** The body of `POST /v1/emails/batch`, which SendGrid's personalizations are also checked with. */
export const sendEmailBatchSchema = withMeta(
  z.array(sendEmailSchema).check(z.minLength(1), z.maxLength(MAX_BATCH_SIZE)),
  { description: `1 to ${MAX_BATCH_SIZE} emails, each shaped like the body of POST /v1/emails.` },
);

/** The request's headers (names lower-cased); the same rules as every idempotent route's. */
export { idempotencyHeadersSchema } from '../http/idempotency.js';
