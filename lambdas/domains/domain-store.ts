/**
 * Sending domains in the Data table:
 *
 * - `PROJECT#<projectId>` / `DOMAIN#<id>`: the domain, in its project's partition;
 * - `DOMAIN_NAME#<name>` / `DOMAIN_NAME`: the name's uniqueness record, one per deployment, naming the
 *   project that owns it. It is written in the same transaction as the domain, so a name belongs to
 *   exactly one project even when two create it at the same moment, and deleted with it.
 */
import type { Documents } from '../aws-clients.js';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isTransactionConflict } from '../account/conflicts.js';
import { ApiError } from '../core/errors.js';
import { isIdOf } from '../core/ids.js';
import { queryAll, queryProjectPage } from '../core/query-page.js';
import { projectPartition } from '../core/tables.js';
import type { DomainStatus } from './dns-records.js';

export const DOMAIN_ID_PREFIX = 'dom';
const DOMAIN_SORT_PREFIX = 'DOMAIN#';

export interface DomainRecord {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly status: DomainStatus;
  /** Easy DKIM's tokens, empty until SES has created the identity. */
  readonly dkimTokens: readonly string[];
  readonly dkimStatus?: string | undefined;
  readonly mailFromStatus?: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly verifiedAt?: string | undefined;
}

export interface DomainStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

const domainKey = (projectId: string, id: string) => ({
  pk: projectPartition(projectId),
  sk: `${DOMAIN_SORT_PREFIX}${id}`,
});
export const nameRecordKey = (name: string) => ({ pk: `DOMAIN_NAME#${name}`, sk: 'DOMAIN_NAME' });

/** Attempts when DynamoDB cancels our transaction for a concurrent one on the same items. */
const ATTEMPTS = 3;
const NAME_RECORD = 1;

/** Stores a new domain and claims its name; 409 `already_exists` when any project holds the name. */
export async function insertDomain(store: DomainStore, domain: DomainRecord): Promise<void> {
  const write = new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: store.dataTable,
          Item: { ...domainKey(domain.projectId, domain.id), ...domain },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: store.dataTable,
          Item: { ...nameRecordKey(domain.name), projectId: domain.projectId, domainId: domain.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(write);
      return;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[NAME_RECORD] === 'ConditionalCheckFailed') {
        // The same answer whichever project holds it: another project's domains are not disclosed.
        throw new ApiError('already_exists', { message: `The domain ${domain.name} is already registered.` });
      }
      if (codes === undefined || !isTransactionConflict(codes) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** Records what SES answered at create (DKIM tokens and statuses). */
export async function saveIdentity(
  store: DomainStore,
  domain: DomainRecord,
  identity: Pick<DomainRecord, 'dkimTokens' | 'dkimStatus' | 'mailFromStatus' | 'updatedAt'>,
): Promise<DomainRecord> {
  await store.documents.send(
    new UpdateCommand({
      TableName: store.dataTable,
      Key: domainKey(domain.projectId, domain.id),
      UpdateExpression:
        'SET dkimTokens = :tokens, dkimStatus = :dkim, mailFromStatus = :mailFrom, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':tokens': [...identity.dkimTokens],
        ':dkim': identity.dkimStatus ?? 'PENDING',
        ':mailFrom': identity.mailFromStatus ?? 'PENDING',
        ':at': identity.updatedAt,
      },
    }),
  );
  return { ...domain, ...identity };
}

/**
 * Writes a re-read status, and the event it fires, in one transaction conditioned on the status it
 * was read with: of two verifies racing over one change, one records it and fires its event once.
 * Answers false when the status had already moved (the caller re-reads).
 */
export async function recordStatus(
  store: DomainStore,
  before: DomainRecord,
  after: DomainRecord,
  event: Record<string, unknown> | undefined,
): Promise<boolean> {
  try {
    await store.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: store.dataTable,
              Item: { ...domainKey(after.projectId, after.id), ...after },
              ConditionExpression: '#status = :before',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':before': before.status },
            },
          },
          ...(event
            ? [
                {
                  Put: {
                    TableName: store.dataTable,
                    Item: event,
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ]
            : []),
        ],
      }),
    );
    return true;
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/**
 * Deletes the domain and frees its name. Safe to repeat after a failure half-way: a missing item is
 * no error, and the name record is deleted only while it names this project (or is already gone).
 */
export async function removeDomain(
  store: DomainStore,
  domain: Pick<DomainRecord, 'projectId' | 'id' | 'name'>,
) {
  await store.documents.send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: store.dataTable, Key: domainKey(domain.projectId, domain.id) } },
        {
          Delete: {
            TableName: store.dataTable,
            Key: nameRecordKey(domain.name),
            ConditionExpression: 'attribute_not_exists(pk) OR (projectId = :project AND domainId = :id)',
            ExpressionAttributeValues: { ':project': domain.projectId, ':id': domain.id },
          },
        },
      ],
    }),
  );
}

/** A missing domain and another project's domain are the same 404. */
export async function getDomain(store: DomainStore, projectId: string, id: string): Promise<DomainRecord> {
  const domain = isIdOf(DOMAIN_ID_PREFIX, id) ? await findDomain(store, projectId, id) : undefined;
  if (!domain) throw new ApiError('not_found', { message: 'Domain not found.' });
  return domain;
}

export async function findDomain(
  store: DomainStore,
  projectId: string,
  id: string,
): Promise<DomainRecord | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: domainKey(projectId, id), ConsistentRead: true }),
  );
  return Item ? toRecord(Item) : undefined;
}

/** Newest first (ids sort by creation time). */
export async function listDomains(
  store: DomainStore,
  projectId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ domains: DomainRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, DOMAIN_SORT_PREFIX, page);
  return { domains: items.map(toRecord), nextAfter };
}

/**
 * The names of the project's verified domains: one strongly consistent Query of its `DOMAIN#` items,
 * projected to name and status (docs/decisions.md, "Sending domains", says why not a GetItem per
 * parent domain).
 */
export async function verifiedDomainNames(store: DomainStore, projectId: string): Promise<string[]> {
  const items = await queryAll({
    documents: store.documents,
    table: store.dataTable,
    partition: projectPartition(projectId),
    prefix: DOMAIN_SORT_PREFIX,
    consistent: true,
    attributes: ['name', 'status'],
  });
  return items.flatMap((item) =>
    item.status === 'verified' && typeof item.name === 'string' ? [item.name] : [],
  );
}

function toRecord(item: Record<string, unknown>): DomainRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as DomainRecord;
}
