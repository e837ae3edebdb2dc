/**
 * Sending domains in the Data table:
 *
 * - `PROJECT#<projectId>` / `DOMAIN#<id>`: the domain, in its project's partition;
 * - `DOMAIN_FAMILY#<registrable domain>` / `#NAME#<name>`: a name's uniqueness record (its claim),
 *   naming the project and domain that hold it. Every claim under one registrable domain shares a
 *   partition, so one Query finds every name that can overlap a new one (./domain-claims.ts);
 * - `DOMAIN_FAMILY#<registrable domain>` / `#VERSION`: a counter every claim in the family bumps,
 *   conditioned on the value its Query read, so two racing claims of overlapping names (a parent
 *   and a subdomain) cannot both win;
 * - `DOMAIN_LAPSE` / `<deadline>#<domainId>`: when a domain lapses unless verified, the due-time
 *   index the lapse sweep Queries (lambdas/domain-lapse/domain-lapse.ts).
 */
import type { Documents } from '../aws/aws-clients.js';
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isTransactionConflict } from '../aws/conflicts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import type { EmailTracking } from './email-tracking.js';
import { ApiError } from '../api/errors.js';
import { DOMAIN_SORT_PREFIX, domainItemKey } from '../shared/domain-items.js';
import { isIdOf } from '../shared/ids.js';
import { type ProjectPage, queryAll, queryProjectPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';
import type { DomainStatus } from './dns-records.js';
import { type FailureReason, familyOf, lapseDeadline, type NameClaim } from './domain-claims.js';

export const DOMAIN_ID_PREFIX = 'dom';
export const FAMILY_PARTITION_PREFIX = 'DOMAIN_FAMILY#';
const FAMILY_ITEM_PREFIX = '#';
const CLAIM_SORT_PREFIX = '#NAME#';
const VERSION_SORT_KEY = '#VERSION';
export const LAPSE_PARTITION = 'DOMAIN_LAPSE';

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
  /** SES open tracking for mail from this domain; absent: off. */
  readonly openTracking?: boolean | undefined;
  /** SES click tracking (links rewritten) for mail from this domain; absent: off. */
  readonly clickTracking?: boolean | undefined;
  /** Set when the domain lost its name without SES failing it: it holds nothing any more. */
  readonly failureReason?: FailureReason | undefined;
}

export interface DomainStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

const domainKey = domainItemKey;
const familyPartition = (name: string) => `${FAMILY_PARTITION_PREFIX}${familyOf(name)}`;
export const claimKey = (name: string) => ({ pk: familyPartition(name), sk: `${CLAIM_SORT_PREFIX}${name}` });
const versionKey = (name: string) => ({ pk: familyPartition(name), sk: VERSION_SORT_KEY });
export const lapseDueKey = (domain: Pick<DomainRecord, 'id' | 'createdAt'>) => ({
  pk: LAPSE_PARTITION,
  sk: `${lapseDeadline(domain.createdAt).toISOString()}#${domain.id}`,
});

/** Attempts when DynamoDB cancels our transaction for a concurrent one on the same items. */
const ATTEMPTS = 3;
const VERSION_ITEM = 0;
const CLAIM_ITEM = 1;

export interface Family {
  /** The family counter as read: the claim's transaction is conditioned on it. */
  readonly version: number;
  readonly claims: readonly NameClaim[];
}

/** Every claim in `name`'s family and the family's counter: one strongly consistent Query. */
export async function readFamily(store: DomainStore, name: string): Promise<Family> {
  const items = await queryAll({
    documents: store.documents,
    table: store.dataTable,
    partition: familyPartition(name),
    prefix: FAMILY_ITEM_PREFIX,
    consistent: true,
  });
  let version = 0;
  const claims: NameClaim[] = [];
  for (const item of items) {
    if (item.sk === VERSION_SORT_KEY) version = typeof item.version === 'number' ? item.version : 0;
    else claims.push(toClaim(item));
  }
  return { version, claims };
}

/** The claim on exactly `name`, if any. */
export async function findClaim(store: DomainStore, name: string): Promise<NameClaim | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: claimKey(name), ConsistentRead: true }),
  );
  return Item ? toClaim(Item) : undefined;
}

/**
 * Stores a new domain, claims its name and schedules its lapse, in one transaction conditioned on
 * the family counter read with the claims the caller decided on. Answers false when another claim
 * in the family won the race (the caller reads the family again and decides again).
 */
