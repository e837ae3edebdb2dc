/**
 * Which addresses an SES event suppresses, pure: a **Permanent** bounce suppresses its bounced
 * recipients (`bounce`), a complaint its complaining recipients (`complaint`). Transient and
 * undetermined bounces suppress nothing: the mailbox may accept mail again.
 */
import type { EmailEventFact } from '../message-status/ses-event.js';
import { normaliseAddress, type SuppressionReason } from './address.js';

export interface EventSuppressions {
  readonly reason: Extract<SuppressionReason, 'bounce' | 'complaint'>;
  /** Normalised, each once. */
  readonly addresses: readonly string[];
}

export function suppressionsOfEvent(
  event: Pick<EmailEventFact, 'type' | 'details'>,
): EventSuppressions | undefined {
  const reason =
    event.type === 'email.bounced' && event.details.bounce_type === 'Permanent'
      ? 'bounce'
      : event.type === 'email.complained'
        ? 'complaint'
        : undefined;
  if (reason === undefined) return undefined;
  const recipients = Array.isArray(event.details.recipients) ? event.details.recipients : [];
  const addresses = [
    ...new Set(
      recipients
        .map((recipient) => (typeof recipient === 'string' ? normaliseAddress(recipient) : undefined))
        .filter((address) => address !== undefined),
    ),
  ];
  return addresses.length === 0 ? undefined : { reason, addresses };
}
