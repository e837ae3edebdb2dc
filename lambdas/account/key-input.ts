/**
 * Validation of the settable fields of an API key (its name, access and restrictions), shared by the
 * CLI and the `/v1/api-keys` routes. Pure: no AWS, no clock of its own. Every problem is collected,
 * so a caller sees all of them at once, each with the API field it concerns.
 */
import type { FieldError } from '../api/errors.js';
import { formatRange, parseAllowList } from '../keys/ip-allowlist.js';
import {
  GENERAL_SCOPES,
  isPermission,
  isScopeOf,
  KEY_TYPES,
  type KeyType,
  PERMISSIONS,
  type Permission,
  type Scope,
  SCOPES_BY_KEY_TYPE,
} from '../api/scopes.js';
import { expandPermissions } from './permission-levels.js';

/** Raw values as a caller gives them: a comma-separated string or a list for the list fields. */
export interface KeyFieldsInput {
  readonly name?: string;
  readonly permission?: string;
  readonly scopes?: string | readonly string[];
  readonly allowedIps?: string | readonly string[];
  readonly allowedDomains?: string | readonly string[] | null;
  /** ISO 8601; `null`, `''` or `'never'` mean no expiry (and clear it on update). */
  readonly expiresAt?: string | null;
  /** Per-resource levels (`{"templates":"read"}`), expanded to scopes; not together with `scopes`. */
  readonly permissions?: Readonly<Record<string, string>>;
  /** Requests per second; `null`, `''` or `'none'` mean no limit of its own (and clear it on update). */
  readonly rateLimitPerSecond?: number | string | null;
  /** `general` (default) or `billing`; set at creation only, and only by the CLI. */
  readonly type?: string;
}

/** A new key's validated settings, ready to store. */
export interface KeySettings {
  readonly name: string;
  readonly type: KeyType;
  readonly permission: Permission;
  /** Stored only for `custom`; empty for the presets. */
  readonly scopes: readonly Scope[];
  /** Canonical entries; empty means any IP. */
  readonly allowedIps: readonly string[];
  /** Undefined means any of the project's domains. */
  readonly allowedDomains: readonly string[] | undefined;
  readonly expiresAt: string | undefined;
  readonly rateLimitPerSecond: number | undefined;
}

/** What an update sets; absent fields are left alone, `null` removes the attribute. */
export interface KeyChanges {
  readonly name?: string;
  readonly permission?: Permission;
  readonly scopes?: readonly Scope[];
  readonly allowedIps?: readonly string[];
  readonly allowedDomains?: readonly string[] | null;
  readonly expiresAt?: string | null;
  readonly rateLimitPerSecond?: number | null;
}

/** A key's stored access, which a change of permission or scopes is resolved against. */
export interface CurrentAccess {
  /** @default 'general' */
  readonly type?: KeyType;
  readonly permission: Permission;
  readonly scopes: readonly Scope[];
}

export type Validated<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: FieldError[] };

/** Thrown by the key service when the input is invalid; `errors` name the API fields. */
export class KeyInputError extends Error {
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    super(errors.map((error) => `${error.path}: ${error.message}`).join('; '));
    this.name = 'KeyInputError';
    this.errors = errors;
  }
}

export const NAME_MAX_LENGTH = 100;
/** API Gateway's default account-wide rate: a key's own limit above it could never bind. */
export const RATE_LIMIT_MAX = 10_000;
export const VALID_SCOPES_TEXT = Object.keys(GENERAL_SCOPES).join(', ');
const NO_EXPIRY = new Set(['', 'never']);

export function validateNewKey(input: KeyFieldsInput, now: Date): Validated<KeySettings> {
  const errors: FieldError[] = [];
  const name =
    input.name === undefined
      ? fail(errors, 'name', 'is required')
      : check(errors, 'name', parseName(input.name));
  const type = check(errors, 'type', parseKeyType(input.type));
  const access =
    type === undefined ? undefined : check(errors, 'scopes', resolveAccess(input, defaultAccess(type)));
  const allowedIps =
    input.allowedIps === undefined ? [] : check(errors, 'allowed_ips', parseAllowedIps(input.allowedIps));
  const allowedDomains = check(errors, 'allowed_domains', parseAllowedDomains(input.allowedDomains ?? null));
  const expiresAt = check(errors, 'expires_at', parseExpiresAt(input.expiresAt ?? null, now));
  const rateLimit = check(errors, 'rate_limit_per_second', parseRateLimit(input.rateLimitPerSecond ?? null));
  if (
    errors.length > 0 ||
    name === undefined ||
    type === undefined ||
    access === undefined ||
    allowedIps === undefined
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      name,
      type,
      ...access,
      rateLimitPerSecond: rateLimit ?? undefined,
      allowedIps,
      allowedDomains: allowedDomains ?? undefined,
      expiresAt: expiresAt ?? undefined,
    },
  };
}

