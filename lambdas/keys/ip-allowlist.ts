/**
 * IP allow-lists (docs/architecture.md, "The key model" and "The authorizer"): single IPv4/IPv6 addresses and CIDR ranges, given as a
 * comma-separated string, a string set or a list. Parsing is strict: one invalid entry makes the
 * whole list invalid, and the caller fails the key closed. IPv4-mapped IPv6 is compared as IPv4.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface IpRange {
  readonly address: Address;
  readonly prefixLength: number;
}

export type AllowList =
  | { readonly ok: true; readonly ranges: readonly IpRange[] }
  | { readonly ok: false; readonly invalidEntries: readonly string[] };

/** Splits every raw value on commas and trims; empty pieces are dropped. */
export function splitAllowListEntries(raw: string | Iterable<string>): string[] {
  const values = typeof raw === 'string' ? [raw] : [...raw];
  return values
    .flatMap((value) => value.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** An empty list means "any IP"; a list with an invalid entry is `ok: false`. */
export function parseAllowList(raw: string | Iterable<string> | undefined): AllowList {
  const ranges: IpRange[] = [];
  const invalidEntries: string[] = [];
  for (const entry of raw === undefined ? [] : splitAllowListEntries(raw)) {
    const range = parseIpRange(entry);
    if (range) ranges.push(range);
    else invalidEntries.push(entry);
  }
  return invalidEntries.length > 0 ? { ok: false, invalidEntries } : { ok: true, ranges };
}

/** How many distinct stored lists a container keeps parsed; far more than one container's keys. */
export const ALLOW_LIST_CACHE_SIZE = 500;
/**
 * A stored list longer than this (in characters of its cache key) is parsed on every request and
 * never kept: the cache holds at most ALLOW_LIST_CACHE_SIZE × this many characters of keys (~2 MB),
 * whatever a hand edit puts in an item of up to 400 KB.
 */
export const ALLOW_LIST_CACHE_MAX_KEY_CHARS = 4096;
const parsedLists = new Map<string, AllowList>();

/**
 * parseAllowList for the authorizer, which reads the same stored list on every request of a key:
 * parsed once per container. The parse is a function of the entries alone (an S, an SS and an L
 * with the same strings in the same order parse alike), so the cache key is the entries exactly:
 * JSON of the array, which tells apart order, whitespace, commas inside an entry and an entry
 * that itself looks like JSON of a list. An edited list is a new key and is parsed afresh; nothing
 * is ever served stale. Bounded in count (the oldest list is dropped first) and in key length. The
 * result is frozen, because every request of the key shares it.
 */
export function parseAllowListCached(entries: readonly string[]): AllowList {
  if (entries.length === 0) return EMPTY_ALLOW_LIST;
  const cacheKey = JSON.stringify(entries);
  if (cacheKey.length > ALLOW_LIST_CACHE_MAX_KEY_CHARS) return freezeAllowList(parseAllowList(entries));
  const cached = parsedLists.get(cacheKey);
  if (cached) return cached;
  const parsed = freezeAllowList(parseAllowList(entries));
  if (parsedLists.size >= ALLOW_LIST_CACHE_SIZE) {
    const oldest = parsedLists.keys().next();
    if (!oldest.done) parsedLists.delete(oldest.value);
  }
  parsedLists.set(cacheKey, parsed);
  return parsed;
}

/** For tests: how many lists the cache holds. */
export function allowListCacheSize(): number {
  return parsedLists.size;
}

const EMPTY_ALLOW_LIST: AllowList = Object.freeze({ ok: true, ranges: Object.freeze([]) });

function freezeAllowList(list: AllowList): AllowList {
  if (!list.ok) return Object.freeze({ ok: false, invalidEntries: Object.freeze([...list.invalidEntries]) });
  return Object.freeze({ ok: true, ranges: Object.freeze(list.ranges.map((range) => Object.freeze(range))) });
}

/** `203.0.113.50`, `198.51.100.0/24`, `2001:db8::/32`, `::ffff:10.0.0.0/104` (→ 10.0.0.0/8). */
export function parseIpRange(entry: string): IpRange | undefined {
  const [addressPart, prefixPart, ...rest] = entry.split('/');
  if (addressPart === undefined || rest.length > 0) return undefined;
  const address = parseIpStrict(addressPart);
  if (!address) return undefined;
  const bits = address.kind() === 'ipv4' ? 32 : 128;
  if (prefixPart === undefined) return normaliseRange({ address, prefixLength: bits });
  if (!/^\d{1,3}$/.test(prefixPart)) return undefined;
  const prefixLength = Number(prefixPart);
  if (prefixLength > bits) return undefined;
  return normaliseRange({ address, prefixLength });
}

/**
 * Strict address parsing: IPv4 only in four-part decimal without leading zeros (ipaddr.parse reads
 * `010.0.0.1` as octal), IPv6 in any standard form. Zone ids are refused.
 */
export function parseIpStrict(value: string): Address | undefined {
  if (value.includes('%')) return undefined;
  // Cheap shape checks first: ipaddr's validators throw and catch internally on a miss, which costs
  // tens of microseconds per entry on every request of a key with an allow-list.
  if (!value.includes(':')) {
    if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(value)) return undefined;
    if (value.split('.').some((octet) => octet.length > 1 && octet.startsWith('0'))) return undefined;
    return ipaddr.IPv4.isValidFourPartDecimal(value) ? ipaddr.IPv4.parse(value) : undefined;
  }
  // ipaddr accepts hex and octal in an embedded IPv4 tail (`::ffff:0xa.0.0.1`): hold it to the IPv4 rule.
  if (value.includes('.')) {
    const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(value)?.[1];
    if (dotted === undefined || parseIpStrict(dotted) === undefined) return undefined;
  }
  try {
    return ipaddr.IPv6.parse(value);
  } catch {
    return undefined;
  }
}

/** Maps an IPv4-mapped IPv6 range (::ffff:0:0/96 and narrower) to the IPv4 range it denotes. */
function normaliseRange(range: IpRange): IpRange {
  const { address, prefixLength } = range;
  if (address.kind() === 'ipv6' && prefixLength >= 96 && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return { address: (address as ipaddr.IPv6).toIPv4Address(), prefixLength: prefixLength - 96 };
  }
  return range;
}

/** The caller's address as API Gateway reports it, with IPv4-mapped IPv6 reduced to IPv4. */
export function parseSourceIp(value: string): Address | undefined {
  const address = parseIpStrict(value);
  if (!address) return undefined;
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

export function rangeContains(range: IpRange, address: Address): boolean {
  if (range.address.kind() !== address.kind()) return false;
  return address.match(range.address, range.prefixLength);
}

/** An empty list allows every caller; otherwise the source must fall in one of the ranges. */
export function isIpAllowed(ranges: readonly IpRange[], sourceIp: string): boolean {
  if (ranges.length === 0) return true;
  const address = parseSourceIp(sourceIp);
  if (!address) return false;
  return ranges.some((range) => rangeContains(range, address));
}

export function formatRange(range: IpRange): string {
  const bits = range.address.kind() === 'ipv4' ? 32 : 128;
  return range.prefixLength === bits
    ? range.address.toString()
    : `${range.address.toString()}/${range.prefixLength}`;
}
