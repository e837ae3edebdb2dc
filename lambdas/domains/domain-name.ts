/**
 * Sending-domain names as the API stores them: lower case, IDNA to punycode, no trailing dot, a
 * valid host name under a public suffix, and registrable (not a public suffix itself). The suffix
 * list is tldts's copy of the Public Suffix List; nothing here hand-writes suffixes.
 *
 * Private-section suffixes count (`github.io`, `herokuapp.com`): their owners hand out names below
 * them to different people, so `github.io` itself is refused like `co.uk`, and `you.github.io` is a
 * name of its own (docs/decisions/0010-sending-domains.md).
 */
import { domainToASCII } from 'node:url';
import { parse } from 'tldts';

/** RFC 1035: 253 characters in all, 63 per label; letters, digits and inner hyphens (no `_`, no `*`). */
const MAX_NAME_LENGTH = 253;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** RFC 2606 reserves `.invalid`; the local stack accepts it so that a failed verification can be tried. */
const RESERVED_FOR_FAILURE = '.invalid';

export interface NameOptions {
  /** Accept names ending in `.invalid` (the local stack only). */
  readonly allowInvalidTld?: boolean;
}

export type NameResult = { readonly name: string } | { readonly error: string };

/** The stored form of a domain name, or why it cannot be one (a predicate, for a validation message). */
export function normaliseDomainName(raw: string, options: NameOptions = {}): NameResult {
  const trimmed = raw.trim().replace(/\.$/, '');
  if (trimmed === '' || trimmed.includes('..') || /[/:@\s[\]]/.test(trimmed)) {
    return { error: 'must be a domain name such as example.com' };
  }
  // domainToASCII lower-cases and applies IDNA (UTS #46); it answers '' for a name it cannot map.
  const name = domainToASCII(trimmed);
  if (name === '') return { error: 'must be a domain name such as example.com' };
  if (name.length > MAX_NAME_LENGTH) return { error: `must be at most ${MAX_NAME_LENGTH} characters` };
  const labels = name.split('.');
  if (!labels.every((label) => LABEL.test(label))) {
    return { error: 'must be made of labels of 1 to 63 letters, digits or inner hyphens' };
  }
  if (options.allowInvalidTld && name.endsWith(RESERVED_FOR_FAILURE) && labels.length >= 2) return { name };
  const parsed = parse(name, { allowPrivateDomains: true });
  if (parsed.isIp) return { error: 'must be a domain name, not an IP address' };
  if (!parsed.isIcann && !parsed.isPrivate) return { error: 'must end in a public suffix such as .com' };
  if (parsed.domain === null) return { error: 'must be a registrable domain, not a public suffix' };
  return { name };
}
