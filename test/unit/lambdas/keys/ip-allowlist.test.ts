import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALLOW_LIST_CACHE_MAX_KEY_CHARS,
  ALLOW_LIST_CACHE_SIZE,
  allowListCacheSize,
  formatRange,
  isIpAllowed,
  parseAllowList,
  parseAllowListCached,
  parseIpRange,
  parseSourceIp,
  splitAllowListEntries,
} from '../../../../lambdas/keys/ip-allowlist.js';

/*
 * An independent reference: addresses as BigInt, CIDR containment as a shift of the high bits, and
 * IPv4-mapped IPv6 (::ffff:0:0/96) reduced to IPv4.
 */
type Family = 4 | 6;
interface RefAddress {
  readonly family: Family;
  readonly value: bigint;
}

const MAPPED_PREFIX = 0xffffn << 32n;
const bitsOf = (family: Family): bigint => (family === 4 ? 32n : 128n);

function refParseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function refParseV6(text: string): bigint | undefined {
  let head = text;
  let tail: bigint[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined && dotted[2] !== undefined) {
    const v4 = refParseV4(dotted[2]);
    if (v4 === undefined) return undefined;
    head = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
    tail = [v4 >> 16n, v4 & 0xffffn];
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined): bigint[] | undefined => {
    if (part === undefined || part === '') return [];
    const pieces = part.split(':');
    if (!pieces.every((piece) => /^[0-9a-fA-F]{1,4}$/.test(piece))) return undefined;
    return pieces.map((piece) => BigInt(`0x${piece}`));
  };
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  if (!left || !right) return undefined;
  const rightAll = [...right, ...tail];
  const missing = 8 - left.length - rightAll.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<bigint>(missing).fill(0n), ...rightAll];
  return all.reduce((value, group) => (value << 16n) | group, 0n);
}

