import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress, isForbiddenAddress } from '../../../../lambdas/webhooks/address-guard.js';

/*
 * A reference transcribed separately from the IANA special-purpose address registries
 * (iana-ipv4-special-registry, iana-ipv6-special-registry), column "Globally Reachable", with its
 * own BigInt arithmetic and no ipaddr.js. `n/a` (deprecated blocks) counts as not reachable.
 * Most specific prefix wins. Additions that are not in those registries: IPv4 multicast 224.0.0.0/4
 * and IPv6 multicast ff00::/8 (multicast registries), deprecated site-local fec0::/10.
 */
type Reachable = true | false | 'n/a';
type Entry = readonly [prefix: string, reachable: Reachable];

const IPV4_REGISTRY: readonly Entry[] = [
  ['0.0.0.0/8', false], // "This network"
  ['0.0.0.0/32', false], // "This host on this network"
  ['10.0.0.0/8', false], // Private-Use
  ['100.64.0.0/10', false], // Shared Address Space
  ['127.0.0.0/8', false], // Loopback
  ['169.254.0.0/16', false], // Link Local (the metadata service lives here)
  ['172.16.0.0/12', false], // Private-Use
  ['192.0.0.0/24', false], // IETF Protocol Assignments
  ['192.0.0.0/29', false], // IPv4 Service Continuity Prefix
  ['192.0.0.8/32', false], // IPv4 dummy address
  ['192.0.0.9/32', true], // Port Control Protocol Anycast
  ['192.0.0.10/32', true], // Traversal Using Relays around NAT Anycast
  ['192.0.0.170/32', false], // NAT64/DNS64 Discovery
  ['192.0.0.171/32', false], // NAT64/DNS64 Discovery
  ['192.0.2.0/24', false], // Documentation (TEST-NET-1)
  ['192.31.196.0/24', true], // AS112-v4
  ['192.52.193.0/24', true], // AMT
  ['192.88.99.0/24', 'n/a'], // Deprecated (6to4 Relay Anycast)
  ['192.168.0.0/16', false], // Private-Use
  ['192.175.48.0/24', true], // Direct Delegation AS112 Service
  ['198.18.0.0/15', false], // Benchmarking
  ['198.51.100.0/24', false], // Documentation (TEST-NET-2)
  ['203.0.113.0/24', false], // Documentation (TEST-NET-3)
  ['224.0.0.0/4', false], // Multicast
  ['240.0.0.0/4', false], // Reserved
  ['255.255.255.255/32', false], // Limited Broadcast
];

const NAT64 = '64:ff9b::/96'; // IPv4-IPv6 Translat.: reachable as far as the embedded IPv4 address is
const IPV6_REGISTRY: readonly Entry[] = [
  ['::1/128', false], // Loopback Address
  ['::/128', false], // Unspecified Address
  ['::ffff:0:0/96', false], // IPv4-mapped Address
  ['64:ff9b:1::/48', false], // IPv4-IPv6 Translat. (local use)
  ['100::/64', false], // Discard-Only Address Block
  ['100:0:0:1::/64', false], // Dummy IPv6 Prefix
  ['2001::/23', false], // IETF Protocol Assignments
  ['2001::/32', 'n/a'], // TEREDO
  ['2001:1::1/128', true], // Port Control Protocol Anycast
  ['2001:1::2/128', true], // Traversal Using Relays around NAT Anycast
  ['2001:1::3/128', true], // DNS-SD Service Registration Protocol Anycast
  ['2001:2::/48', false], // Benchmarking
  ['2001:3::/32', true], // AMT
  ['2001:4:112::/48', true], // AS112-v6
  ['2001:10::/28', 'n/a'], // Deprecated (previously ORCHID)
  ['2001:20::/28', true], // ORCHIDv2
  ['2001:30::/28', true], // Drone Remote ID Protocol Entity Tags
  ['2001:db8::/32', false], // Documentation
  ['2002::/16', 'n/a'], // 6to4
  ['2620:4f:8000::/48', true], // Direct Delegation AS112 Service
  ['3fff::/20', false], // Documentation
  ['5f00::/16', false], // Segment Routing (SRv6) SIDs
  ['fc00::/7', false], // Unique-Local
  ['fe80::/10', false], // Link-Local Unicast
  ['fec0::/10', false], // deprecated site-local
  ['ff00::/8', false], // Multicast
];
const GLOBAL_UNICAST = '2000::/3'; // outside it (and the entries above), IPv6 is IETF-reserved

