/**
 * `GET /v1/emails?broadcast_id=`: the emails a broadcast sent, read through its recipients (one Query of
 * the broadcast's partition, then each email), never a filter over every email of the project.
 */
import type { Documents } from '../aws/aws-clients.js';
import { BROADCAST_ID_PREFIX, broadcastEmailIds } from '../shared/broadcast-recipients.js';
import { isIdOf } from '../shared/ids.js';
import { type EmailRecord, findEmail } from './email-store.js';

export async function listBroadcastEmails(
  store: { readonly documents: Documents; readonly dataTable: string },
  projectId: string,
  broadcastId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ emails: EmailRecord[]; nextAfter: string | undefined }> {
  if (!isIdOf(BROADCAST_ID_PREFIX, broadcastId)) return { emails: [], nextAfter: undefined };
  const { emailIds, nextAfter } = await broadcastEmailIds(store, { projectId, broadcastId }, page);
  // Recipients never sent (suppressed, unsubscribed, canceled) have no email.
  const emails = await Promise.all(emailIds.map((emailId) => findEmail(store, projectId, emailId)));
  return {
    emails: emails.filter((email): email is EmailRecord => email?.broadcastId === broadcastId),
    nextAfter,
  };
}