function refParseAddress(text: string): RefAddress | undefined {
  const v4 = refParseV4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = text.includes(':') ? refParseV6(text) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

const isMapped = (address: RefAddress): boolean => address.family === 6 && address.value >> 32n === 0xffffn;

function refSource(text: string): RefAddress | undefined {
  const address = refParseAddress(text);
  if (address && isMapped(address)) return { family: 4, value: address.value & 0xffffffffn };
  return address;
}

function refRange(entry: string): { address: RefAddress; prefix: bigint } {
  const [addressText = '', prefixText] = entry.split('/');
  const address = refParseAddress(addressText);
  if (!address) throw new Error(`reference cannot parse ${entry}`);
  const prefix = prefixText === undefined ? bitsOf(address.family) : BigInt(prefixText);
  if (isMapped(address) && prefix >= 96n) {
    return { address: { family: 4, value: address.value & 0xffffffffn }, prefix: prefix - 96n };
  }
  return { address, prefix };
}

function refAllowed(entries: readonly string[], source: string): boolean {
  if (entries.length === 0) return true;
  const address = refSource(source);
  if (!address) return false;
  return entries.some((entry) => {
    const range = refRange(entry);
    if (range.address.family !== address.family) return false;
    const shift = bitsOf(address.family) - range.prefix;
    return address.value >> shift === range.address.value >> shift;
  });
}

// Formatters, also independent of ipaddr.js.
const formatV4 = (value: bigint): string =>
  [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join('.');

function formatV6(value: bigint, style: 'full' | 'compressed' | 'upper'): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) =>
    ((value >> shift) & 0xffffn).toString(16),
  );
  if (style === 'full') return groups.join(':');
  // Compress the longest run of two or more zero groups.
  let best = { start: -1, length: 0 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === '0') length++;
    if (length > best.length) best = { start, length };
  }
  let text = groups.join(':');
  if (best.length >= 2) {
    text = `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
  }
  return style === 'upper' ? text.toUpperCase() : text;
}

const v4Value = fc.bigInt({ min: 0n, max: (1n << 32n) - 1n });
const v6Value = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const v6Style = fc.constantFrom('full', 'compressed', 'upper') as fc.Arbitrary<
  'full' | 'compressed' | 'upper'
>;

/** A range and a source that is often inside it (flip only host bits) and often not. */
function rangeAndSource(bits: bigint, value: fc.Arbitrary<bigint>) {
  return fc
    .tuple(value, fc.integer({ min: 0, max: Number(bits) }), value, fc.boolean())
    .map(([base, prefix, noise, near]) => {
      const hostMask = (1n << (bits - BigInt(prefix))) - 1n;
      return { base, prefix, source: near ? (base & ~hostMask) | (noise & hostMask) : noise };
    });
}

describe('CIDR containment agrees with a BigInt reference (property)', () => {
  it('IPv4', () => {
    fc.assert(
      fc.property(rangeAndSource(32n, v4Value), ({ base, prefix, source }) => {
        const entry = `${formatV4(base)}/${prefix}`;
        const list = parseAllowList(entry);
        expect(list.ok).toBe(true);
        if (!list.ok) return;
        expect(isIpAllowed(list.ranges, formatV4(source))).toBe(refAllowed([entry], formatV4(source)));
      }),
      { numRuns: 1000 },
    );
  });

  it('IPv6, in full, compressed and upper-case forms', () => {
    fc.assert(
      fc.property(
        rangeAndSource(128n, v6Value),
        v6Style,
        v6Style,
        ({ base, prefix, source }, rangeStyle, sourceStyle) => {
          const entry = `${formatV6(base, rangeStyle)}/${prefix}`;
          const sourceText = formatV6(source, sourceStyle);
          const list = parseAllowList(entry);
          expect(list.ok).toBe(true);
          if (!list.ok) return;
          expect(isIpAllowed(list.ranges, sourceText)).toBe(refAllowed([entry], sourceText));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a list allows a source when any one of its ranges contains it', () => {
    const v4Entry = fc.tuple(v4Value, fc.integer({ min: 0, max: 32 })).map(([v, p]) => `${formatV4(v)}/${p}`);
    const v6Entry = fc
      .tuple(v6Value, fc.integer({ min: 0, max: 128 }))
      .map(([v, p]) => `${formatV6(v, 'compressed')}/${p}`);
    const source = fc.oneof(
      v4Value.map(formatV4),
      v6Value.map((v) => formatV6(v, 'compressed')),
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(v4Entry, v6Entry), { minLength: 1, maxLength: 6 }),
        source,
        (entries, from) => {
          const list = parseAllowList(entries.join(', '));
          expect(list.ok).toBe(true);
          if (!list.ok) return;
          expect(isIpAllowed(list.ranges, from)).toBe(refAllowed(entries, from));
        },
      ),
    );
  });

  it('an IPv4 range never admits a (non-mapped) IPv6 source, nor an IPv6 range an IPv4 source', () => {
    fc.assert(
      fc.property(v4Value, v6Value, (v4, v6) => {
        fc.pre(v6 >> 32n !== 0xffffn);
        const v4Only = parseAllowList('0.0.0.0/0');
        const v6Only = parseAllowList('::/0');
        if (!v4Only.ok || !v6Only.ok) throw new Error('unreachable');
        expect(isIpAllowed(v4Only.ranges, formatV6(v6, 'compressed'))).toBe(false);
        expect(isIpAllowed(v6Only.ranges, formatV4(v4))).toBe(false);
      }),
    );
  });
});

describe('IPv4-mapped IPv6 is compared as IPv4', () => {
  it('a mapped source (dotted or hex tail) matches exactly the IPv4 ranges its IPv4 matches', () => {
    fc.assert(
      fc.property(rangeAndSource(32n, v4Value), ({ base, prefix, source }) => {
        const list = parseAllowList(`${formatV4(base)}/${prefix}`);
        if (!list.ok) throw new Error('unreachable');
        const expected = isIpAllowed(list.ranges, formatV4(source));
        expect(isIpAllowed(list.ranges, `::ffff:${formatV4(source)}`)).toBe(expected);
        expect(isIpAllowed(list.ranges, formatV6(MAPPED_PREFIX | source, 'compressed'))).toBe(expected);
        expect(isIpAllowed(list.ranges, `0:0:0:0:0:FFFF:${formatV4(source)}`)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('an entry ::ffff:a.b.c.d/(96+n) is the same range as a.b.c.d/n', () => {
    fc.assert(
      fc.property(rangeAndSource(32n, v4Value), ({ base, prefix, source }) => {
        const mapped = parseIpRange(`::ffff:${formatV4(base)}/${96 + prefix}`);
        const plain = parseIpRange(`${formatV4(base)}/${prefix}`);
        expect(mapped && formatRange(mapped)).toBe(plain && formatRange(plain));
        if (!mapped || !plain) return;
        for (const from of [formatV4(source), `::ffff:${formatV4(source)}`]) {
          expect(isIpAllowed([mapped], from)).toBe(isIpAllowed([plain], from));
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::ffff:a00:1', '10.0.0.1'],
    ['0:0:0:0:0:ffff:10.0.0.1', '10.0.0.1'],
    ['2001:db8::1', '2001:db8::1'],
    ['::1', '::1'],
    ['203.0.113.7', '203.0.113.7'],
  ])('reads the source %s as %s', (source, expected) => {
    expect(parseSourceIp(source)?.toString()).toBe(expected);
  });

  it('a mapped source is not admitted by an IPv6 range around ::ffff:0:0 narrower than /96 (compared as IPv4)', () => {
    const list = parseAllowList('::ffff:0:0/80');
    if (!list.ok) throw new Error('unreachable');
    expect(isIpAllowed(list.ranges, '::ffff:10.0.0.1')).toBe(false);
  });
});

describe('strict parsing: one invalid entry denies the key', () => {
  it.each([
    ['octal-looking octet (ipaddr would read 8.0.0.1)', '010.0.0.1'],
    ['leading zero in the last octet', '10.0.0.01'],
    ['a double zero', '00.0.0.0'],
    ['hex octet', '0x0a.0.0.1'],
    ['hex integer', '0xa000001'],
    ['decimal integer', '167772161'],
    ['2-part IPv4', '10.1'],
    ['3-part IPv4', '10.0.1'],
    ['5-part IPv4', '1.2.3.4.5'],
    ['octet over 255', '256.0.0.1'],
    ['negative octet', '1.2.3.-1'],
    ['IPv4 prefix over 32', '10.0.0.0/33'],
    ['IPv6 prefix over 128', '2001:db8::/129'],
    ['negative prefix', '10.0.0.0/-1'],
    ['empty prefix', '10.0.0.0/'],
    ['non-digit prefix', '10.0.0.0/a'],
    ['hex prefix', '10.0.0.0/0x8'],
    ['fractional prefix', '10.0.0.0/8.0'],
    ['four-digit prefix', '10.0.0.0/0008'],
    ['two prefixes', '10.0.0.0/8/8'],
    ['prefix without address', '/8'],
    ['space before the prefix', '10.0.0.0 /8'],
    ['space after the slash', '10.0.0.0/ 8'],
    ['space inside the address', '10.0.0. 1'],
    ['IPv6 zone id', 'fe80::1%eth0'],
    ['IPv6 zone id, URL-encoded', 'fe80::1%25eth0'],
    ['IPv6 zone id with a prefix', 'fe80::%1/64'],
    ['two ::', '1::2::3'],
    ['group of five hex digits', '12345::'],
    ['non-hex group', 'gggg::1'],
    ['nine groups', '1:2:3:4:5:6:7:8:9'],
    ['octal octet in an IPv4-mapped IPv6 entry', '::ffff:010.0.0.1'],
    ['hex octet in an IPv4-mapped IPv6 entry', '::ffff:0xa.0.0.1'],
    ['3-part IPv4 tail', '::ffff:1.2.3'],
    ['bracketed IPv6', '[::1]'],
    ['host name', 'localhost'],
    ['wildcard', '*'],
    ['word', 'any'],
  ])('refuses %s: %j', (_case, entry) => {
    expect(parseIpRange(entry)).toBeUndefined();
    const list = parseAllowList(`203.0.113.50, ${entry}, 198.51.100.0/24`);
    expect(list).toEqual({ ok: false, invalidEntries: [entry.trim()] });
  });

  it.each([
    ['203.0.113.50', '203.0.113.50'],
    ['198.51.100.0/24', '198.51.100.0/24'],
    ['10.0.0.1/32', '10.0.0.1'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['0.0.0.0', '0.0.0.0'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:DB8::1', '2001:db8::1'],
    ['::1', '::1'],
    ['::/0', '::/0'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:0:0/96', '0.0.0.0/0'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('accepts %j as %s', (entry, formatted) => {
    const range = parseIpRange(entry);
    expect(range && formatRange(range)).toBe(formatted);
  });

  it('lists every invalid entry, not only the first', () => {
    expect(parseAllowList('010.0.0.1, 10.0.0.1, 10.0.0.0/33')).toEqual({
      ok: false,
      invalidEntries: ['010.0.0.1', '10.0.0.0/33'],
    });
  });
});

describe('allow-list forms: S comma string, SS (Set), L (array)', () => {
  const seed = '203.0.113.50, 198.51.100.0/24, 10.0.0.1';
  const formsOf = (list: ReturnType<typeof parseAllowList>) =>
    list.ok ? list.ranges.map(formatRange) : list;

  it.each([
    ['S comma string', seed],
    ['SS as a Set', new Set(['203.0.113.50', '198.51.100.0/24', '10.0.0.1'])],
    ['L as an array', ['203.0.113.50', '198.51.100.0/24', '10.0.0.1']],
    ['L of comma strings', ['203.0.113.50, 198.51.100.0/24', '10.0.0.1']],
    ['SS with padded entries', new Set([' 203.0.113.50', '198.51.100.0/24 ', ' 10.0.0.1 '])],
    ['S with empty pieces', ',203.0.113.50,, 198.51.100.0/24 , ,10.0.0.1,'],
    ['S with newlines and tabs', '203.0.113.50,\n198.51.100.0/24,\t10.0.0.1'],
  ])('%s gives the seed ranges', (_form, raw) => {
    expect(formsOf(parseAllowList(raw))).toEqual(['203.0.113.50', '198.51.100.0/24', '10.0.0.1']);
  });

  it.each([
    ['absent', undefined],
    ['empty string', ''],
    ['blank string', '   '],
    ['only commas', ' , ,'],
    ['empty Set', new Set<string>()],
    ['empty array', []],
    ['array of blanks', ['', ' ']],
  ])('%s means any IP', (_form, raw) => {
    const list = parseAllowList(raw);
    expect(list).toEqual({ ok: true, ranges: [] });
    if (list.ok) expect(isIpAllowed(list.ranges, '198.18.0.1')).toBe(true);
  });

  it('one invalid entry in a Set makes the whole list invalid', () => {
    expect(parseAllowList(new Set(['10.0.0.1', '010.0.0.2'])).ok).toBe(false);
  });

  it('splits every value on commas and trims', () => {
    expect(splitAllowListEntries(['a, b', ' c ', ''])).toEqual(['a', 'b', 'c']);
  });
});

describe('isIpAllowed: the source address', () => {
  const list = parseAllowList('8.0.0.0/8, 2001:db8::/32');
  const ranges = list.ok ? list.ranges : [];

  it.each([
    ['8.8.8.8', true],
    ['::ffff:8.8.8.8', true],
    ['2001:db8:1::1', true],
    ['9.0.0.1', false],
    ['2001:db9::1', false],
    ['', false],
    ['unknown', false],
    ['010.0.0.1', false],
    ['8.8.8.8 ', false],
    ['2001:db8::1%eth0', false],
    ['8.8.8.8/8', false],
  ])('source %j → %s', (source, expected) => {
    expect(ranges).toHaveLength(2);
    expect(isIpAllowed(ranges, source)).toBe(expected);
  });
});

describe('formatting agrees with the reference (RFC 5952)', () => {
  it('an IPv6 address in any form prints as its compressed form', () => {
    fc.assert(
      fc.property(v6Value, v6Style, (value, style) => {
        fc.pre(value >> 32n !== 0xffffn); // mapped addresses print as IPv4
        expect(parseSourceIp(formatV6(value, style))?.toString()).toBe(formatV6(value, 'compressed'));
      }),
    );
  });

  it.each([
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['0:0:0:0:0:0:0:0', '::'],
  ])('%s prints as %s (longest run, leftmost on a tie, never a single group)', (text, printed) => {
    expect(parseSourceIp(text)?.toString()).toBe(printed);
  });
});

describe('parseAllowListCached: parsed once per stored value', () => {
  it('answers exactly what parseAllowList answers, for valid and invalid lists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(v4Value.map(formatV4), fc.constantFrom('010.0.0.1', '2001:db8::/32', 'x', ' ')), {
          maxLength: 4,
        }),
        (entries) => {
          expect(parseAllowListCached(entries)).toEqual(parseAllowList(entries));
          expect(parseAllowListCached(entries)).toEqual(parseAllowList(entries));
        },
      ),
    );
  });

  it('returns the same frozen result for the same stored value, and a new one for an edited value', () => {
    const first = parseAllowListCached(['203.0.113.0/24, 198.51.100.7']);
    expect(parseAllowListCached(['203.0.113.0/24, 198.51.100.7'])).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const edited = parseAllowListCached(['203.0.113.0/24, 198.51.100.8']);
    expect(edited).not.toBe(first);
    expect(edited.ok && edited.ranges.map(formatRange)).toEqual(['203.0.113.0/24', '198.51.100.8']);
  });

  it('a list of two entries is not confused with one entry holding the same text', () => {
    const one = parseAllowListCached(['10.0.0.1\n10.0.0.2']);
    const two = parseAllowListCached(['10.0.0.1', '10.0.0.2']);
    expect(one.ok).toBe(false);
    expect(two.ok).toBe(true);
  });

  /** Stored lists as a hand edit may leave them: few, short entries, with JSON, commas and spaces. */
  const storedList = fc.array(
    fc.oneof(
      fc.constantFrom(
        '10.0.0.1',
        '10.0.0.2',
        ' 10.0.0.1',
        '10.0.0.1 ',
        '10.0.0.1,10.0.0.2',
        '',
        'x',
        '"',
        ',',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 3 },
  );
  /** A second value built to collide with the first under a lax key: its JSON, joined, reordered. */
  const lookalike = (first: string[]) =>
    fc.oneof(
      storedList,
      fc.constant([JSON.stringify(first)]),
      fc.constant([first.join(',')]),
      fc.constant([first.join(', ')]),
      fc.constant([...first].reverse()),
      fc.constant(first.map((entry) => ` ${entry}`)),
    );

  it('never lets two different stored values share a cached parse, in either order', () => {
    fc.assert(
      fc.property(
        storedList.chain((first) => fc.tuple(fc.constant(first), lookalike(first))),
        ([first, second]) => {
          const firstParsed = parseAllowListCached(first);
          const secondParsed = parseAllowListCached(second);
          expect(firstParsed).toEqual(parseAllowList(first));
          expect(secondParsed).toEqual(parseAllowList(second));
          if (JSON.stringify(first) !== JSON.stringify(second) && first.length > 0 && second.length > 0)
            expect(secondParsed).not.toBe(firstParsed);
        },
      ),
    );
  });

  it('a one-entry value holding the JSON of a valid list stays invalid after that list was cached', () => {
    expect(parseAllowListCached(['10.9.0.1', '10.9.0.2']).ok).toBe(true);
    expect(parseAllowListCached(['["10.9.0.1","10.9.0.2"]'])).toEqual({
      ok: false,
      invalidEntries: ['["10.9.0.1"', '"10.9.0.2"]'],
    });
  });

  it('parses but never keeps a value longer than the key bound', () => {
    const before = allowListCacheSize();
    const long = Array.from({ length: 400 }, (_, index) => `10.1.${index >> 8}.${index & 0xff}`).join(', ');
    expect(long.length).toBeGreaterThan(ALLOW_LIST_CACHE_MAX_KEY_CHARS);
    const parsed = parseAllowListCached([long]);
    expect(parsed.ok && parsed.ranges.length).toBe(400);
    expect(parseAllowListCached([long])).not.toBe(parsed);
    expect(allowListCacheSize()).toBe(before);
  });

  it('holds at most ALLOW_LIST_CACHE_SIZE lists', () => {
    for (let index = 0; index < ALLOW_LIST_CACHE_SIZE + 50; index++) {
      parseAllowListCached([`10.${index >> 8}.${index & 0xff}.1`]);
    }
    expect(allowListCacheSize()).toBe(ALLOW_LIST_CACHE_SIZE);
  });
});