interface Range {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefixLength: number;
}

function parseV4(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function parseV6(text: string): bigint {
  const [left = '', right] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => BigInt(`0x${group}`)));
  const head = groups(left);
  const tail = right === undefined ? [] : groups(right);
  const all = [...head, ...Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  return all.reduce((value, group) => (value << 16n) | group, 0n);
}

function parseRange(cidr: string): Range {
  const [address = '', length = ''] = cidr.split('/');
  const family = address.includes(':') ? 6 : 4;
  return {
    family,
    network: family === 4 ? parseV4(address) : parseV6(address),
    prefixLength: Number(length),
  };
}

const bitsOf = (family: 4 | 6): bigint => (family === 4 ? 32n : 128n);
const sizeOf = (range: Range): bigint => 1n << (bitsOf(range.family) - BigInt(range.prefixLength));
const contains = (range: Range, value: bigint): boolean =>
  value >= range.network && value < range.network + sizeOf(range);

const v4Entries = IPV4_REGISTRY.map(([prefix, reachable]) => ({ range: parseRange(prefix), reachable }));
const v6Entries = IPV6_REGISTRY.map(([prefix, reachable]) => ({ range: parseRange(prefix), reachable }));
const nat64 = parseRange(NAT64);
const globalUnicast = parseRange(GLOBAL_UNICAST);

function mostSpecific(entries: typeof v4Entries, value: bigint) {
  return entries
    .filter((entry) => contains(entry.range, value))
    .sort((a, b) => b.range.prefixLength - a.range.prefixLength)[0];
}

/** The reference verdict: may a delivery connect to this address? */
function referenceAllows(family: 4 | 6, value: bigint): boolean {
  if (family === 4) {
    const entry = mostSpecific(v4Entries, value);
    return entry === undefined || entry.reachable === true;
  }
  if (contains(nat64, value)) return referenceAllows(4, value & 0xffffffffn);
  const entry = mostSpecific(v6Entries, value);
  if (entry !== undefined) return entry.reachable === true;
  return contains(globalUnicast, value);
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

/** Uncompressed, so the formatting owes nothing to the code under test. */
function formatV6(value: bigint): string {
  return Array.from({ length: 8 }, (_, index) =>
    ((value >> BigInt(112 - 16 * index)) & 0xffffn).toString(16),
  ).join(':');
}

const format = (family: 4 | 6, value: bigint): string => (family === 4 ? formatV4(value) : formatV6(value));

const allRanges = [...v4Entries, ...v6Entries].map((entry) => entry.range).concat([nat64, globalUnicast]);

/** Inside a range, on its first and last address, and just outside it on either side. */
const aroundARange = fc.constantFrom(...allRanges).chain((range) => {
  const max = (1n << bitsOf(range.family)) - 1n;
  const inside = fc.bigInt({ min: 0n, max: sizeOf(range) - 1n }).map((offset) => range.network + offset);
  const edges = [
    range.network,
    range.network + sizeOf(range) - 1n,
    range.network - 1n,
    range.network + sizeOf(range),
  ];
  return fc
    .oneof(inside, fc.constantFrom(...edges))
    .filter((value) => value >= 0n && value <= max)
    .map((value) => ({ family: range.family, value }));
});

const anywhere = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }).map((value) => ({ family: 4 as const, value })),
  fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((value) => ({ family: 6 as const, value })),
  // NAT64 carrying any IPv4 address, so every IPv4 rule is exercised through the translator too.
  fc
    .bigInt({ min: 0n, max: (1n << 32n) - 1n })
    .map((value) => ({ family: 6 as const, value: nat64.network + value })),
);

