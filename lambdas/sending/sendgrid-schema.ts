/**
 * The body of SendGrid's `POST /v3/mail/send` as `@sendgrid/mail` sends it (its Mail class's
 * toJSON: snake-cased, options left unset dropped), read in its own shape. Only the shape is
 * checked here; every rule of an email is the `/v1` send's, run on what each personalization maps to
 * (lambdas/sending/sendgrid-adapter.ts).
 */
import * as z from 'zod/mini';
import { withMeta } from '../api/schema-meta.js';
import { MAX_BATCH_SIZE } from './email-schema.js';

/** `{email, name?}`: becomes the mailbox `"name" <email>` the `/v1` rules then check. */
const address = z.strictObject({
  email: z.string().check(z.minLength(1), z.maxLength(320)),
  name: z.optional(z.string().check(z.maxLength(320))),
});

const strings = z.record(z.string(), z.string());

/** SendGrid's unix timestamp, in seconds. */
const unixSeconds = withMeta(z.number().check(z.int(), z.nonnegative()), {
  description: 'A unix time in seconds: the email is scheduled (1 minute to 30 days ahead).',
  example: 1796803200,
});

const personalization = z.strictObject({
  to: z.array(address).check(z.minLength(1)),
  cc: z.optional(z.array(address)),
  bcc: z.optional(z.array(address)),
  from: z.optional(address),
  subject: z.optional(z.string()),
  headers: z.optional(strings),
  custom_args: withMeta(z.optional(strings), { description: 'Sent as tags `{name: key, value}`.' }),
  dynamic_template_data: withMeta(z.optional(z.record(z.string(), z.unknown())), {
    description: "The template's variables (strings, numbers and booleans).",
  }),
  send_at: z.optional(unixSeconds),
});

export const sendgridMailSchema = z.strictObject({
  personalizations: withMeta(z.array(personalization).check(z.minLength(1), z.maxLength(MAX_BATCH_SIZE)), {
    description: `1 to ${MAX_BATCH_SIZE} personalizations: each one email, with its own recipients.`,
  }),
  from: z.optional(address),
  reply_to: z.optional(address),
  reply_to_list: z.optional(z.array(address).check(z.minLength(1))),
  subject: z.optional(z.string()),
  content: withMeta(
    z.optional(z.array(z.strictObject({ type: z.string(), value: z.string() })).check(z.minLength(1))),
    { description: 'A `text/plain` and/or a `text/html` part.' },
  ),
  attachments: z.optional(
    z.array(
      z.strictObject({
        content: z.string(),
        filename: z.string(),
        type: z.optional(z.string()),
        disposition: z.optional(z.enum(['attachment', 'inline'])),
      }),
    ),
  ),
  template_id: withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(100))), {
    description:
      'A scopegate template by id or alias (a template moved from SendGrid keeps its `d-…` id as alias).',
  }),
  headers: z.optional(strings),
  categories: withMeta(z.optional(z.array(z.string()).check(z.maxLength(10))), {
    description: 'Sent as tags `{name: category, value: "category"}`.',
  }),
  custom_args: z.optional(strings),
  send_at: z.optional(unixSeconds),
  mail_settings: z.optional(
    z.strictObject({
      sandbox_mode: z.optional(z.strictObject({ enable: z.optional(z.boolean()) })),
    }),
  ),
});

export type SendGridMail = z.output<typeof sendgridMailSchema>;
export type SendGridPersonalization = SendGridMail['personalizations'][number];

/**
 * What SendGrid offers and scopegate does not, refused by name (422, nothing sent): legacy
 * substitutions and sections, unsubscribe groups, batches and IP pools, per-message tracking
 * (scopegate tracks per domain), inline images, and the mail settings besides sandbox mode.
 */
export const SENDGRID_UNSUPPORTED_FIELDS = [
  'personalizations[].substitutions',
  'sections',
  'asm',
  'batch_id',
  'ip_pool_name',
  'tracking_settings',
  'attachments[].content_id',
  'mail_settings.bypass_list_management',
  'mail_settings.bypass_spam_management',
  'mail_settings.bypass_bounce_management',
  'mail_settings.bypass_unsubscribe_management',
  'mail_settings.footer',
  'mail_settings.spam_check',
] as const;