/** `current` is the key's stored access, needed because permission and scopes are checked together. */
export function validateKeyChanges(
  input: KeyFieldsInput,
  current: CurrentAccess,
  now: Date,
): Validated<KeyChanges> {
  const errors: FieldError[] = [];
  const changes: { -readonly [K in keyof KeyChanges]: KeyChanges[K] } = {};
  if (input.type !== undefined && input.type.trim().toLowerCase() !== (current.type ?? 'general')) {
    errors.push({ path: 'type', message: 'cannot be changed; create a new key instead' });
  }
  if (input.name !== undefined) changes.name = check(errors, 'name', parseName(input.name));
  if (input.permission !== undefined || input.scopes !== undefined || input.permissions !== undefined) {
    const access = check(errors, 'scopes', resolveAccess(input, current));
    if (access) Object.assign(changes, access);
  }
  if (input.allowedIps !== undefined) {
    changes.allowedIps = check(errors, 'allowed_ips', parseAllowedIps(input.allowedIps));
  }
  if (input.allowedDomains !== undefined) {
    changes.allowedDomains = check(errors, 'allowed_domains', parseAllowedDomains(input.allowedDomains));
  }
  if (input.expiresAt !== undefined) {
    changes.expiresAt = check(errors, 'expires_at', parseExpiresAt(input.expiresAt, now));
  }
  if (input.rateLimitPerSecond !== undefined) {
    changes.rateLimitPerSecond = check(
      errors,
      'rate_limit_per_second',
      parseRateLimit(input.rateLimitPerSecond),
    );
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: changes };
}

/** One field's parse: its value, or what is wrong with it. */
export type FieldResult<T> = { readonly value: T } | { readonly error: string };
type Parsed<T> = FieldResult<T> | { readonly errors: readonly FieldError[] };

export function parseName(raw: string): FieldResult<string> {
  const name = raw.trim();
  if (name === '') return { error: 'must not be empty' };
  if (name.length > NAME_MAX_LENGTH) return { error: `must be at most ${NAME_MAX_LENGTH} characters` };
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(name)) return { error: 'must not contain control characters' };
  return { value: name };
}

/**
 * Permission and scopes decide together. Scopes without a permission mean `custom` (for parity with
 * a restricted key); no permission and no scopes keep `fallback` (`full_access` for a new key, as in
 * Resend). A preset never carries scopes, and a custom key needs at least one (an empty list is not
 * "everything").
 */
export function resolveAccess(
  input: Pick<KeyFieldsInput, 'permission' | 'scopes' | 'permissions'>,
  fallback: CurrentAccess,
): Parsed<{ permission: Permission; scopes: Scope[] }> {
  const errors: FieldError[] = [];
  const type = fallback.type ?? 'general';
  const permissionText = input.permission?.trim().toLowerCase();
  const allowed = type === 'billing' ? (['custom'] as const) : PERMISSIONS;
  if (permissionText !== undefined && !(allowed as readonly string[]).includes(permissionText)) {
    errors.push({
      path: 'permission',
      message: `must be ${allowed.length === 1 ? '' : 'one of '}${allowed.join(', ')}`,
    });
  }
  let scopes: FieldResult<Scope[]> | undefined;
  if (input.permissions !== undefined) {
    if (input.scopes !== undefined) {
      errors.push({ path: 'permissions', message: 'must not be given together with scopes' });
    } else if (type === 'billing') {
      errors.push({ path: 'permissions', message: 'cannot be given for a billing key; use scopes' });
    } else {
      const expanded = expandPermissions(input.permissions);
      if ('errors' in expanded) errors.push(...expanded.errors);
      else scopes = { value: expanded.scopes };
    }
  } else if (input.scopes !== undefined) {
    scopes = parseScopes(input.scopes, type);
  }
  if (scopes && 'error' in scopes) errors.push({ path: 'scopes', message: scopes.error });
  if (errors.length > 0) return { errors };

  const given = scopes && 'value' in scopes ? scopes.value : undefined;
  const permission: Permission =
    permissionText !== undefined && isPermission(permissionText)
      ? permissionText
      : given !== undefined
        ? 'custom' // any --scopes, even an empty one ("$SCOPES" unset), asks for a restricted key
        : fallback.permission;
  if (permission !== 'custom') {
    if (given !== undefined && given.length > 0) {
      return { error: `can only be set with permission custom, not ${permission}` };
    }
    return { value: { permission, scopes: [] } };
  }
  const custom = given ?? [...fallback.scopes];
  if (custom.length === 0) {
    const valid = type === 'general' ? VALID_SCOPES_TEXT : SCOPES_BY_KEY_TYPE[type].join(', ');
    return { error: `a custom key needs at least one scope; valid scopes: ${valid}` };
  }
  return { value: { permission, scopes: custom } };
}

function defaultAccess(type: KeyType): CurrentAccess {
  // A billing key has no preset: its scopes are always listed.
  return { type, permission: type === 'billing' ? 'custom' : 'full_access', scopes: [] };
}

/** `general` when absent; `billing` only from the CLI (the API's contract refuses the field). */
export function parseKeyType(raw: string | undefined): FieldResult<KeyType> {
  const type = (raw ?? 'general').trim().toLowerCase();
  return (KEY_TYPES as readonly string[]).includes(type)
    ? { value: type as KeyType }
    : { error: `must be one of ${KEY_TYPES.join(', ')}` };
}

