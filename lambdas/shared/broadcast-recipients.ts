/**
 * Where a broadcast's recipients live: one partition per broadcast (`PROJECT#<p>#BROADCAST#<id>`), one
 * `RECIPIENT#<contactId>` item each, naming the email sent to it. The broadcasts service owns the items
 * (lambdas/broadcasts/recipient-store.ts); the sending service reads which emails a broadcast sent, for
 * `GET /v1/emails?broadcast_id=`, through the layout kept here so neither service imports the other.
 */
import type { Documents } from '../aws/aws-clients.js';
import { queryPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';

export const BROADCAST_ID_PREFIX = 'bc';
export const RECIPIENT_PREFIX = 'RECIPIENT#';

export interface BroadcastRef {
  readonly projectId: string;
  readonly broadcastId: string;
}

export const recipientPartition = ({ projectId, broadcastId }: BroadcastRef): string =>
  `${projectPartition(projectId)}#BROADCAST#${broadcastId}`;

export interface RecipientsPage {
  readonly limit: number;
  readonly after?: string | undefined;
  /** Newest first: a Resend `before` page (lambdas/http/resend-paging.ts). */
  readonly backwards?: boolean | undefined;
}

/** One page of a broadcast's recipient items, oldest first (the broadcasts service reads them whole). */
export function recipientItems(
  store: { readonly documents: Documents; readonly dataTable: string },
  ref: BroadcastRef,
  page: RecipientsPage,
): Promise<{ items: Record<string, unknown>[]; nextAfter: string | undefined }> {
  return queryPage({
    documents: store.documents,
    table: store.dataTable,
    partition: recipientPartition(ref),
    prefix: RECIPIENT_PREFIX,
    limit: page.limit,
    after: page.after,
    oldestFirst: page.backwards !== true,
  });
}

/** One page of a broadcast's recipients: the email each was sent, if any. */
export async function broadcastEmailIds(
  store: { readonly documents: Documents; readonly dataTable: string },
  ref: BroadcastRef,
  page: { limit: number; after?: string | undefined },
): Promise<{ emailIds: string[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await recipientItems(store, ref, page);
  const emailIds = items.flatMap((item) => (typeof item.emailId === 'string' ? [item.emailId] : []));
  return { emailIds, nextAfter };
}
