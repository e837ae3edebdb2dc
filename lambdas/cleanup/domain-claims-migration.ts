/**
 * A one-off migration of what older versions wrote: a sending-domain name's uniqueness record was a
 * `DOMAIN_NAME#<name>` / `DOMAIN_NAME` item naming the project and domain. Claims now live in the
 * name's family partition (`DOMAIN_FAMILY#<registrable domain>`, lambdas/domains/domain-store.ts),
 * which is all that creates read: without this, a legacy claim would block nothing, not even the
 * very same name.
 *
 * Each legacy record becomes a family claim with its domain's createdAt and verifiedAt (a domain
 * still pending also gets its lapse-due entry, so the 72-hour rule frees it as it frees new ones),
 * unless the name is claimed already; then the legacy record goes. One transaction per record,
 * which also bumps the family counter, so a create racing with it reads the family again. A record
 * whose domain is gone or no longer holds the name becomes a claim without a time: it never lapses
 * (fail closed, as for any claim whose time cannot be read) and an operator frees it with
 * `scopegate domains release NAME`. Idempotent (a second run finds nothing) and bounded (a paged
 * Scan that stops at a deadline; the next run, at the next start or deploy, goes on).
 *
 * Run with the secret-records clean-up: at every local start and by its deploy-time custom resource.
 */