/** A whole number of requests per second, 1 to RATE_LIMIT_MAX; `null`, `''` or `none`: no own limit. */
export function parseRateLimit(raw: number | string | null): FieldResult<number | null> {
  if (raw === null) return { value: null };
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  if (text === '' || text.toLowerCase() === 'none') return { value: null };
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > RATE_LIMIT_MAX) {
    return { error: `must be a whole number from 1 to ${RATE_LIMIT_MAX}` };
  }
  return { value: Number(text) };
}

/** Trimmed, lower-cased, de-duplicated, in the canonical order; any unknown entry is an error. */
export function parseScopes(
  raw: string | readonly string[],
  type: KeyType = 'general',
): FieldResult<Scope[]> {
  const entries = splitList(raw).map((entry) => entry.toLowerCase());
  const unknown = entries.filter((entry) => !isScopeOf(type, entry));
  if (unknown.length > 0) {
    const label = unknown.length === 1 ? 'unknown scope' : 'unknown scopes';
    const valid = type === 'general' ? VALID_SCOPES_TEXT : SCOPES_BY_KEY_TYPE[type].join(', ');
    const kind = type === 'general' ? '' : ` for a ${type} key`;
    return {
      error: `${label} ${unknown.map((entry) => `"${entry}"`).join(', ')}${kind}; valid scopes: ${valid}`,
    };
  }
  const wanted = new Set(entries);
  return { value: SCOPES_BY_KEY_TYPE[type].filter((scope) => wanted.has(scope)) };
}

/** Strict IP and CIDR parsing (the authorizer's own parser); one bad entry is an error naming it. */
export function parseAllowedIps(raw: string | readonly string[]): FieldResult<string[]> {
  const list = parseAllowList(typeof raw === 'string' ? raw : [...raw]);
  if (!list.ok) {
    const label =
      list.invalidEntries.length === 1
        ? 'invalid IP address or CIDR range'
        : 'invalid IP addresses or CIDR ranges';
    return { error: `${label} ${list.invalidEntries.map((entry) => `"${entry}"`).join(', ')}` };
  }
  return { value: [...new Set(list.ranges.map(formatRange))] };
}

const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Host names, lower-cased, trailing dot dropped; an empty value means "any domain" (`null`). */
export function parseAllowedDomains(raw: string | readonly string[] | null): FieldResult<string[] | null> {
  if (raw === null) return { value: null };
  const domains = splitList(raw).map((entry) => entry.toLowerCase().replace(/\.$/, ''));
  const invalid = domains.filter((domain) => !DOMAIN_PATTERN.test(domain));
  if (invalid.length > 0)
    return { error: `invalid domain ${invalid.map((entry) => `"${entry}"`).join(', ')}` };
  return { value: domains.length === 0 ? null : [...new Set(domains)] };
}

/**
 * The API's rule for `allowed_domains`: a list of at least one domain, or `null` for any of the
 * project's. An empty list (or an empty string) is refused rather than read as "any": in the item an
 * empty list means "no domain", and a restriction must mean the same over the API and in the item.
 */
export function parseApiAllowedDomains(raw: string | readonly string[] | null): FieldResult<string[] | null> {
  if (raw !== null && splitList(raw).length === 0) {
    return { error: 'must name at least one domain; send null for any of the project’s domains' };
  }
  return parseAllowedDomains(raw);
}

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/**
 * An ISO 8601 instant in the future, stored in `toISOString()` form (what the authorizer reads). A
 * date alone means midnight UTC; a date-time needs `Z` or an offset, so a local clock cannot shift it.
 */
export function parseExpiresAt(raw: string | null, now: Date): FieldResult<string | null> {
  if (raw === null || NO_EXPIRY.has(raw.trim().toLowerCase())) return { value: null };
  const text = raw.trim();
  const match = ISO_8601.exec(text);
  if (!match)
    return {
      error: `"${text}" is not an ISO 8601 date or date-time with a time zone (e.g. 2030-01-31T12:00:00Z)`,
    };
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = match;
  const fields = [year, month, day, hour, minute, second].map(Number);
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = fields;
  const calendar = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (calendar.getUTCMonth() !== mo - 1 || calendar.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return { error: `"${text}" is not a valid date` };
  }
  const instant = new Date(match[4] === undefined ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(instant.getTime())) return { error: `"${text}" is not a valid date` };
  if (instant.getTime() <= now.getTime())
    return { error: `must be in the future (got ${instant.toISOString()})` };
  return { value: instant.toISOString() };
}

function splitList(raw: string | readonly string[]): string[] {
  const values = typeof raw === 'string' ? [raw] : raw;
  return values
    .flatMap((value) => value.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function check<T>(errors: FieldError[], path: string, parsed: Parsed<T>): T | undefined {
  if ('value' in parsed) return parsed.value;
  if ('errors' in parsed) errors.push(...parsed.errors);
  else errors.push({ path, message: parsed.error });
  return undefined;
}

function fail(errors: FieldError[], path: string, message: string): undefined {
  errors.push({ path, message });
  return undefined;
}
