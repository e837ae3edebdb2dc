/**
 * The ApiKeys item (docs/keys.md, "Editing a key in the DynamoDB console") ↔ KeyRecord. Reading is forgiving where an operator's hand edit in
 * the DynamoDB console is harmless (case, spaces, unknown scopes, SS vs L) and fails closed where it
 * is not (an invalid IP entry denies the key, an unreadable expiry counts as expired).
 *
 * Only an absent attribute takes its default. A present value that cannot be read — NULL, an empty or
 * blank string, the wrong type — never loosens the key: it restricts it or makes the item unreadable.
 * The one contract-given exception: an empty `allowedIps` ("" or an empty list) means any IP.
 */
import { DynamoNumber } from '../aws/attribute-values.js';
import { type AllowList, parseAllowListCached, splitAllowListEntries } from './ip-allowlist.js';
import {
  isPermission,
  KEY_TYPES,
  type KeyType,
  normaliseScopes,
  type Permission,
  type Scope,
} from '../api/scopes.js';

export interface KeyRecord {
  readonly keyId: string;
  readonly keyHash: string;
  readonly name: string;
  readonly type: KeyType;
  readonly teamId: string;
  readonly projectId: string;
  readonly permission: Permission;
  /** The item's own scope list (used when permission is `custom`), normalised. */
  readonly scopes: readonly Scope[];
  readonly allowedIps: AllowList;
  /** Undefined: any of the project's domains. */
  readonly allowedDomains: readonly string[] | undefined;
  /** `'invalid'` when the attribute is present but unreadable: treated as expired. */
  readonly expiresAt: Date | 'invalid' | undefined;
  readonly revokedAt: string | undefined;
  readonly createdAt: string | undefined;
  readonly updatedAt: string | undefined;
  readonly lastUsedAt: string | undefined;
  /** Requests per second the key is held to; undefined: only the stage's default throttle. */
  readonly rateLimitPerSecond: number | undefined;
  /**
   * After a rotation: the old secret's hash, accepted until `previousKeyExpiresAt`. Undefined when
   * either attribute is absent or unreadable: an unreadable grace is no grace (fail closed).
   */
  readonly previous?: { readonly keyHash: string; readonly expiresAt: Date } | undefined;
}

export type KeyItemReading =
  | { readonly ok: true; readonly record: KeyRecord; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

const REQUIRED_STRINGS = ['keyId', 'keyHash', 'teamId', 'projectId'] as const;

export function readKeyItem(item: Readonly<Record<string, unknown>>): KeyItemReading {
  const problems = REQUIRED_STRINGS.filter((name) => !isNonBlankString(item[name])).map(
    (name) => `${name} is missing or not a string`,
  );
  const type = readKeyType(item.type);
  if (type === undefined) problems.push('type is not general or billing');
  if (problems.length > 0 || type === undefined) return { ok: false, problems };

  const warnings: string[] = [];
  const permission = readPermission(item.permission, warnings);
  const rawScopes = item.scopes === null ? undefined : readStringList(item.scopes);
  if (rawScopes === undefined) warnings.push('scopes is not a string set or list; treated as empty');
  // An unreadable permission holds no scope: reading it as custom would grant the item's scope list,
  // which may be wider than the preset the operator meant.
  const { scopes, unknown } =
    permission === undefined ? { scopes: [], unknown: [] } : normaliseScopes(type, rawScopes ?? []);
  // Scopes only count for a custom key; stray entries on a preset are not worth a warning per request.
  if (unknown.length > 0 && permission === 'custom')
    warnings.push(`ignored unknown scopes: ${unknown.join(', ')}`);

  const allowedIps = readAllowedIps(item.allowedIps);
  if (!allowedIps.ok)
    warnings.push(`invalid allowedIps entries (key denied): ${allowedIps.invalidEntries.join(', ')}`);
  const expiresAt = readTimestamp(item.expiresAt);
  if (expiresAt === 'invalid')
    warnings.push('expiresAt is not an ISO 8601 timestamp (key treated as expired)');
  const allowedDomains = readAllowedDomains(item.allowedDomains, warnings);
  const rateLimitPerSecond = readRateLimit(item.rateLimitPerSecond, warnings);
  const previous = readPrevious(item, warnings);

  return {
    ok: true,
    warnings,
    record: {
      keyId: item.keyId as string,
      keyHash: item.keyHash as string,
      teamId: item.teamId as string,
      projectId: item.projectId as string,
      name: typeof item.name === 'string' ? item.name : '',
      type,
      permission: permission ?? 'custom',
      scopes,
      allowedIps,
      allowedDomains,
      expiresAt,
      // Present means revoked, whatever the value (a console NULL or empty string included).
      revokedAt: readRevokedAt(item.revokedAt),
      createdAt: optionalString(item.createdAt),
      updatedAt: optionalString(item.updatedAt),
      lastUsedAt: optionalString(item.lastUsedAt),
      rateLimitPerSecond,
      previous,
    },
  };
}

function readKeyType(value: unknown): KeyType | undefined {
  if (value === undefined) return 'general';
  if (typeof value !== 'string') return undefined;
  const type = value.trim().toLowerCase();
  return (KEY_TYPES as readonly string[]).includes(type) ? (type as KeyType) : undefined;
}

/** Undefined: unreadable (the key holds no scope). */
function readPermission(value: unknown, warnings: string[]): Permission | undefined {
  if (value === undefined) return 'custom';
  const permission = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (isPermission(permission)) return permission;
  warnings.push(`unknown permission ${describe(value)}; the key holds no scope`);
  return undefined;
}

/** A string set (lib-dynamodb gives a Set), a list of strings, or a single string. */
export function readStringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (value instanceof Set || Array.isArray(value)) {
    const entries = [...value];
    return entries.every((entry) => typeof entry === 'string') ? entries : undefined;
  }
  return undefined;
}

