/**
 * The raw MIME message SES sends, built by nodemailer's MailComposer: CRLF line ends, lines folded
 * and bodies quoted-printable under 78 characters, display names, subject and header values
 * RFC 2047-encoded when they are not ASCII, attachment names RFC 2231-encoded, header values
 * stripped of line breaks. Bcc is deliberately absent: it travels only in SES's Destination.
 *
 * Mailboxes are handed over already split into name and address by our own parser, so the builder
 * never re-parses what we validated.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { AttachmentInput } from './attachments.js';
import { type Mailbox, parseMailbox } from '../shared/mailbox.js';

export interface MimeInput {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly replyTo: readonly string[];
  readonly subject: string;
  readonly html?: string | undefined;
  readonly text?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly attachments: readonly AttachmentInput[];
}

export interface MimeMessage {
  readonly raw: Buffer;
  /** The From header as encoded in the message: SES's FromEmailAddress, as nodemailer's SES transport does. */
  readonly fromHeader: string;
}

export async function buildMimeMessage(email: MimeInput): Promise<MimeMessage> {
  const from = mailboxOf(email.from);
  const node = new MailComposer({
    from,
    to: email.to.map(mailboxOf),
    ...(email.cc.length > 0 ? { cc: email.cc.map(mailboxOf) } : {}),
    ...(email.replyTo.length > 0 ? { replyTo: email.replyTo.map(mailboxOf) } : {}),
    subject: email.subject,
    ...(email.text !== undefined ? { text: email.text } : {}),
    ...(email.html !== undefined ? { html: email.html } : {}),
    headers: { ...email.headers },
    attachments: email.attachments.map((attachment) => ({
      filename: attachment.filename,
      content: Buffer.from(attachment.content, 'base64'),
      // Without one, MailComposer takes it from the extension, else application/octet-stream.
      ...(attachment.content_type ? { contentType: attachment.content_type } : {}),
      contentTransferEncoding: 'base64',
    })),
    newline: 'windows',
    // Content comes only from the request: never let an option reach the file system or the network.
    disableFileAccess: true,
    disableUrlAccess: true,
  }).compile();
  return { raw: await node.build(), fromHeader: node.encodeHeaderValue('From', from) };
}

/** Validated upstream; a mailbox that does not parse here is a bug, not bad input. */
function mailboxOf(value: string): { name: string; address: string } {
  const mailbox: Mailbox | undefined = parseMailbox(value);
  if (!mailbox) throw new Error('buildMimeMessage was given a mailbox the schema should have refused');
  return { name: mailbox.name, address: mailbox.address };
}
