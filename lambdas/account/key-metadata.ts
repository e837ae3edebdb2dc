/**
 * The public view of an ApiKeys item: everything an owner may see about a key, never its hash. Read
 * through `readKeyItem`, the authorizer's own reader, so what is shown is what the authorizer enforces
 * (effective scopes; hand-edit problems it tolerates surface as `warnings`, and what makes an item
 * unusable as a key at all, or a restriction unreadable, as `malformed`).
 */
import { type KeyEnvironment, keyPrefix } from '../keys/api-key.js';
import { splitAllowListEntries } from '../keys/ip-allowlist.js';
import { type KeyRecord, readKeyItem, readRateLimit, readStringList } from '../keys/key-item.js';
import { effectiveScopes, type KeyType, type Permission, type Scope } from '../api/scopes.js';

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
   * Empty for a well-formed item. For an item that can authorise nothing (a required attribute
   * missing, an unknown type): why, and it can only be shown and revoked. Otherwise: the API names
   * of the restrictions a hand edit made unreadable (`allowed_ips`, `allowed_domains`, `expires_at`,
   * `rate_limit_per_second`), each enforced as narrowly as the authorizer reads it and kept as
   * stored by any edit that does not name it.
   */
  readonly malformed: readonly string[];
}

/** The item as the authorizer reads it (lambdas/aws/attribute-values.ts, then readKeyItem). */
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
    // An unreadable list (NULL included, which denies every IP) is shown as such, never as "any":
    // String() of a hand-typed map could itself throw.
    allowedIps: splitAllowListEntries(
      (item.allowedIps === null ? undefined : readStringList(item.allowedIps)) ?? [UNREADABLE],
    ),
    expiresAt: text(item.expiresAt) ?? null,
    revokedAt: text(item.revokedAt) ?? null,
    createdAt: text(item.createdAt) ?? null,
    updatedAt: text(item.updatedAt) ?? null,
    lastUsedAt: text(item.lastUsedAt) ?? null,
    // What the service frame enforces: an unreadable hand edit shows as 0, as it holds the key to 0.
    rateLimitPerSecond: readRateLimit(item.rateLimitPerSecond) ?? null,
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
    malformed: unreadableRestrictions(item, record),
  };
}

const UNREADABLE = '(unreadable)';

/**
 * The restrictions present in the item that the authorizer cannot read, by their API names. Each
 * is enforced fail closed (an unreadable IP list denies every address, unreadable domains allow
 * none, an unreadable expiry has expired, an unreadable rate limit is 0), so the answer names them
 * rather than showing a value that would read as "no restriction".
 */
function unreadableRestrictions(item: Readonly<Record<string, unknown>>, record: KeyRecord): string[] {
  const rateLimitProblems: string[] = [];
  readRateLimit(item.rateLimitPerSecond, rateLimitProblems);
  const domains = item.allowedDomains;
  return [
    ...(record.allowedIps.ok ? [] : ['allowed_ips']),
    ...(domains !== undefined && (domains === null || readStringList(domains) === undefined)
      ? ['allowed_domains']
      : []),
    ...(record.expiresAt === 'invalid' ? ['expires_at'] : []),
    ...(rateLimitProblems.length > 0 ? ['rate_limit_per_second'] : []),
  ];
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

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
