/**
 * Where audience items live in the Data table, all under the project's partition
 * (docs/architecture.md, "Tables"), and the one transaction runner they share.
 */
import type { Documents } from '../aws/aws-clients.js';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isTransactionConflict } from '../aws/conflicts.js';
import { projectPartition } from '../aws/tables.js';

export interface AudienceStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export interface AudienceDependencies extends AudienceStore {
  readonly now: () => Date;
}

export const CONTACT_PREFIX = 'CONTACT#';
export const LIST_PREFIX = 'LIST#';
export const SEGMENT_PREFIX = 'SEGMENT#';
export const memberPrefix = (listId: string): string => `LIST_MEMBER#${listId}#`;

const at = (projectId: string, sk: string) => ({ pk: projectPartition(projectId), sk });

export const contactKey = (projectId: string, id: string) => at(projectId, `${CONTACT_PREFIX}${id}`);
/** The uniqueness record of a lower-cased email: names the contact that holds it. */
export const contactEmailKey = (projectId: string, emailKey: string) =>
  at(projectId, `CONTACT_EMAIL#${emailKey}`);
export const listKey = (projectId: string, id: string) => at(projectId, `${LIST_PREFIX}${id}`);
/** One item per membership, so a list's contacts are one Query of `LIST_MEMBER#<listId>#`. */
export const memberKey = (projectId: string, listId: string, contactId: string) =>
  at(projectId, `${memberPrefix(listId)}${contactId}`);
export const segmentKey = (projectId: string, id: string) => at(projectId, `${SEGMENT_PREFIX}${id}`);

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The list's count one lower, in the transaction that removes one of its members (a contact leaving
 * it or deleted), so the count never drifts from the member items.
 */
export function listCountDown(table: string, projectId: string, listId: string): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: listKey(projectId, listId),
      UpdateExpression: 'ADD contactCount :minus',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':minus': -1 },
    },
  };
}

/**
 * Runs a transaction. Answers undefined when it was written, or the reason codes (one per item)
 * when a condition refused it; a transaction that only collided with another one is tried again.
 */
export async function transact(
  store: AudienceStore,
  items: readonly TransactItem[],
): Promise<readonly string[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(new TransactWriteCommand({ TransactItems: [...items] }));
      return undefined;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (codes.includes('ConditionalCheckFailed')) return codes;
      if (!isTransactionConflict(codes) || attempt >= 3) throw error;
    }
  }
}

/** Whether the transaction's item at `index` was refused by its condition. */
export const refused = (codes: readonly string[], index: number): boolean =>
  codes[index] === 'ConditionalCheckFailed';