import {
  DeleteCommand,
  GetCommand,
  ScanCommand,
  type ScanCommandOutput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../aws/aws-clients.js';
import { cancellationCodes, isTransactionConflict } from '../aws/conflicts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { projectPartition } from '../aws/tables.js';
import { claimKey, lapseDueKey } from '../domains/domain-store.js';

/** The partition-key prefix of the legacy records. */
export const LEGACY_NAME_PREFIX = 'DOMAIN_NAME#';
const LEGACY_SORT_KEY = 'DOMAIN_NAME';
const FAMILY_VERSION_SORT_KEY = '#VERSION';
/** What the Scan reads of a legacy record (its IAM grant allows exactly these). */
export const MIGRATION_SCAN_ATTRIBUTES = ['pk', 'sk', 'projectId', 'domainId'] as const;
/** What the migration reads of a domain item (its IAM grant allows exactly these). */
export const MIGRATION_DOMAIN_ATTRIBUTES = [
  'name',
  'status',
  'createdAt',
  'verifiedAt',
  'failureReason',
] as const;

export interface MigrationStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export interface MigrationOptions {
  /** Milliseconds since the epoch, injected so tests can run out of time. */
  readonly now: () => number;
  /** Stop starting new pages after this instant (ms since the epoch). */
  readonly deadline: number;
  /** @default 500 */
  readonly pageSize?: number;
}

export interface MigrationSummary {
  /** Legacy records found. */
  readonly scanned: number;
  /** Turned into family claims. */
  readonly migrated: number;
  /** Dropped because the name was claimed already in the new layout. */
  readonly alreadyClaimed: number;
  /** Of those migrated: claims without a time, whose domain is gone or no longer holds the name. */
  readonly withoutDomain: number;
  /** False when the deadline stopped the Scan before the table's end. */
  readonly complete: boolean;
}

interface LegacyRecord {
  readonly name: string;
  readonly projectId: string;
  readonly domainId: string;
}

type Outcome = 'migrated' | 'migrated-without-domain' | 'already-claimed' | 'gone';

export async function migrateLegacyDomainClaims(
  store: MigrationStore,
  options: MigrationOptions,
): Promise<MigrationSummary> {
  const counts = { scanned: 0, migrated: 0, alreadyClaimed: 0, withoutDomain: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    if (options.now() >= options.deadline) return { ...counts, complete: false };
    const page: ScanCommandOutput = await store.documents.send(
      new ScanCommand({
        TableName: store.dataTable,
        // Explicit, as the IAM grant requires it: the Scan reads only these attributes.
        Select: 'SPECIFIC_ATTRIBUTES',
        ProjectionExpression: '#pk, #sk, #projectId, #domainId',
        FilterExpression: 'begins_with(#pk, :prefix) AND #sk = :sk',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#sk': 'sk',
          '#projectId': 'projectId',
          '#domainId': 'domainId',
        },
        ExpressionAttributeValues: { ':prefix': LEGACY_NAME_PREFIX, ':sk': LEGACY_SORT_KEY },
        Limit: options.pageSize ?? 500,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const legacy = legacyRecordOf(item);
      if (!legacy) continue;
      counts.scanned += 1;
      const outcome = await migrateOne(store, legacy, new Date(options.now()));
      if (outcome === 'migrated') counts.migrated += 1;
      if (outcome === 'migrated-without-domain') {
        counts.migrated += 1;
        counts.withoutDomain += 1;
      }
      if (outcome === 'already-claimed') counts.alreadyClaimed += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { ...counts, complete: true };
}

/**
 * A legacy record as the old code wrote it. One missing its project or domain (a hand edit) is
 * still migrated with what it has: a claim naming nothing holds the name until an operator frees it.
 */
function legacyRecordOf(item: Record<string, unknown>): LegacyRecord | undefined {
  const pk = typeof item.pk === 'string' ? item.pk : '';
  const name = pk.slice(LEGACY_NAME_PREFIX.length);
  if (!pk.startsWith(LEGACY_NAME_PREFIX) || name === '') return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return { name, projectId: text(item.projectId), domainId: text(item.domainId) };
}

/** When the legacy claim began and was verified, read from its domain while it still holds the name. */
async function claimTimes(
  store: MigrationStore,
  legacy: LegacyRecord,
): Promise<{ createdAt: string; verifiedAt?: string } | undefined> {
  if (legacy.projectId === '' || legacy.domainId === '') return undefined;
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      // The domain item's key, as lambdas/domains/domain-store.ts writes it.
      Key: { pk: projectPartition(legacy.projectId), sk: `DOMAIN#${legacy.domainId}` },
      ConsistentRead: true,
      ProjectionExpression: MIGRATION_DOMAIN_ATTRIBUTES.map((_, index) => `#a${index}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(
        MIGRATION_DOMAIN_ATTRIBUTES.map((attribute, index) => [`#a${index}`, attribute]),
      ),
    }),
  );
  if (!Item || Item.name !== legacy.name || Item.failureReason !== undefined) return undefined;
  if (typeof Item.createdAt !== 'string') return undefined;
  // Verified once means held for good; a verified domain without the time (a hand edit) still is.
  const verifiedAt =
    typeof Item.verifiedAt === 'string'
      ? Item.verifiedAt
      : Item.status === 'verified'
        ? Item.createdAt
        : undefined;
  return { createdAt: Item.createdAt, ...(verifiedAt === undefined ? {} : { verifiedAt }) };
}

const ATTEMPTS = 3;
const CLAIM_ITEM = 1;
const LEGACY_ITEM = 2;

async function migrateOne(store: MigrationStore, legacy: LegacyRecord, now: Date): Promise<Outcome> {
  const times = await claimTimes(store, legacy);
  const legacyKey = { pk: `${LEGACY_NAME_PREFIX}${legacy.name}`, sk: LEGACY_SORT_KEY };
  // Only the record as it was read: a record changed or removed since is another run's business.
  const legacyUnchanged = {
    ConditionExpression: 'attribute_exists(pk) AND projectId = :projectId AND domainId = :domainId',
    ExpressionAttributeValues: { ':projectId': legacy.projectId, ':domainId': legacy.domainId },
  };
  const claim = claimKey(legacy.name);
  const items = [
    {
      // Bumped whatever its value: a create that read the family before this claim must read again.
      Update: {
        TableName: store.dataTable,
        Key: { pk: claim.pk, sk: FAMILY_VERSION_SORT_KEY },
        UpdateExpression: 'ADD version :one',
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
    {
      Put: {
        TableName: store.dataTable,
        Item: {
          ...claim,
          name: legacy.name,
          projectId: legacy.projectId,
          domainId: legacy.domainId,
          ...(times ?? {}),
          migratedAt: now.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Delete: { TableName: store.dataTable, Key: legacyKey, ...legacyUnchanged } },
    // A pending domain lapses on the same schedule as a new one.
    ...(times && times.verifiedAt === undefined
      ? [
          {
            Put: {
              TableName: store.dataTable,
              Item: {
                ...lapseDueKey({ id: legacy.domainId, createdAt: times.createdAt }),
                projectId: legacy.projectId,
                domainId: legacy.domainId,
              },
            },
          },
        ]
      : []),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(new TransactWriteCommand({ TransactItems: items }));
      return times ? 'migrated' : 'migrated-without-domain';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (codes[LEGACY_ITEM] === 'ConditionalCheckFailed') return 'gone';
      if (codes[CLAIM_ITEM] === 'ConditionalCheckFailed') {
        // The name is claimed in the new layout already: that claim stands, the legacy record goes.
        return (await dropLegacy(store, legacyKey, legacyUnchanged)) ? 'already-claimed' : 'gone';
      }
      if (!isTransactionConflict(codes) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function dropLegacy(
  store: MigrationStore,
  key: { pk: string; sk: string },
  condition: { ConditionExpression: string; ExpressionAttributeValues: Record<string, string> },
): Promise<boolean> {
  try {
    await store.documents.send(new DeleteCommand({ TableName: store.dataTable, Key: key, ...condition }));
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}
