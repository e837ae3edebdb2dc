/**
 * A one-off clean-up of what older versions wrote: they stored the whole answer of an idempotent
 * create for replays, so an API key's create left its secret key (and a webhook's create its
 * signing secret), gzipped, in the Data table for 24 hours. This finds the idempotency records whose
 * stored answer holds a secret and deletes them. It is idempotent (a second run finds nothing) and
 * bounded (a paged Scan that stops at a deadline; records it did not reach expire by their TTL).
 *
 * Run once per deploy by a CDK Trigger (lib/secret-records-cleanup.ts) and at every local start.
 */
import { gunzipSync } from 'node:zlib';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { IDEMPOTENCY_PREFIX } from '../http/idempotency.js';
import { DeleteCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../aws/aws-clients.js';

/** What the Scan reads (its IAM grant allows exactly these). */
export const CLEANUP_SCAN_ATTRIBUTES = ['pk', 'sk', 'response'] as const;

/** A whole API key, or a webhook signing secret (`whsec_` + base64 of 32 bytes). */
const SECRET = /sk_(?:live|test)_[0-9A-Za-z]{50}|whsec_[A-Za-z0-9+/]{43}=/;

/**
 * Whether a stored answer holds a secret. An answer that cannot be read (not gzip, not text) counts
 * as holding one: the record is only a replay cache, so deleting it costs at most a re-run.
 */
export function holdsSecret(response: unknown): boolean {
  if (typeof response === 'string') return SECRET.test(response);
  if (!(response instanceof Uint8Array)) return false;
  try {
    return SECRET.test(gunzipSync(response).toString('utf8'));
  } catch {
    return true;
  }
}

export interface CleanupStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export interface CleanupOptions {
  /** Milliseconds since the epoch, injected so tests can run out of time. */
  readonly now: () => number;
  /** Stop starting new pages after this instant (ms since the epoch). */
  readonly deadline: number;
  /** @default 500 */
  readonly pageSize?: number;
}

export interface CleanupSummary {
  readonly scanned: number;
  readonly deleted: number;
  /** False when the deadline stopped the Scan before the table's end. */
  readonly complete: boolean;
}

export async function removeSecretRecords(
  store: CleanupStore,
  options: CleanupOptions,
): Promise<CleanupSummary> {
  let scanned = 0;
  let deleted = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    if (options.now() >= options.deadline) return { scanned, deleted, complete: false };
    const page: ScanCommandOutput = await store.documents.send(
      new ScanCommand({
        TableName: store.dataTable,
        // Explicit, as the IAM grant requires it: the Scan reads only these attributes.
        Select: 'SPECIFIC_ATTRIBUTES',
        ProjectionExpression: '#pk, #sk, #response',
        FilterExpression: 'begins_with(#sk, :prefix) AND attribute_exists(#response)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#response': 'response' },
        ExpressionAttributeValues: { ':prefix': IDEMPOTENCY_PREFIX },
        Limit: options.pageSize ?? 500,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      scanned += 1;
      if (!holdsSecret(item.response)) continue;
      if (await deleteRecord(store, String(item.pk), String(item.sk))) deleted += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { scanned, deleted, complete: true };
}

/** Only an idempotency record: the condition keeps a wrong key from deleting anything else. */
async function deleteRecord(store: CleanupStore, pk: string, sk: string): Promise<boolean> {
  try {
    await store.documents.send(
      new DeleteCommand({
        TableName: store.dataTable,
        Key: { pk, sk },
        ConditionExpression: 'begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':prefix': IDEMPOTENCY_PREFIX },
      }),
    );
    return true;
  } catch (error) {
    // Gone already (its TTL, or another run): nothing left to remove.
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}
