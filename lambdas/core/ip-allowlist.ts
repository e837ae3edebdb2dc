/**
 * IP allow-lists (docs/architecture.md, "The key model" and "The authorizer"): single IPv4/IPv6
 * addresses and CIDR ranges, given as a comma-separated string, a string set or a list. Parsing is
 * strict: one invalid entry makes the whole list invalid, and the caller fails the key closed.
 * IPv4-mapped IPv6 is compared as IPv4.
 *
 * Addresses are parsed here rather than with ipaddr.js: the authorizer needs only strict parsing and
 * prefix matching, and ipaddr.js was the largest package in its bundle (13 KB of 63) and lenient
 * where an allow-list must not be (octal and hex IPv4). test/unit/ip-allowlist.test.ts holds it to
 * an independent BigInt reference with property tests.
 */

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address. */
export class IpAddress {
  private constructor(
    readonly kind: 'ipv4' | 'ipv6',
    readonly bytes: Uint8Array,
  ) {}

  static ipv4(bytes: Uint8Array): IpAddress {
    return new IpAddress('ipv4', bytes);
  }

  static ipv6(bytes: Uint8Array): IpAddress {
    return new IpAddress('ipv6', bytes);
  }

  get bits(): number {
    return this.bytes.length * 8;
  }

  /** ::ffff:a.b.c.d */
  isIPv4Mapped(): boolean {
    if (this.kind !== 'ipv6') return false;
    for (let index = 0; index < 10; index++) if (this.bytes[index] !== 0) return false;
    return this.bytes[10] === 0xff && this.bytes[11] === 0xff;
  }

  toIPv4(): IpAddress {
    return IpAddress.ipv4(this.bytes.slice(12));
  }

  /** Dotted decimal, or RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
  toString(): string {
    if (this.kind === 'ipv4') return this.bytes.join('.');
    const groups: number[] = [];
    for (let index = 0; index < 16; index += 2)
      groups.push(((this.bytes[index] ?? 0) << 8) | (this.bytes[index + 1] ?? 0));
    let bestStart = -1;
    let bestLength = 1;
    for (let start = 0; start < 8; start++) {
      let length = 0;
      while (start + length < 8 && groups[start + length] === 0) length++;
      if (length > bestLength) {
        bestStart = start;
        bestLength = length;
      }
    }
    const hex = (part: number[]) => part.map((group) => group.toString(16)).join(':');
    if (bestStart < 0) return hex(groups);
    return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
  }
}

export interface IpRange {
  readonly address: IpAddress;
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
const parsedLists = new Map<string, AllowList>();

/**
 * parseAllowList for the authorizer, which reads the same stored list on every request of a key:
 * parsed once per container, keyed by the exact stored entries (so an edited list is a new key and
 * is parsed afresh; nothing is ever served stale). Bounded: the oldest list is dropped first. The
 * result is frozen, because every request of the key shares it.
 */
export function parseAllowListCached(entries: readonly string[]): AllowList {
  if (entries.length === 0) return EMPTY_ALLOW_LIST;
  const cacheKey = entries.length === 1 ? (entries[0] ?? '') : JSON.stringify(entries);
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
  if (prefixPart === undefined) return normaliseRange({ address, prefixLength: address.bits });
  if (!/^\d{1,3}$/.test(prefixPart)) return undefined;
  const prefixLength = Number(prefixPart);
  if (prefixLength > address.bits) return undefined;
  return normaliseRange({ address, prefixLength });
}

const IPV4_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const DOTTED_TAIL = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/;

/**
 * Strict address parsing: IPv4 only in four-part decimal without leading zeros (no octal, no hex, no
 * shortened forms), IPv6 in any standard form, with an embedded IPv4 tail held to the same IPv4
 * rule. Zone ids and brackets are refused.
 */
export function parseIpStrict(value: string): IpAddress | undefined {
  if (!value.includes(':')) {
    const octets = parseIpv4Octets(value);
    return octets && IpAddress.ipv4(Uint8Array.from(octets));
  }
  let head = value;
  let tail: number[] = [];
  if (value.includes('.')) {
    const dotted = DOTTED_TAIL.exec(value);
    const octets = dotted?.[2] === undefined ? undefined : parseIpv4Octets(dotted[2]);
    if (dotted?.[1] === undefined || octets === undefined) return undefined;
    // `::ffff:1.2.3.4` keeps `::ffff`; `::1.2.3.4` keeps its `::`.
    head = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
    tail = [((octets[0] ?? 0) << 8) | (octets[1] ?? 0), ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)];
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const left = hexGroups(halves[0]);
  const right = hexGroups(halves[1]);
  if (!left || !right) return undefined;
  const groupsAfter = [...right, ...tail];
  const missing = 8 - left.length - groupsAfter.length;
  // Without `::` there must be exactly eight groups; `::` stands for at least one zero group.
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...new Array<number>(missing).fill(0), ...groupsAfter];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return IpAddress.ipv6(bytes);
}

function parseIpv4Octets(value: string): number[] | undefined {
  const match = IPV4_SHAPE.exec(value);
  if (!match) return undefined;
  const octets: number[] = [];
  for (const text of match.slice(1)) {
    if (text.length > 1 && text.startsWith('0')) return undefined;
    const octet = Number(text);
    if (octet > 255) return undefined;
    octets.push(octet);
  }
  return octets;
}

/** The colon-separated hex groups of one side of `::`; an empty side has none. */
function hexGroups(part: string | undefined): number[] | undefined {
  if (part === undefined || part === '') return [];
  const groups: number[] = [];
  for (const piece of part.split(':')) {
    if (!HEX_GROUP.test(piece)) return undefined;
    groups.push(Number.parseInt(piece, 16));
  }
  return groups;
}

/** Maps an IPv4-mapped IPv6 range (::ffff:0:0/96 and narrower) to the IPv4 range it denotes. */
function normaliseRange(range: IpRange): IpRange {
  const { address, prefixLength } = range;
  if (prefixLength >= 96 && address.isIPv4Mapped()) {
    return { address: address.toIPv4(), prefixLength: prefixLength - 96 };
  }
  return range;
}

/** The caller's address as API Gateway reports it, with IPv4-mapped IPv6 reduced to IPv4. */
export function parseSourceIp(value: string): IpAddress | undefined {
  const address = parseIpStrict(value);
  if (!address) return undefined;
  return address.isIPv4Mapped() ? address.toIPv4() : address;
}

export function rangeContains(range: IpRange, address: IpAddress): boolean {
  if (range.address.kind !== address.kind) return false;
  const wholeBytes = range.prefixLength >> 3;
  for (let index = 0; index < wholeBytes; index++) {
    if (range.address.bytes[index] !== address.bytes[index]) return false;
  }
  const restBits = range.prefixLength & 7;
  if (restBits === 0) return true;
  const mask = (0xff << (8 - restBits)) & 0xff;
  return (((range.address.bytes[wholeBytes] ?? 0) ^ (address.bytes[wholeBytes] ?? 0)) & mask) === 0;
}

/** An empty list allows every caller; otherwise the source must fall in one of the ranges. */
export function isIpAllowed(ranges: readonly IpRange[], sourceIp: string): boolean {
  if (ranges.length === 0) return true;
  const address = parseSourceIp(sourceIp);
  if (!address) return false;
  return ranges.some((range) => rangeContains(range, address));
}

export function formatRange(range: IpRange): string {
  return range.prefixLength === range.address.bits
    ? range.address.toString()
    : `${range.address.toString()}/${range.prefixLength}`;
}
