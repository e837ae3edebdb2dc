/**
 * The suppression step of a send (single emails and each email of a batch, run by prepareEmail
 * before anything is stored or sent): the recipients' suppressions read in one BatchGetItem (or
 * taken from a batch's one read of all its addresses), suppressed recipients dropped, and a send
 * left with no recipient refused with 422 `recipient_suppressed`.
 */
import { ApiError } from '../api/errors.js';
import { addressesOf, dropSuppressed, type Recipients } from './address.js';
import { type SuppressionStore, suppressedAmong } from './suppression-store.js';

export interface AfterSuppression<E> {
  readonly email: E;
  /** The normalised addresses dropped; empty when none was. */
  readonly suppressed: readonly string[];
}

/** The suppressed addresses among every recipient of these emails: one read for a whole batch. */
export function suppressedRecipients(
  store: SuppressionStore,
  projectId: string,
  emails: readonly Recipients[],
): Promise<ReadonlySet<string>> {
  const addresses = emails.flatMap(addressesOf);
  return addresses.length === 0 ? Promise.resolve(new Set()) : suppressedAmong(store, projectId, addresses);
}

export async function withoutSuppressed<E extends Recipients>(
  store: SuppressionStore,
  projectId: string,
  email: E,
  known?: ReadonlySet<string>,
): Promise<AfterSuppression<E>> {
  const suppressed = known ?? (await suppressedRecipients(store, projectId, [email]));
  const result = dropSuppressed(email, suppressed);
  if (result.empty) {
    const message = `Every recipient is suppressed (${result.suppressed.join(', ')}): nothing was sent.`;
    throw new ApiError('recipient_suppressed', { message, errors: [{ path: 'to', message }] });
  }
  return { email: { ...email, ...result.kept }, suppressed: result.suppressed };
}
