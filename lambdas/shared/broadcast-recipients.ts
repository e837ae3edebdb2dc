/**
 * Where a broadcast's recipients live: 16 shard partitions per broadcast
 * (`PROJECT#<p>#BROADCAST#<id>#<nn>`, the shard a hash of the contact id: lambdas/aws/shards.ts, so
 * a broadcast sent at 1,000 emails/s spreads its three writes per recipient), one
 * `RECIPIENT#<contactId>` item each, naming the email sent to it. The broadcasts service owns the items
 * (lambdas/broadcasts/recipient-store.ts); the sending service reads which emails a broadcast sent, for
 * `GET /v1/emails?broadcast_id=`, through the layout kept here so neither service imports the other.
 */
import type { Documents } from '../aws/aws-clients.js';
import { queryShardedPage } from '../aws/sharded-query.js';
import { shardedPartition, shardPartitions } from '../aws/shards.js';
import { projectPartition } from '../aws/tables.js';

export const BROADCAST_ID_PREFIX = 'bc';
export const RECIPIENT_PREFIX = 'RECIPIENT#';

export interface BroadcastRef {
  readonly projectId: string;
  readonly broadcastId: string;
}

const broadcastPartition = ({ projectId, broadcastId }: BroadcastRef): string =>
  `${projectPartition(projectId)}#BROADCAST#${broadcastId}`;

export interface RecipientsPage {
  readonly limit: number;
  readonly after?: string | undefined;
  /** Newest first: a Resend `before` page (lambdas/http/resend-paging.ts). */
  readonly backwards?: boolean | undefined;
}

/** The partition of one recipient of the broadcast: its contact's shard. */
export const recipientPartition = (ref: BroadcastRef, contactId: string): string =>
  shardedPartition(broadcastPartition(ref), contactId);

/**
 * One page of a broadcast's recipient items in contact-id order across its shards (the broadcasts
 * service reads them whole).
 */
export function recipientItems(
  store: { readonly documents: Documents; readonly dataTable: string },
  ref: BroadcastRef,
  page: RecipientsPage,
): Promise<{ items: Record<string, unknown>[]; nextAfter: string | undefined }> {
  return queryShardedPage(store, {
    partitions: shardPartitions(broadcastPartition(ref)),
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
