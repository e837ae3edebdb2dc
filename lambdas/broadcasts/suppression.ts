/**
 * Whether a project suppresses an address: the one question a broadcast asks of the suppression list.
 * One strongly consistent GetItem of the suppression's own key (lambdas/suppressions owns the item),
 * with the address normalised as the suppressions service normalises it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { normaliseAddress } from '../suppressions/address.js';
import { suppressionKey } from '../suppressions/suppression-store.js';
import type { BroadcastStore } from './broadcast-store.js';

export type IsSuppressed = (projectId: string, email: string) => Promise<boolean>;

export function suppressionReader(store: BroadcastStore): IsSuppressed {
  return async (projectId, email) => {
    // Fail closed: an address that cannot be checked is never sent to (counted as suppressed).
    const address = normaliseAddress(email);
    if (address === undefined) return true;
    const { Item } = await store.documents.send(
      new GetCommand({
        TableName: store.dataTable,
        Key: suppressionKey(projectId, address),
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    );
    return Item !== undefined;
  };
}
