/**
 * The `api_key.expiring` job, run hourly (deployed: an EventBridge schedule; local: a timer in
 * local/stack.ts). One Scan of ApiKeys reading only what the decision needs (never the hash); for
 * each key with a notice due, ONE transaction adds the notice's markers to the key item (conditioned
 * on none being there yet, so a retry or a concurrent run emits once) and puts the event in the
 * project's outbox. Why a Scan and not an index: docs/decisions/0023-expiry-notices.md.
 */
import type { Documents } from '../aws/aws-clients.js';
import { ScanCommand, type ScanCommandOutput, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { keyPrefix, type KeyEnvironment } from '../keys/api-key.js';
import { eventItem } from '../shared/outbox.js';
import { readKeyItem } from '../keys/key-item.js';
import { cancellationCodes } from '../aws/conflicts.js';
import { expiringMarker, expiringNotice } from './expiring-decision.js';

/** The only attribute the job writes on a key item (its IAM grant says so too). */
export const EXPIRING_MARKER_ATTRIBUTE = 'expiringNotified';

/** What the Scan reads (its IAM grant allows exactly these): no hash, no secrets. */
export const EXPIRING_SCAN_ATTRIBUTES = [
  'keyId',
  'teamId',
  'projectId',
  'name',
  'type',
  'permission',
  'expiresAt',
  'revokedAt',
  EXPIRING_MARKER_ATTRIBUTE,
] as const;

/**
 * readKeyItem requires a hash: the job never reads it, so a placeholder stands in. Nothing here
 * compares or shows it.
 */
const UNREAD_HASH = 'not-read';

export interface ExpiringKeysStore {
  readonly documents: Documents;
  readonly apiKeysTable: string;
  readonly dataTable: string;
  /** `live` deployed, `test` locally: the event's `prefix`. */
  readonly environment: KeyEnvironment;
}

export interface ExpiringKeysSummary {
  readonly scanned: number;
  readonly notified: number;
  /** Items readKeyItem refused (hand-edited beyond reading): no notice, fail closed. */
  readonly unreadable: number;
  /** Another run (or a retry) had already notified, or the key was deleted meanwhile. */
  readonly alreadyNotified: number;
  /**
   * Keys (public ids) whose write failed otherwise, e.g. a transaction conflict with a concurrent
   * run: the other keys still get their notices, and the next run tries these again.
   */
  readonly failed: readonly string[];
}

export async function notifyExpiringKeys(options: {
  readonly store: ExpiringKeysStore;
  readonly now: Date;
}): Promise<ExpiringKeysSummary> {
  const { store, now } = options;
  let scanned = 0;
  let notified = 0;
  let unreadable = 0;
  let alreadyNotified = 0;
  const failed: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await store.documents.send(
      new ScanCommand({
        TableName: store.apiKeysTable,
        // Explicit, as the IAM grant requires it: no Scan of whole items (hashes included).
        Select: 'SPECIFIC_ATTRIBUTES',
        ProjectionExpression: EXPIRING_SCAN_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(
          EXPIRING_SCAN_ATTRIBUTES.map((name, i) => [`#a${i}`, name]),
        ),
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      scanned += 1;
      const outcome = await notifyKey(store, item, now).catch(() => 'failed' as const);
      if (outcome === 'failed') failed.push(String(item.keyId));
      else if (outcome === 'unreadable') unreadable += 1;
      else if (outcome === 'notified') notified += 1;
      else if (outcome === 'already') alreadyNotified += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return { scanned, notified, unreadable, alreadyNotified, failed };
}

type KeyOutcome = 'unreadable' | 'none' | 'notified' | 'already';

async function notifyKey(
  store: ExpiringKeysStore,
  item: Readonly<Record<string, unknown>>,
  now: Date,
): Promise<KeyOutcome> {
  const reading = readKeyItem({ ...item, keyHash: UNREAD_HASH });
  const markers = readMarkers(item[EXPIRING_MARKER_ATTRIBUTE]);
  if (!reading.ok || markers === undefined) return 'unreadable';
  const key = reading.record;
  const notice = expiringNotice(key, markers, now);
  if (!notice) return 'none';

  const newMarkers = notice.thresholds.map((threshold) => expiringMarker(threshold, notice.expiresAt));
  const unmarked = newMarkers.map((_, i) => `NOT contains(#marker, :m${i})`).join(' AND ');
  try {
    await store.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: store.apiKeysTable,
              Key: { keyId: key.keyId },
              UpdateExpression: 'ADD #marker :markers',
              // attribute_exists: a key deleted since the Scan is not recreated as a stub.
              ConditionExpression: `attribute_exists(#keyId) AND (attribute_not_exists(#marker) OR (${unmarked}))`,
              ExpressionAttributeNames: { '#marker': EXPIRING_MARKER_ATTRIBUTE, '#keyId': 'keyId' },
              ExpressionAttributeValues: {
                ':markers': new Set(newMarkers),
                ...Object.fromEntries(newMarkers.map((marker, i) => [`:m${i}`, marker])),
              },
            },
          },
          {
            Put: {
              TableName: store.dataTable,
              Item: eventItem(
                key.projectId,
                'api_key.expiring',
                {
                  id: key.keyId,
                  prefix: keyPrefix(store.environment, key.keyId),
                  name: key.name,
                  expires_at: notice.expiresAt.toISOString(),
                  days_left: notice.daysLeft,
                },
                now,
              ),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    return 'notified';
  } catch (error) {
    if (conditionFailed(error)) return 'already';
    throw error;
  }
}

/**
 * Only a string set (or nothing) can take the job's ADD: any other type, hand-made in the console,
 * would fail the write on every run, so the item counts as unreadable and gets no notice.
 */
function readMarkers(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return new Set();
  if (value instanceof Set && [...value].every((entry) => typeof entry === 'string'))
    return value as Set<string>;
  return undefined;
}

/** The key's own condition failed: already notified (another run or a retry) or deleted. */
function conditionFailed(error: unknown): boolean {
  return cancellationCodes(error)?.[0] === 'ConditionalCheckFailed';
}
