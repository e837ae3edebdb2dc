/**
 * The public view of an ApiKeys item: everything an owner may see about a key, never its hash. Read
 * through `readKeyItem`, the authorizer's own reader, so what is shown is what the authorizer enforces
 * (effective scopes; hand-edit problems it tolerates surface as `warnings`, and what makes an item
 * unusable as a key at all as `malformed`).
 */
import { type KeyEnvironment, keyPrefix } from '../core/api-key.js';
import { splitAllowListEntries } from '../core/ip-allowlist.js';
import { DynamoNumber } from '../core/attribute-values.js';
import { readKeyItem, readStringList } from '../core/key-item.js';
import { effectiveScopes, type KeyType, type Permission, type Scope } from '../core/scopes.js';

export type KeyStatus = 'active' | 'expired' | 'revoked' | 'invalid';

export interface KeyMetadata {
  readonly id: string;
  /** `sk_<env>_<id>`: safe to show and log. */
  readonly prefix: string;
  readonly name: string;
  readonly type: KeyType;
  readonly permission: Permission;
  /** What the key may do: the preset's scopes, or a custom key's valid scopes. */
  readonly scopes: readonly Scope[];
  readonly projectId: string;
  readonly teamId: string;
  /** Stored entries; empty means any IP. */
  readonly allowedIps: readonly string[];
  /** Null (attribute absent) means any of the project's domains; an empty list means none. */
  readonly allowedDomains: readonly string[] | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly lastUsedAt: string | null;
  /** Requests per second of its own; null: the stage's default only. */
  readonly rateLimitPerSecond: number | null;
  /** The key id that created it through the API, or `cli`. */
  readonly createdBy: string | null;
  /** After a rotation: until when the replaced secret still works. */
  readonly previousKeyExpiresAt: string | null;
  /** `invalid`: the item cannot authorise anything as stored (see `malformed` and `warnings`). */
  readonly status: KeyStatus;
  readonly warnings: readonly string[];
  /**
   * Why the item is not a well-formed ApiKeys item (a required attribute missing, an unknown type, a
   * value that cannot be read); empty when it is. Such an item authorises nothing, but can be shown
   * and revoked.
   */
  readonly malformed: readonly string[];
}

/** The item as the authorizer reads it (lambdas/core/attribute-values.ts, then readKeyItem). */
export function keyMetadata(
  item: Readonly<Record<string, unknown>>,
  environment: KeyEnvironment,
  now: Date,
): KeyMetadata {
  const id = text(item.keyId) ?? '';
  const reading = readKeyItem(item);
  const shared = {
    id,
    prefix: keyPrefix(environment, id),
    name: text(item.name) ?? '',
    projectId: text(item.projectId) ?? '',
    teamId: text(item.teamId) ?? '',
    // An unreadable list is shown as such: String() of a hand-typed map could itself throw.
    allowedIps: splitAllowListEntries(readStringList(item.allowedIps) ?? ['(unreadable)']),
    expiresAt: text(item.expiresAt) ?? null,
    revokedAt: text(item.revokedAt) ?? null,
    createdAt: text(item.createdAt) ?? null,
    updatedAt: text(item.updatedAt) ?? null,
    lastUsedAt: text(item.lastUsedAt) ?? null,
    rateLimitPerSecond: rateLimitOf(item.rateLimitPerSecond),
    createdBy: text(item.createdBy) ?? null,
  };
  if (!reading.ok) {
    const rawDomains = item.allowedDomains;
    const allowedDomains =
      rawDomains === undefined || rawDomains === null ? null : (readStringList(rawDomains) ?? []);
    const type: KeyType = item.type === 'billing' ? 'billing' : 'general';
    return {
      ...shared,
      type,
      permission: 'custom',
      scopes: [],
      allowedDomains: allowedDomains ?? null,
      status: item.revokedAt === undefined ? 'invalid' : 'revoked',
      previousKeyExpiresAt: null,
      warnings: [],
      malformed: reading.problems,
    };
  }
  const { record, warnings } = reading;
  const status = statusOf(record.revokedAt, record.expiresAt, record.allowedIps.ok, now);
  return {
    ...shared,
    type: record.type,
    permission: record.permission,
    scopes: effectiveScopes(record.type, record.permission, record.scopes),
    allowedDomains: record.allowedDomains ?? null,
    revokedAt: record.revokedAt ?? null,
    previousKeyExpiresAt:
      record.previous && record.previous.expiresAt.getTime() > now.getTime()
        ? record.previous.expiresAt.toISOString()
        : null,
    status,
    warnings,
    malformed: [],
  };
}

function statusOf(
  revokedAt: string | undefined,
  expiresAt: Date | 'invalid' | undefined,
  ipsOk: boolean,
  now: Date,
): KeyStatus {
  if (revokedAt !== undefined) return 'revoked';
  if (expiresAt === 'invalid' || (expiresAt && expiresAt.getTime() <= now.getTime())) return 'expired';
  return ipsOk ? 'active' : 'invalid';
}

/** The JSON shape the CLI and the API print (snake_case, like the rest of the API). */
export function keyJson(key: KeyMetadata) {
  return {
    id: key.id,
    prefix: key.prefix,
    name: key.name,
    type: key.type,
    permission: key.permission,
    scopes: key.scopes,
    project_id: key.projectId,
    team_id: key.teamId,
    allowed_ips: key.allowedIps,
    allowed_domains: key.allowedDomains,
    expires_at: key.expiresAt,
    created_at: key.createdAt,
    updated_at: key.updatedAt,
    last_used_at: key.lastUsedAt,
    revoked_at: key.revokedAt,
    rate_limit_per_second: key.rateLimitPerSecond,
    created_by: key.createdBy,
    previous_key_expires_at: key.previousKeyExpiresAt,
    status: key.status,
    warnings: key.warnings,
    malformed: key.malformed,
  };
}

/** Creation's answer: the key itself, shown exactly this once, first. */
export function createdKeyJson(key: string, metadata: KeyMetadata) {
  const { id, ...rest } = keyJson(metadata);
  return { id, key, ...rest };
}

/** A whole positive number (N, or a number set in code); anything else reads as no limit of its own. */
function rateLimitOf(value: unknown): number | null {
  const number =
    value instanceof DynamoNumber ? Number(value.text) : typeof value === 'number' ? value : Number.NaN;
  return Number.isSafeInteger(number) && number > 0 ? number : null;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
