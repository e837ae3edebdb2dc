/**
 * Where a project's sending domain lives in the Data table (`PROJECT#<projectId>` / `DOMAIN#<id>`),
 * written by the domains service, and the one read another service makes of it: a domain's name by
 * its id (Resend's `sending_access` key names its domain by id; the key stores the name).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../aws/aws-clients.js';
import { projectPartition } from '../aws/tables.js';

export const DOMAIN_SORT_PREFIX = 'DOMAIN#';

export const domainItemKey = (projectId: string, id: string) => ({
  pk: projectPartition(projectId),
  sk: `${DOMAIN_SORT_PREFIX}${id}`,
});

/** The name of the project's domain with this id; undefined when the project has none such. */
export async function domainNameById(
  store: { readonly documents: Documents; readonly dataTable: string },
  projectId: string,
  id: string,
): Promise<string | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      Key: domainItemKey(projectId, id),
      ProjectionExpression: '#name',
      ExpressionAttributeNames: { '#name': 'name' },
      ConsistentRead: true,
    }),
  );
  return typeof Item?.name === 'string' ? Item.name : undefined;
}
