/**
 * The SSRF guard for webhook deliveries: which addresses a delivery may connect to. Pure (no DNS, no
 * network); the delivery attempt resolves once, asks this module about every address, and connects
 * only to an address it allowed.
 *
 * The rule is the IANA IPv4 and IPv6 special-purpose address registries' "globally reachable"
 * column, most specific entry first, plus multicast, plus (IPv6) everything outside global unicast
 * 2000::/3. Where the registry says "N/A" (deprecated blocks), the address is refused. Two blocks
 * embed an IPv4 address:
 * - NAT64 64:ff9b::/96 is judged by the IPv4 address it carries: an IPv6-only Lambda subnet with
 *   DNS64 hands out exactly such addresses for every IPv4-only receiver, and 64:ff9b::10.0.0.1 would
 *   reach 10.0.0.1 through the translator.
 * - 6to4 2002::/16 and IPv4-mapped ::ffff:0:0/96 are refused outright: 6to4 is deprecated and a
 *   resolver never answers a mapped address for a real receiver (both carry an IPv4 address a
 *   receiver publishes as an A record instead).
 * Anything that is not a well-formed address (including zone ids and non-decimal IPv4) is refused.
 */
import ipaddr from 'ipaddr.js';
import { parseIpStrict } from '../keys/ip-allowlist.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Why an address is refused; shown to the webhook's owner, never with the address itself. */
export type ForbiddenCategory =
  | 'not an IP address'
  | 'unspecified'
  | 'this network'
  | 'loopback'
  | 'private'
  | 'shared address space (CGNAT)'
  | 'link-local'
  | 'IETF protocol assignment'
  | 'documentation'
  | 'benchmarking'
  | 'multicast'
  | 'reserved'
  | 'limited broadcast'
  | 'deprecated'
  | 'IPv4-mapped IPv6'
  | '6to4'
  | 'Teredo'
  | 'discard-only'
  | 'local-use translation'
  | 'segment routing'
  | 'unique-local'
  | 'not global unicast';

export type AddressVerdict =
  | { readonly allowed: true; readonly address: string; readonly family: 4 | 6 }
  | { readonly allowed: false; readonly category: ForbiddenCategory };

export interface GuardOptions {
  /** The local stack delivers to receivers on the same machine: loopback only, nothing else. */
  readonly allowLoopback?: boolean;
}

interface SpecialRange {
  readonly network: Address;
  readonly prefixLength: number;
  /** `undefined` = globally reachable (allowed); otherwise the reason it is refused. */
  readonly forbidden: ForbiddenCategory | undefined;
}

/** `[cidr, forbidden category or undefined when the registry marks it globally reachable]`. */
type RangeRow = readonly [string, ForbiddenCategory | undefined];

