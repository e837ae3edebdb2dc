/**
 * `GET /v1/emails?broadcast_id=`: a broadcast's emails, read through its recipients (one Query of the
 * broadcast's partition, then each email), never by filtering every email of the project. A
 * broadcast that does not exist (or is another project's) matches no email.
 */
import { findEmail, type EmailRecord } from '../sending/email-store.js';
import type { BroadcastStore } from './broadcast-store.js';
import { BROADCAST_ID_PREFIX } from './broadcast-store.js';
import { isIdOf } from '../core/ids.js';
import { listRecipients } from './recipient-store.js';

export async function listBroadcastEmails(
  store: BroadcastStore,
  projectId: string,
  broadcastId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ emails: EmailRecord[]; nextAfter: string | undefined }> {
  if (!isIdOf(BROADCAST_ID_PREFIX, broadcastId)) return { emails: [], nextAfter: undefined };
  const { recipients, nextAfter } = await listRecipients(store, { projectId, broadcastId }, page);
  // A page of recipients: those never sent (suppressed, unsubscribed, canceled) have no email.
  const emails = await Promise.all(
    recipients.flatMap((recipient) =>
      recipient.emailId ? [findEmail(store, projectId, recipient.emailId)] : [],
    ),
  );
  return {
    emails: emails.filter((email): email is EmailRecord => email?.broadcastId === broadcastId),
    nextAfter,
  };
}