/** Absent, "" or an empty list: any IP (the contract says so). NULL or another type: denied. */
function readAllowedIps(value: unknown): AllowList {
  const entries = value === null ? undefined : readStringList(value);
  if (entries === undefined) return { ok: false, invalidEntries: [describe(value)] };
  // Cached by the exact stored entries: the authorizer reads the same list on every request of a key.
  return parseAllowListCached(entries);
}

/** Absent: any of the project's domains. Anything unreadable, NULL included: no domain at all. */
function readAllowedDomains(value: unknown, warnings: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const entries = value === null ? undefined : readStringList(value);
  if (entries === undefined) {
    warnings.push('allowedDomains is not a string set or list (key may send from no domain)');
    return [];
  }
  // Like allowedIps, a console user may type one comma-separated string.
  return splitAllowListEntries(entries).map((domain) => domain.toLowerCase());
}

/**
 * Absent: no per-key limit. A number (N, or a numeric string typed in the console) is whole
 * requests per second, rounded down. Anything else (NULL, negative, not a number) holds the key
 * to 0 requests per second: an unreadable limit must never lift the limit.
 */
/** The limit the key is held to: absent → none; unreadable → 0 (fail closed), with a warning. */
export function readRateLimit(value: unknown, warnings: string[] = []): number | undefined {
  if (value === undefined) return undefined;
  const text = value instanceof DynamoNumber ? value.text : typeof value === 'number' ? String(value) : value;
  const limit = typeof text === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isFinite(limit)) return Math.floor(limit);
  warnings.push(
    `rateLimitPerSecond ${describe(value)} is not a non-negative number (key held to 0 per second)`,
  );
  return 0;
}

/** Absent: never. Present but not an ISO 8601 timestamp ("", blanks and NULL included): invalid. */
function readTimestamp(value: unknown): Date | 'invalid' | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return 'invalid';
  const day = /^(\d{4})-(\d{2})-(\d{2})T/.exec(value);
  const date = new Date(value);
  if (!day || Number.isNaN(date.getTime())) return 'invalid';
  // Date rolls 2025-02-30 over into March; an impossible calendar day is unreadable, not a later expiry.
  const [year, month, dayOfMonth] = day.slice(1).map(Number);
  const calendar = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, dayOfMonth ?? 0));
  return calendar.getUTCMonth() + 1 === month && calendar.getUTCDate() === dayOfMonth ? date : 'invalid';
}

/**
 * The rotation grace: both attributes readable, or none. A removed `previousKeyHash` ends the grace
 * at once (the documented way to cut it short); an unreadable `previousKeyExpiresAt` means no grace.
 */
function readPrevious(item: Readonly<Record<string, unknown>>, warnings: string[]): KeyRecord['previous'] {
  const { previousKeyHash: hash, previousKeyExpiresAt: until } = item;
  if (hash === undefined) return undefined;
  const expiresAt = readTimestamp(until);
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash) || !(expiresAt instanceof Date)) {
    warnings.push('previousKeyHash or previousKeyExpiresAt is unreadable (the previous secret is refused)');
    return undefined;
  }
  return { keyHash: hash, expiresAt };
}

/** Whatever the value, a revoked key; it is kept only as far as it is text. */
function readRevokedAt(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : `(${describe(value)})`;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isNonBlankString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * A value for a warning: strings quoted, anything else by its kind only. Never String(value): a map
 * with a `toString` attribute would make it throw, and a throw here would read as a store failure.
 */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Set) return 'a set';
  if (value instanceof Uint8Array) return 'binary';
  if (typeof value === 'object')
    return Object.getPrototypeOf(value) === Object.prototype ? 'a map' : 'another type';
  return `a ${typeof value}`;
}