// IANA IPv4 Special-Purpose Address Registry (plus multicast 224.0.0.0/4 from the multicast registry).
const IPV4_ROWS: readonly RangeRow[] = [
  ['0.0.0.0/8', 'this network'],
  ['0.0.0.0/32', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared address space (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignment'],
  ['192.0.0.0/29', 'IETF protocol assignment'],
  ['192.0.0.8/32', 'IETF protocol assignment'],
  ['192.0.0.9/32', undefined], // Port Control Protocol anycast
  ['192.0.0.10/32', undefined], // TURN anycast
  ['192.0.0.170/32', 'IETF protocol assignment'],
  ['192.0.0.171/32', 'IETF protocol assignment'],
  ['192.0.2.0/24', 'documentation'],
  ['192.31.196.0/24', undefined], // AS112-v4
  ['192.52.193.0/24', undefined], // AMT
  ['192.88.99.0/24', 'deprecated'], // 6to4 relay anycast, registry says N/A
  ['192.168.0.0/16', 'private'],
  ['192.175.48.0/24', undefined], // AS112 direct delegation
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['255.255.255.255/32', 'limited broadcast'],
];

// IANA IPv6 Special-Purpose Address Registry, plus multicast and the deprecated site-local block.
// 64:ff9b::/96 (NAT64) is not here: it is judged by its embedded IPv4 address.
const IPV6_ROWS: readonly RangeRow[] = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::ffff:0:0/96', 'IPv4-mapped IPv6'],
  ['64:ff9b:1::/48', 'local-use translation'],
  ['100::/64', 'discard-only'],
  ['100:0:0:1::/64', 'reserved'], // dummy IPv6 prefix
  ['2001::/23', 'IETF protocol assignment'],
  ['2001::/32', 'Teredo'], // registry says N/A
  ['2001:1::1/128', undefined], // Port Control Protocol anycast
  ['2001:1::2/128', undefined], // TURN anycast
  ['2001:1::3/128', undefined], // DNS-SD service registration protocol anycast
  ['2001:2::/48', 'benchmarking'],
  ['2001:3::/32', undefined], // AMT
  ['2001:4:112::/48', undefined], // AS112-v6
  ['2001:10::/28', 'deprecated'], // ORCHID, registry says N/A
  ['2001:20::/28', undefined], // ORCHIDv2
  ['2001:30::/28', undefined], // drone remote ID
  ['2001:db8::/32', 'documentation'],
  ['2002::/16', '6to4'], // registry says N/A
  ['2620:4f:8000::/48', undefined], // AS112 direct delegation
  ['3fff::/20', 'documentation'],
  ['5f00::/16', 'segment routing'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'deprecated'], // site-local
  ['ff00::/8', 'multicast'],
];

function toRanges(rows: readonly RangeRow[]): readonly SpecialRange[] {
  return rows
    .map(([cidr, forbidden]) => {
      const [network, prefixLength] = ipaddr.parseCIDR(cidr);
      return { network, prefixLength, forbidden };
    })
    .sort((a, b) => b.prefixLength - a.prefixLength); // most specific first
}

const IPV4_RANGES = toRanges(IPV4_ROWS);
const IPV6_RANGES = toRanges(IPV6_ROWS);
const [NAT64, NAT64_PREFIX] = ipaddr.parseCIDR('64:ff9b::/96');
const [GLOBAL_UNICAST, GLOBAL_UNICAST_PREFIX] = ipaddr.parseCIDR('2000::/3');
const [LOOPBACK_V4, LOOPBACK_V4_PREFIX] = ipaddr.parseCIDR('127.0.0.0/8');

/** The most specific registry entry decides; an address in no entry is ordinary unicast. */
function mostSpecific(ranges: readonly SpecialRange[], address: Address): SpecialRange | undefined {
  return ranges.find((range) => address.match(range.network, range.prefixLength));
}

function isLoopback(address: Address): boolean {
  if (address instanceof ipaddr.IPv4) return address.match(LOOPBACK_V4, LOOPBACK_V4_PREFIX);
  if (address.isIPv4MappedAddress()) return isLoopback(address.toIPv4Address());
  return address.toNormalizedString() === '0:0:0:0:0:0:0:1';
}

function forbiddenCategoryOf(address: Address): ForbiddenCategory | undefined {
  if (address instanceof ipaddr.IPv4) return mostSpecific(IPV4_RANGES, address)?.forbidden;
  if (address.match(NAT64, NAT64_PREFIX)) {
    const [high = 0, low = 0] = address.parts.slice(6);
    return forbiddenCategoryOf(ipaddr.IPv4.parse(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`));
  }
  const entry = mostSpecific(IPV6_RANGES, address);
  if (entry) return entry.forbidden;
  return address.match(GLOBAL_UNICAST, GLOBAL_UNICAST_PREFIX) ? undefined : 'not global unicast';
}

/**
 * Judges one address as a resolver returns it (dotted-quad IPv4 without leading zeros, or IPv6).
 * An allowed verdict carries the address re-printed by the same parser that judged it, so the
 * connection goes to exactly the address that was checked.
 */
export function classifyAddress(text: string, options: GuardOptions = {}): AddressVerdict {
  const address = parseIpStrict(text);
  if (!address) return { allowed: false, category: 'not an IP address' };
  const family = address instanceof ipaddr.IPv4 ? 4 : 6;
  if (options.allowLoopback === true && isLoopback(address)) {
    return { allowed: true, address: address.toString(), family };
  }
  const category = forbiddenCategoryOf(address);
  return category === undefined
    ? { allowed: true, address: address.toString(), family }
    : { allowed: false, category };
}

/** "a private address", "an unspecified address": for messages to the webhook's owner. */
export function describeCategory(category: ForbiddenCategory): string {
  if (category === 'not an IP address') return 'something that is not an IP address';
  if (category === 'not global unicast') return 'an address outside global unicast';
  // By sound: an IETF…, an unspecified…, but a unique-local….
  return `${/^(?:[aeioI]|u(?!ni))/.test(category) ? 'an' : 'a'} ${category} address`;
}

export function isForbiddenAddress(text: string, options: GuardOptions = {}): boolean {
  return !classifyAddress(text, options).allowed;
}
