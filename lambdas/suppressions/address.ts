/**
 * Suppressed addresses, pure: how an address is compared (case-insensitively, as the lower-cased
 * bare address) and the rule a send follows — suppressed recipients are dropped from to, cc and bcc,
 * and a send left with no recipient is refused. No AWS imports, no clock.
 */
import { addressOf } from '../shared/mailbox.js';

export const SUPPRESSION_REASONS = ['bounce', 'complaint', 'unsubscribe', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/**
 * The form an address is stored and compared in: the bare address of a mailbox (`Ada <Ada@X.org>`
 * is `ada@x.org`), trimmed and lower-cased. Undefined when the value is not an address.
 */
export function normaliseAddress(value: string): string | undefined {
  return addressOf(value.trim())?.toLowerCase();
}

export interface Recipients {
  readonly to: readonly string[];
  readonly cc?: readonly string[] | undefined;
  readonly bcc?: readonly string[] | undefined;
}

export interface RecipientsAfterSuppression {
  /** The recipients left, each list in its order, `cc`/`bcc` only when the input had them. */
  readonly kept: { to: string[]; cc?: string[]; bcc?: string[] };
  /** The normalised addresses dropped, each once, in the order met (to, then cc, then bcc). */
  readonly suppressed: string[];
  /** No recipient is left: the send must be refused (422 `recipient_suppressed`), nothing sent. */
  readonly empty: boolean;
}

/** Every distinct normalised address of the recipients: what a send looks up. */
export function addressesOf(recipients: Recipients): string[] {
  const all = [...recipients.to, ...(recipients.cc ?? []), ...(recipients.bcc ?? [])];
  return [...new Set(all.map(normaliseAddress).filter((address) => address !== undefined))];
}

/** Drops every recipient whose normalised address is in `suppressed`. */
export function dropSuppressed(
  recipients: Recipients,
  suppressed: ReadonlySet<string>,
): RecipientsAfterSuppression {
  const dropped = new Set<string>();
  const keep = (list: readonly string[]) =>
    list.filter((mailbox) => {
      const address = normaliseAddress(mailbox);
      if (address === undefined || !suppressed.has(address)) return true;
      dropped.add(address);
      return false;
    });
  const to = keep(recipients.to);
  const cc = recipients.cc === undefined ? undefined : keep(recipients.cc);
  const bcc = recipients.bcc === undefined ? undefined : keep(recipients.bcc);
  return {
    kept: { to, ...(cc === undefined ? {} : { cc }), ...(bcc === undefined ? {} : { bcc }) },
    suppressed: [...dropped],
    empty: to.length + (cc?.length ?? 0) + (bcc?.length ?? 0) === 0,
  };
}
