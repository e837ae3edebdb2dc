/** The body of `POST /v1/emails`, validated with zod; the handler's input type is inferred from it. */
import { z } from 'zod';

const MAX_RECIPIENTS = 50; // SES's limit per message (to + cc + bcc)
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
]);
const MAX_MAILBOX_LENGTH = 320;

const plainAddress = z.email({ message: 'Must be an email address' });

/** `someone@example.com`, `Some One <someone@example.com>` or `"One, Some" <someone@example.com>`. */
export const mailbox = z
  .string()
  .trim()
  .refine((value) => addressOf(value) !== undefined, {
    message: 'Must be an email address or "Name <address>" (ASCII, at most 320 characters)',
  });

// Unquoted display names: atext, spaces and dots only — no `,` `;` `:` `@` that could make SES read
// one field as several mailboxes. Quoted names: printable ASCII without `"` or `\`. Both linear.
const UNQUOTED_NAME = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~. ]*$/;
const QUOTED_NAME = /^"[\x20\x21\x23-\x5b\x5d-\x7e]*"$/;

/** The bare address of a mailbox, or undefined when it is not one. Length is checked before any regex. */
export function addressOf(value: string): string | undefined {
  const mailbox = value.trim();
  if (mailbox.length > MAX_MAILBOX_LENGTH || !/^[\x20-\x7e]*$/.test(mailbox)) return undefined;
  if (!mailbox.endsWith('>')) return plainAddress.safeParse(mailbox).success ? mailbox : undefined;
  const open = mailbox.lastIndexOf('<');
  if (open === -1) return undefined;
  const name = mailbox.slice(0, open).trim();
  const address = mailbox.slice(open + 1, -1);
  if (!UNQUOTED_NAME.test(name) && !QUOTED_NAME.test(name)) return undefined;
  return plainAddress.safeParse(address).success ? address : undefined;
}

// A union reports only "Invalid input" when both branches fail, so the shape is checked loosely here
// and the counts with their own messages below (per field here, all recipients in superRefine).
const mailboxList = z
  .union([mailbox, z.array(mailbox)], {
    error: 'Must be an email address or a list of them',
  })
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .refine((list) => list.length > 0, 'Must name at least one address')
  .refine((list) => list.length <= MAX_RECIPIENTS, `At most ${MAX_RECIPIENTS} addresses`);

const tagPart = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'Only letters, digits, _ and - (at most 256)');

export const sendEmailSchema = z
  .object({
    from: mailbox,
    to: mailboxList,
    cc: mailboxList.optional(),
    bcc: mailboxList.optional(),
    reply_to: mailboxList.optional(),
    subject: z
      .string()
      .min(1)
      .max(998)
      .refine((value) => !/[\r\n]/.test(value), 'Must not contain line breaks'),
    html: z.string().min(1).optional(),
    text: z.string().min(1).optional(),
    headers: z
      .record(
        z.string().regex(/^[!-9;-~]{1,100}$/, 'Must be a valid header name'),
        z
          .string()
          .max(2000)
          .refine(
            // eslint-disable-next-line no-control-regex -- refusing control characters is the point.
            (value) => !/[\x00-\x1f\x7f]/.test(value),
            'Must not contain line breaks or control characters',
          ),
      )
      .refine((headers) => Object.keys(headers).length <= 50, 'At most 50 headers')
      .refine(
        (headers) =>
          Object.keys(headers).every(
            (name) => !RESERVED_HEADERS.has(name.toLowerCase()) && !name.toLowerCase().startsWith('x-ses-'),
          ),
        {
          message:
            'Reserved header: use the from, to, cc, bcc, reply_to and subject fields; X-SES-* is SES’s own',
        },
      )
      .optional(),
    tags: z
      .array(z.object({ name: tagPart, value: tagPart }).strict())
      .max(50)
      .optional(),
  })
  .strict()
  .superRefine((email, context) => {
    if (email.html === undefined && email.text === undefined) {
      context.addIssue({ code: 'custom', path: ['html'], message: 'Provide html, text or both' });
    }
    const recipients = email.to.length + (email.cc?.length ?? 0) + (email.bcc?.length ?? 0);
    if (recipients > MAX_RECIPIENTS) {
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `At most ${MAX_RECIPIENTS} recipients in to, cc and bcc together`,
      });
    }
  });

export type SendEmailInput = z.infer<typeof sendEmailSchema>;

export const listEmailsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});

/** The request's headers (names lower-cased); errors name the header. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,256}$/, 'Must be 1 to 256 printable ASCII characters, without spaces')
    .optional(),
});