export async function insertDomain(
  store: DomainStore,
  domain: DomainRecord,
  version: number,
): Promise<boolean> {
  const write = new TransactWriteCommand({
    TransactItems: [
      {
        Update: {
          TableName: store.dataTable,
          Key: versionKey(domain.name),
          UpdateExpression: 'SET version = :next',
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :seen',
          ExpressionAttributeValues: { ':next': version + 1, ...(version === 0 ? {} : { ':seen': version }) },
        },
      },
      {
        Put: {
          TableName: store.dataTable,
          Item: {
            ...claimKey(domain.name),
            name: domain.name,
            projectId: domain.projectId,
            domainId: domain.id,
            createdAt: domain.createdAt,
            ...(domain.verifiedAt === undefined ? {} : { verifiedAt: domain.verifiedAt }),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
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
          Item: { ...lapseDueKey(domain), projectId: domain.projectId, domainId: domain.id },
        },
      },
    ],
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(write);
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (
        codes?.[VERSION_ITEM] === 'ConditionalCheckFailed' ||
        codes?.[CLAIM_ITEM] === 'ConditionalCheckFailed'
      ) {
        return false;
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
          // Verified for the first time: the claim stops lapsing, while it is still this domain's.
          ...(after.verifiedAt !== undefined && before.verifiedAt === undefined
            ? [
                {
                  Update: {
                    TableName: store.dataTable,
                    Key: claimKey(after.name),
                    UpdateExpression: 'SET verifiedAt = :at',
                    ConditionExpression: 'domainId = :id',
                    ExpressionAttributeValues: { ':at': after.verifiedAt, ':id': after.id },
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
    // The claim is no longer this domain's: it lapsed or was released while SES was read.
    if (codes?.includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}

/**
 * Deletes the domain, frees its name and drops its lapse, in one transaction. Safe to repeat after a
 * failure: a missing item is no error, and the claim is deleted only while it names this domain (a
 * lapsed or released domain's name may already be someone else's, and then only the domain goes).
 */
export async function removeDomain(
  store: DomainStore,
  domain: Pick<DomainRecord, 'projectId' | 'id' | 'name' | 'createdAt'>,
) {
  const items = [
    { Delete: { TableName: store.dataTable, Key: domainKey(domain.projectId, domain.id) } },
    { Delete: { TableName: store.dataTable, Key: lapseDueKey(domain) } },
  ];
  try {
    await store.documents.send(
      new TransactWriteCommand({ TransactItems: [claimDeletion(store, domain), ...items] }),
    );
  } catch (error) {
    if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
    await store.documents.send(new TransactWriteCommand({ TransactItems: items }));
  }
}

/** Frees a claim whose domain no longer exists (a delete that failed half-way before this layout). */
export async function releaseClaim(store: DomainStore, claim: Pick<NameClaim, 'domainId' | 'name'>) {
  try {
    await store.documents.send(
      new TransactWriteCommand({
        TransactItems: [claimDeletion(store, { id: claim.domainId, name: claim.name })],
      }),
    );
  } catch (error) {
    if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
  }
}

/** The claim's deletion, only while it is `domain`'s. */
function claimDeletion(store: DomainStore, domain: Pick<DomainRecord, 'id' | 'name'>) {
  return {
    Delete: {
      TableName: store.dataTable,
      Key: claimKey(domain.name),
      ConditionExpression: 'domainId = :id',
      ExpressionAttributeValues: { ':id': domain.id },
    },
  };
}

/**
 * Records that a domain lost its name: `failed` with its reason, its claim deleted, its lapse
 * dropped and its `domain.failed` event, in one transaction conditioned on the status and
 * verification it was read with and on the claim still being its own. Answers false when any of
 * those had moved (nothing is written).
 */
export async function recordLapse(
  store: DomainStore,
  before: DomainRecord,
  after: DomainRecord,
  event: Record<string, unknown>,
): Promise<boolean> {
  try {
    await store.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: store.dataTable,
              Item: { ...domainKey(after.projectId, after.id), ...after },
              ConditionExpression:
                '#status = :before AND ' +
                (before.verifiedAt === undefined
                  ? 'attribute_not_exists(verifiedAt)'
                  : 'verifiedAt = :verified'),
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':before': before.status,
                ...(before.verifiedAt === undefined ? {} : { ':verified': before.verifiedAt }),
              },
            },
          },
          claimDeletion(store, before),
          { Delete: { TableName: store.dataTable, Key: lapseDueKey(before) } },
          {
            Put: { TableName: store.dataTable, Item: event, ConditionExpression: 'attribute_not_exists(pk)' },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}

/** Drops a lapse that no longer applies (the domain was verified, lapsed or deleted). */
export async function dropLapse(store: DomainStore, key: { pk: string; sk: string }): Promise<void> {
  await store.documents.send(new DeleteCommand({ TableName: store.dataTable, Key: key }));
}

export interface DueLapse {
  readonly key: { readonly pk: string; readonly sk: string };
  readonly projectId: string;
  readonly domainId: string;
}

/** Lapses due by `now`, oldest first, at most `limit` (the sweep runs again for the rest). */
export async function dueLapses(store: DomainStore, now: Date, limit: number): Promise<DueLapse[]> {
  const { Items } = await store.documents.send(
    new QueryCommand({
      TableName: store.dataTable,
      KeyConditionExpression: 'pk = :pk AND sk <= :now',
      ExpressionAttributeValues: { ':pk': LAPSE_PARTITION, ':now': `${now.toISOString()}#~` },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return (Items ?? []).flatMap((item) =>
    typeof item.sk === 'string' && typeof item.projectId === 'string' && typeof item.domainId === 'string'
      ? [{ key: { pk: LAPSE_PARTITION, sk: item.sk }, projectId: item.projectId, domainId: item.domainId }]
      : [],
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
/** A domain's position in its project's list: what `listDomains` reads from for Resend's `after`/`before`. */
export const domainListPosition = (id: string): string => `${DOMAIN_SORT_PREFIX}${id}`;

export async function listDomains(
  store: DomainStore,
  projectId: string,
  page: ProjectPage,
): Promise<{ domains: DomainRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, DOMAIN_SORT_PREFIX, page);
  return { domains: items.map(toRecord), nextAfter };
}

/**
 * The names of the project's verified domains: one strongly consistent Query of its `DOMAIN#` items,
 * projected to name and status (docs/decisions/0010-sending-domains.md says why not a GetItem per
 * parent domain).
 */
export async function verifiedDomainNames(store: DomainStore, projectId: string): Promise<string[]> {
  return (await verifiedSendingDomains(store, projectId)).map((domain) => domain.name);
}

export interface SendingDomain {
  readonly name: string;
  readonly tracking: EmailTracking;
}

/**
 * The project's verified domains with their tracking settings, in the same one Query. Only `true`
 * turns tracking on: an absent or hand-edited value leaves it off.
 */
export async function verifiedSendingDomains(
  store: DomainStore,
  projectId: string,
): Promise<SendingDomain[]> {
  const items = await queryAll({
    documents: store.documents,
    table: store.dataTable,
    partition: projectPartition(projectId),
    prefix: DOMAIN_SORT_PREFIX,
    consistent: true,
    attributes: ['name', 'status', 'openTracking', 'clickTracking'],
  });
  return items.flatMap((item) =>
    item.status === 'verified' && typeof item.name === 'string'
      ? [
          {
            name: item.name,
            tracking: { open: item.openTracking === true, click: item.clickTracking === true },
          },
        ]
      : [],
  );
}

/**
 * Sets a domain's tracking settings (only those given), conditioned on the domain existing; answers
 * the domain as stored after the change.
 */
export async function updateTracking(
  store: DomainStore,
  projectId: string,
  id: string,
  changes: Partial<EmailTracking>,
  now: string,
): Promise<DomainRecord> {
  const sets = ['updatedAt = :at'];
  const values: Record<string, unknown> = { ':at': now };
  if (changes.open !== undefined) {
    sets.push('openTracking = :open');
    values[':open'] = changes.open;
  }
  if (changes.click !== undefined) {
    sets.push('clickTracking = :click');
    values[':click'] = changes.click;
  }
  try {
    const { Attributes } = await store.documents.send(
      new UpdateCommand({
        TableName: store.dataTable,
        Key: domainKey(projectId, id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!Attributes) throw new ApiError('not_found', { message: 'Domain not found.' });
    return toRecord(Attributes);
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw new ApiError('not_found', { message: 'Domain not found.' });
    throw error;
  }
}

/** A claim as stored; a field that cannot be read becomes one no rule frees (see isLapsed). */
function toClaim(item: Record<string, unknown>): NameClaim {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    name: text(item.name) || String(item.sk).slice(CLAIM_SORT_PREFIX.length),
    projectId: text(item.projectId),
    domainId: text(item.domainId),
    createdAt: text(item.createdAt),
    ...(typeof item.verifiedAt === 'string' ? { verifiedAt: item.verifiedAt } : {}),
  };
}

function toRecord(item: Record<string, unknown>): DomainRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as DomainRecord;
}
