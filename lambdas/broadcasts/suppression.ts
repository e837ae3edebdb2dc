/**
 * Whether a project suppresses an address: the one question a broadcast asks of the suppression list.
 * Read as one strongly consistent GetItem of `SUPPRESSION#<lower-cased address>` in the project's
 * partition; the suppression routes (their own module) own the item and its shape.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { emailKey } from '../audience/contact-rules.js';
import { projectPartition } from '../core/tables.js';
import type { BroadcastStore } from './broadcast-store.js';

export type IsSuppressed = (projectId: string, email: string) => Promise<boolean>;

export function suppressionReader(store: BroadcastStore): IsSuppressed {
  return async (projectId, email) => {
    const { Item } = await store.documents.send(
      new GetCommand({
        TableName: store.dataTable,
        Key: { pk: projectPartition(projectId), sk: `SUPPRESSION#${emailKey(email)}` },
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    );
    return Item !== undefined;
  };
}
