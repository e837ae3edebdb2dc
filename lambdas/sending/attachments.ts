/**
 * The rules for attachments, pure: strict base64, decoded sizes, filenames and content types. The
 * content stays base64 text in the parsed request (so the idempotency hash and the batch's checks
 * see plain strings); it is decoded only when the MIME message is built.
 */
import * as z from 'zod/mini';

/** Decoded, all attachments of one email together: the request must stay under Lambda's 6 MB. */
export const MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024;
export const MAX_ATTACHMENTS = 20;
/** SES's limit on an attachment's file name. */
export const MAX_FILENAME_LENGTH = 255;

/**
 * The extensions SES refuses to send ("Unsupported attachment types" in the SES developer guide),
 * refused here first so a batch fails before any email goes out.
 */
export const DANGEROUS_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'ade adp app asp bas bat cer chm cmd com cpl crt csh der exe fxp gadget hlp hta inf ins isp its js ' +
    'jse ksh lib lnk mad maf mag mam maq mar mas mat mau mav maw mda mdb mde mdt mdw mdz msc msh msh1 ' +
    'msh2 mshxml msh1xml msh2xml msi msp mst ops pcd pif plg prf prg reg scf scr sct shb shs sys ps1 ' +
    'ps1xml ps2 ps2xml psc1 psc2 tmp url vb vbe vbs vps vsmacros vss vst vsw vxd ws wsc wsf wsh xnk'
  ).split(' '),
);

// Single character classes only: linear on any input.
const BASE64_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;
/** Controls, separators, and format characters (zero-width and bidirectional ones hide extensions). */
const UNSAFE_IN_FILENAME = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
/** RFC 6838 type/subtype, without parameters. */
const CONTENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/**
 * True for canonical, padded base64 (RFC 4648 §4): the standard alphabet, length a multiple of 4,
 * and zero unused bits — exactly the strings that decoding and re-encoding give back unchanged.
 */
export function isStrictBase64(value: string): boolean {
  if (value.length % 4 !== 0 || !BASE64_ALPHABET.test(value)) return false;
  return Buffer.from(value, 'base64').toString('base64') === value;
}

/** The decoded size of strict base64, computed from its length without decoding it. */
export function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/**
 * The name a recipient sees: the last path segment (both `/` and `\`), without control or invisible
 * characters, NFC-normalised, trimmed. Unicode letters are kept.
 */
export function sanitizeFilename(filename: string): string {
  const lastSegment = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
  return lastSegment.replace(UNSAFE_IN_FILENAME, '').normalize('NFC').trim();
}

/**
 * True when the name ends in an extension SES refuses, in any case, however many extensions come
 * before it (`invoice.pdf.exe`), and ignoring the trailing dots and spaces Windows drops (`a.exe.`).
 */
export function hasDangerousExtension(filename: string): boolean {
  let end = filename.length;
  while (end > 0 && (filename[end - 1] === '.' || filename[end - 1] === ' ')) end--;
  const effective = filename.slice(0, end).toLowerCase();
  const dot = effective.lastIndexOf('.');
  return dot !== -1 && DANGEROUS_EXTENSIONS.has(effective.slice(dot + 1));
}

const filenameSchema = z.pipe(z.string().check(z.maxLength(1000)), z.transform(sanitizeFilename)).check(
  z.refine((name) => name !== '' && name !== '.' && name !== '..', 'must name a file'),
  z.refine(
    (name) => name.length <= MAX_FILENAME_LENGTH,
    `must be at most ${MAX_FILENAME_LENGTH} characters long`,
  ),
  z.refine((name) => !hasDangerousExtension(name), {
    message: 'must not have an extension that mail providers block (such as .exe, .js or .bat)',
  }),
);

export const attachmentSchema = z.strictObject({
  filename: filenameSchema,
  content: z
    .string()
    .check(
      z.minLength(1),
      z.refine(isStrictBase64, 'must be base64 (standard alphabet, padded, without line breaks)'),
    ),
  content_type: z.optional(
    z.pipe(
      z.string().check(z.regex(CONTENT_TYPE, 'must be a media type such as application/pdf')),
      z.transform((value) => value.toLowerCase()),
    ),
  ),
});

export type AttachmentInput = z.infer<typeof attachmentSchema>;

export const attachmentsSchema = z.array(attachmentSchema).check(
  z.maxLength(MAX_ATTACHMENTS),
  z.refine(
    (attachments) =>
      attachments.reduce((total, { content }) => total + decodedLength(content), 0) <= MAX_ATTACHMENT_BYTES,
    'must not exceed 4 MB (4,194,304 bytes) decoded, all attachments together',
  ),
);
