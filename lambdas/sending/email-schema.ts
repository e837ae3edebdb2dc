/** The body of `POST /v1/emails`, validated with zod; the handler's input type is inferred from it. */
import { z } from 'zod';

const MAX_RECIPIENTS = 50; // SES's limit per message (to + cc + bcc)
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'content-type',
  'mime-version',
  'return-path',
]);

const plainAddress = z.email({ message: 'Must be an email address' });

/** `someone@example.com` or `Some One <someone@example.com>`. */
export const mailbox = z
  .string()
  .trim()
  .max(320)
  .refine((value) => addressOf(value) !== undefined, {
    message: 'Must be an email address or "Name <address>"',
  });

export function addressOf(value: string): string | undefined {
  const named = /^(?:"[^"\r\n]*"|[^<>"\r\n]*)\s*<([^<>\s]+)>$/.exec(value.trim());
  const address = named ? named[1] : value.trim();
  return plainAddress.safeParse(address).success ? address : undefined;
}

const mailboxList = z
  .union([mailbox, z.array(mailbox).min(1).max(MAX_RECIPIENTS)])
  .transform((value) => (Array.isArray(value) ? value : [value]));

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
          .refine((value) => !/[\r\n]/.test(value), 'Must not contain line breaks'),
      )
      .refine((headers) => Object.keys(headers).length <= 50, 'At most 50 headers')
      .refine((headers) => Object.keys(headers).every((name) => !RESERVED_HEADERS.has(name.toLowerCase())), {
        message: 'Use the from, to, cc, bcc, reply_to and subject fields instead of these headers',
      })
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

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,256}$/, 'Idempotency-Key must be 1 to 256 printable ASCII characters');
