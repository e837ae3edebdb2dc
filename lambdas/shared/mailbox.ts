/**
 * Reading one mailbox — `someone@example.com`, `Some One <someone@example.com>` or
 * `"One, Some" <someone@example.com>` — into its display name and address. Pure and linear: the
 * length is checked before anything else, and every pattern is a single character class (no
 * backtracking), so a megabyte of input is refused as fast as a short one.
 *
 * Display names may hold any printable Unicode (the MIME builder RFC 2047-encodes them); addresses
 * stay ASCII. An unquoted name may not hold `,` `;` `:` `@` `<` `>` `"` (or the other RFC 5322
 * specials), so that no field can be read as several mailboxes — which would slip past the domain
 * restriction and the recipient cap.
 */
import * as z from 'zod/mini';

export const MAX_MAILBOX_LENGTH = 320;
export const MAX_RECIPIENTS = 50; // SES's limit per message (to + cc + bcc)

export interface Mailbox {
  /** The display name without its quotes; empty when there is none. */
  readonly name: string;
  readonly address: string;
}

const plainAddress = z.email();

// One character class each, so every test is linear.
const ASCII_ADDRESS = /^[\x21-\x7e]+$/;
/** RFC 5322 specials (and the quote and backslash): only a quoted name may hold them, minus `"` and `\`. */
const UNQUOTED_NAME = /^[^()<>[\]:;@\\,"]*$/u;
const QUOTED_NAME_CONTENT = /^[^"\\]*$/u;
/**
 * Control characters, lone surrogates, line and paragraph separators, and the bidirectional
 * overrides and isolates that can make `gpj.exe` display as `exe.jpg`.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cs}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** The mailbox's name and address, or undefined when it is not one. */
export function parseMailbox(value: string): Mailbox | undefined {
  if (value.length > MAX_MAILBOX_LENGTH) return undefined;
  const mailbox = value.trim();
  if (UNPRINTABLE.test(mailbox)) return undefined;
  if (!mailbox.endsWith('>')) return addressOrUndefined('', mailbox);
  const open = mailbox.lastIndexOf('<');
  if (open === -1) return undefined;
  const name = displayName(mailbox.slice(0, open).trim());
  return name === undefined ? undefined : addressOrUndefined(name, mailbox.slice(open + 1, -1));
}

/** The bare address of a mailbox, or undefined when it is not one. */
export function addressOf(value: string): string | undefined {
  return parseMailbox(value)?.address;
}

function displayName(raw: string): string | undefined {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    const inner = raw.slice(1, -1);
    return QUOTED_NAME_CONTENT.test(inner) ? inner : undefined;
  }
  return UNQUOTED_NAME.test(raw) ? raw : undefined;
}

function addressOrUndefined(name: string, address: string): Mailbox | undefined {
  if (!ASCII_ADDRESS.test(address) || !plainAddress.safeParse(address).success) return undefined;
  return { name, address };
}

/** `someone@example.com`, `Some One <someone@example.com>` or `"One, Some" <someone@example.com>`. */
export const mailbox = z.string().check(
  z.trim(),
  z.refine((value) => parseMailbox(value) !== undefined, {
    message: `must be an email address or "Name <address>" (at most ${MAX_MAILBOX_LENGTH} characters)`,
  }),
);

// A union reports only "Invalid input" when both branches fail, so it carries its own message. The
// recipient count is checked once, for to, cc and bcc together, by the email schema (lambdas/sending/email-schema.ts): a per-field cap
// too would report one mistake twice.
export const mailboxList = z
  .pipe(
    z.union([mailbox, z.array(mailbox)], { error: 'must be an email address or a list of them' }),
    z.transform((value) => (Array.isArray(value) ? value : [value])),
  )
  .check(z.refine((list) => list.length > 0, 'must name at least one address'));

export const replyToList = mailboxList.check(
  z.refine((list) => list.length <= MAX_RECIPIENTS, `must name at most ${MAX_RECIPIENTS} addresses`),
);
