/**
 * What `POST /u/{token}` does for the token's contact, in one transaction: the contact becomes
 * `unsubscribed: true` (with its `contact.unsubscribed` event, written only when it changes) and its
 * address is suppressed with reason `unsubscribe` (kept as it is when already suppressed). Doing it
 * again changes nothing and answers the same: the recipient's mail client may POST twice.
 */
import { contactKey, transact, type TransactItem } from '../audience/item-keys.js';
import { type ContactRecord, findContact } from '../audience/contacts.js';
import { eventItem } from '../shared/outbox.js';
import { normaliseAddress } from '../suppressions/address.js';
import {
  addSuppressionUpdate,
  findSuppression,
  type SuppressionStore,
} from '../suppressions/suppression-store.js';
import type { UnsubscribeSubject } from './token.js';

export interface UnsubscribeDependencies extends SuppressionStore {
  readonly now: () => Date;
}

export type UnsubscribeOutcome = 'unsubscribed' | 'not_found';

const WRITE_ATTEMPTS = 3;

export async function unsubscribe(
  deps: UnsubscribeDependencies,
  subject: UnsubscribeSubject,
): Promise<UnsubscribeOutcome> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const contact = await findContact(deps, subject.projectId, subject.contactId);
    // A contact deleted since the email was sent: nothing is left to unsubscribe or to name.
    if (!contact) return 'not_found';
    const address = normaliseAddress(contact.email) ?? contact.email.trim().toLowerCase();
    if (contact.unsubscribed && (await findSuppression(deps, subject.projectId, address)))
      return 'unsubscribed';
    const now = deps.now();
    const items: TransactItem[] = [
      {
        Update: addSuppressionUpdate(deps.dataTable, subject.projectId, {
          email: address,
          reason: 'unsubscribe',
          createdAt: now.toISOString(),
        }),
      },
      ...(contact.unsubscribed ? [] : contactUnsubscribed(deps.dataTable, contact, subject, now)),
    ];
    if (!(await transact(deps, items))) return 'unsubscribed';
    // The contact changed between the read and the write: read it again.
  }
  throw new Error('the contact kept changing while it was being unsubscribed');
}

function contactUnsubscribed(
  dataTable: string,
  contact: ContactRecord,
  subject: UnsubscribeSubject,
  now: Date,
): TransactItem[] {
  return [
    {
      Update: {
        TableName: dataTable,
        Key: contactKey(contact.projectId, contact.id),
        UpdateExpression: 'SET unsubscribed = :yes, version = :next, updatedAt = :at',
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: {
          ':yes': true,
          ':next': contact.version + 1,
          ':at': now.toISOString(),
          ':version': contact.version,
        },
      },
    },
    {
      Put: {
        TableName: dataTable,
        Item: eventItem(
          contact.projectId,
          'contact.unsubscribed',
          { id: contact.id, email: contact.email, broadcast_id: subject.broadcastId },
          now,
        ),
      },
    },
  ];
}