describe('the address guard agrees with the IANA special-purpose registries', () => {
  it('around every registry entry (inside, at its edges, just outside)', () => {
    fc.assert(
      fc.property(aroundARange, ({ family, value }) => {
        expect(classifyAddress(format(family, value)).allowed, format(family, value)).toBe(
          referenceAllows(family, value),
        );
      }),
      { numRuns: 10_000 },
    );
  });

  it('anywhere in the IPv4 and IPv6 spaces, and through NAT64', () => {
    fc.assert(
      fc.property(anywhere, ({ family, value }) => {
        expect(classifyAddress(format(family, value)).allowed, format(family, value)).toBe(
          referenceAllows(family, value),
        );
      }),
      { numRuns: 10_000 },
    );
  });

  it('the reference is not vacuous: both verdicts occur around the entries', () => {
    const verdicts = fc
      .sample(aroundARange, { numRuns: 2_000, seed: 1 })
      .map(({ family, value }) => referenceAllows(family, value));
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });
});

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'unique-local'],
    ['169.254.169.254', 'link-local'], // EC2/Lambda metadata and credentials
    ['169.254.170.2', 'link-local'], // ECS task credentials
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique-local'], // EC2 metadata over IPv6
    ['100.64.0.1', 'shared address space (CGNAT)'],
    ['100.127.255.255', 'shared address space (CGNAT)'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'limited broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.1', 'IETF protocol assignment'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['100::1', 'discard-only'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['::ffff:10.0.0.1', 'IPv4-mapped IPv6'],
    ['::ffff:127.0.0.1', 'IPv4-mapped IPv6'],
    ['::ffff:8.8.8.8', 'IPv4-mapped IPv6'],
    ['64:ff9b::10.0.0.1', 'private'], // NAT64 to a private address
    ['64:ff9b::a9fe:a9fe', 'link-local'], // NAT64 to 169.254.169.254
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['2002:a00:1::1', '6to4'], // 6to4 embedding 10.0.0.1
    ['2002:808:808::1', '6to4'], // 6to4 embedding a public address: refused all the same
    ['::a00:1', 'not global unicast'], // deprecated IPv4-compatible ::10.0.0.1
    ['4000::1', 'not global unicast'],
  ])('%s is refused as %s', (address, category) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, category });
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['::10.0.0.1', '::8.8.8.8'])(
    'refuses the deprecated IPv4-compatible form %s (ipaddr.js reads it as IPv4-mapped; refused either way)',
    (address) => {
      expect(isForbiddenAddress(address)).toBe(true);
    },
  );

  it.each([
    ['8.8.8.8', '8.8.8.8', 4],
    ['1.1.1.1', '1.1.1.1', 4],
    ['100.63.255.255', '100.63.255.255', 4], // just below CGNAT
    ['100.128.0.0', '100.128.0.0', 4], // just above it
    ['172.32.0.1', '172.32.0.1', 4],
    ['192.0.0.9', '192.0.0.9', 4], // PCP anycast, globally reachable per IANA
    ['2606:4700:4700::1111', '2606:4700:4700::1111', 6],
    ['2606:4700:4700:0:0:0:0:1111', '2606:4700:4700::1111', 6], // re-printed canonically
    ['64:ff9b::8.8.8.8', '64:ff9b::808:808', 6], // NAT64 to a public address
  ])('%s is allowed', (address, printed, family) => {
    expect(classifyAddress(address)).toEqual({ allowed: true, address: printed, family });
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it.each([
    '',
    'localhost',
    'example.com',
    '2130706433', // integer form: only a URL parser may turn it into an address
    '0x7f.0.0.1',
    '0177.0.0.1', // octal
    '127.1',
    '010.0.0.1',
    '1.2.3.4.5',
    '256.0.0.1',
    ' 8.8.8.8',
    'fe80::1%eth0', // zone id
    '::ffff:0x7f.0.0.1',
    '[::1]',
  ])('%j is not an address and is refused', (text) => {
    expect(classifyAddress(text)).toEqual({ allowed: false, category: 'not an IP address' });
  });

  describe('allowLoopback (the local stack)', () => {
    it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])('allows %s', (address) => {
      expect(classifyAddress(address, { allowLoopback: true }).allowed).toBe(true);
    });

    it.each(['10.0.0.1', '169.254.169.254', '::ffff:10.0.0.1', 'fe80::1', '0.0.0.0', '::', 'fd00::1'])(
      'still refuses %s',
      (address) => {
        expect(classifyAddress(address, { allowLoopback: true }).allowed).toBe(false);
      },
    );
  });
});
