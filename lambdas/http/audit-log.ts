/**
 * The audit log: one item per mutating call of a project (lambdas/http/audit-action.ts says which),
 * written by the service frame (./frame.ts) after the handler answered, in one of the project's audit
 * shards: `PROJECT#<projectId>#AUDIT#<nn>` / `AUDIT#<aud_ id>` (the shard a hash of the id,
 * lambdas/aws/shards.ts: every send is audited, so a busy project's entries must not pile onto one
 * partition key). Ids are time-ordered, so the newest-first list merges one Query per shard
 * (`auditPartitions`, which also names `PROJECT#<projectId>`, where entries written before the
 * shards are). Items expire a year after the call (the table's TTL attribute `ttl`).
 */
import type { Documents } from '../aws/aws-clients.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { publicFormOf } from '../keys/redaction.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { newId } from '../shared/ids.js';
import { projectPartition } from '../aws/tables.js';
import type { Surface } from '../api/routes.js';
import { shardedPartition, shardPartitions } from '../aws/shards.js';

export const AUDIT_TTL_SECONDS = 365 * 24 * 60 * 60;
export const AUDIT_PREFIX = 'AUDIT#';

const auditPartition = (projectId: string) => `${projectPartition(projectId)}#AUDIT`;

/** Every partition a project's audit entries may be in: its shards, then its own partition. */
export const auditPartitions = (projectId: string): string[] => [
  ...shardPartitions(auditPartition(projectId)),
  projectPartition(projectId),
];

export interface AuditStore {
  readonly documents: Documents;
  readonly dataTable: string;
  readonly now: () => Date;
}

export interface AuditEntry {
  readonly id: string;
  readonly createdAt: string;
  readonly projectId: string;
  readonly keyId: string;
  readonly action: string;
  /** The API the call came through (`resend` for `/resend/emails`); its action is the /v1 route's. */
  readonly surface: Surface;
  /**
   * The path's `{id}` (as its public prefix when it was a whole key), else the created resource's
   * id; null when there is neither (a batch, a refused create) or the path's id was not an id.
   */
  readonly resourceId: string | null;
  readonly sourceIp: string;
  /** The HTTP status answered. */
  readonly status: number;
  readonly requestId: string;
}

export type AuditCall = Omit<AuditEntry, 'id' | 'createdAt'>;

export function auditEntryOf(call: AuditCall, now: Date): AuditEntry {
  return { id: newId('aud', now), createdAt: now.toISOString(), ...call };
}

/**
 * Writes the entry once: the put is conditional on the id being new, so an SDK retry of a put that
 * had in fact succeeded is not a second entry.
 */
export async function putAuditEntry(store: AuditStore, entry: AuditEntry): Promise<void> {
  const { id, createdAt, projectId, ...rest } = entry;
  try {
    await store.documents.send(
      new PutCommand({
        TableName: store.dataTable,
        Item: {
          pk: shardedPartition(auditPartition(projectId), id),
          sk: `${AUDIT_PREFIX}${id}`,
          id,
          createdAt,
          ...rest,
          ttl: Math.floor(Date.parse(createdAt) / 1000) + AUDIT_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
  }
}

/** Ids as the routes' contracts accept them (`tpl_…`, a key id or prefix, a template alias). */
const RECORDABLE_ID = /^[0-9A-Za-z][0-9A-Za-z_.@+-]{0,127}$/;

export interface AuditedCall {
  /** The path parameters as sent. */
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  /** The path parameters the route's contract accepted; absent when it refused them. */
  readonly validParams?: Readonly<Record<string, unknown>> | undefined;
  /** The answer's body. */
  readonly body?: unknown;
}

/**
 * The resource a call acted on, never a secret: the path's id when the contract accepted it and it
 * has an id's shape, else — for a whole key pasted where an id belongs — its public prefix, else
 * null; for a route without an id in its path, the id the handler answered (a create).
 */
export function resourceIdOf({ params, validParams, body }: AuditedCall): string | null {
  const sent = params?.id;
  if (typeof sent === 'string') {
    const valid = validParams?.id;
    if (typeof valid === 'string' && publicFormOf(valid) === valid && RECORDABLE_ID.test(valid)) return valid;
    const shown = publicFormOf(sent);
    return shown === sent ? null : shown;
  }
  if (body !== null && typeof body === 'object' && 'id' in body && typeof body.id === 'string')
    return body.id;
  return null;
}
