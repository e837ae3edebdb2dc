import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import {
  checkNoEscalation,
  domainsWithin,
  expiresNoLater,
  ipsWithin,
  type KeyPowers,
  rangeWithin,
} from '../../../../lambdas/account/escalation.js';
import { type IpRange, parseAllowList, parseIpRange } from '../../../../lambdas/keys/ip-allowlist.js';
import { GENERAL_SCOPES, type GeneralScope } from '../../../../lambdas/api/scopes.js';

const ALL = Object.keys(GENERAL_SCOPES) as GeneralScope[];
const range = (text: string): IpRange => {
  const parsed = parseIpRange(text);
  if (!parsed) throw new Error(`bad range ${text}`);
  return parsed;
};
const list = (text: string) => parseAllowList(text);

const unrestricted: KeyPowers = {
  scopes: ALL,
  allowedIps: { ok: true, ranges: [] },
  allowedDomains: undefined,
  expiresAt: undefined,
};

describe('checkNoEscalation names the first axis that grows', () => {
  const restricted: KeyPowers = {
    scopes: ['emails:send', 'emails:read'],
    allowedIps: list('10.0.0.0/8'),
    allowedDomains: ['example.com'],
    expiresAt: new Date('2030-01-01T00:00:00Z'),
  };
  it.each<[string, Partial<KeyPowers>, string]>([
    ['the same powers', {}, 'ok'],
    ['fewer scopes', { scopes: ['emails:send'] }, 'ok'],
    ['one more scope', { scopes: ['emails:send', 'templates:write'] }, 'scopes'],
    ['a narrower IP range', { allowedIps: list('10.1.0.0/16') }, 'ok'],
    ['a wider IP range', { allowedIps: list('10.0.0.0/7') }, 'allowed_ips'],
    ['no IP list (any IP)', { allowedIps: { ok: true, ranges: [] } }, 'allowed_ips'],
    ['a subdomain', { allowedDomains: ['mail.example.com'] }, 'ok'],
    ['another domain', { allowedDomains: ['example.org'] }, 'allowed_domains'],
    ['no domain list (any domain)', { allowedDomains: undefined }, 'allowed_domains'],
    ['an earlier expiry', { expiresAt: new Date('2029-01-01T00:00:00Z') }, 'ok'],
    ['a later expiry', { expiresAt: new Date('2030-01-01T00:00:01Z') }, 'expires_at'],
    ['no expiry', { expiresAt: undefined }, 'expires_at'],
  ])('%s → %s', (_case, change, expected) => {
    const check = checkNoEscalation(restricted, { ...restricted, ...change });
    expect(check.ok ? 'ok' : check.axis).toBe(expected);
    if (!check.ok) expect(check.message).toContain(check.axis);
  });

  it('lets an unrestricted caller give anything', () => {
    expect(checkNoEscalation(unrestricted, restricted).ok).toBe(true);
    expect(checkNoEscalation(unrestricted, unrestricted).ok).toBe(true);
  });
});

describe('ipsWithin', () => {
  it.each([
    ['caller any, result any', '', '', true],
    ['caller any, result a list', '', '203.0.113.0/24', true],
    ['caller a list, result any', '203.0.113.0/24', '', false],
    ['an address inside a range', '203.0.113.0/24', '203.0.113.7', true],
    ['a range equal to the caller', '203.0.113.0/24', '203.0.113.0/24', true],
    ['a range straddling the caller', '203.0.113.0/25', '203.0.113.0/24', false],
    ['one range of two outside', '10.0.0.0/8', '10.1.0.0/16, 192.168.0.1', false],
    ['each inside a different caller range', '10.0.0.0/8, 192.168.0.0/16', '10.1.0.0/16, 192.168.0.1', true],
    ['an IPv4-mapped IPv6 range as IPv4', '10.0.0.0/8', '::ffff:10.1.0.0/112', true],
    ['an IPv4 range inside a mapped caller range', '::ffff:10.0.0.0/104', '10.9.9.9', true],
    ['IPv6 inside IPv6', '2001:db8::/32', '2001:db8:1::/48', true],
    ['IPv6 against an IPv4 caller', '10.0.0.0/8', '2001:db8::1', false],
    ['the IPv6 block holding all mapped space against IPv4', '0.0.0.0/0', '::/0', false],
  ])('%s', (_case, caller, result, expected) => {
    expect(ipsWithin(list(result), list(caller))).toBe(expected);
  });

  it('refuses everything when the caller has an invalid entry (which denies the caller anyway)', () => {
    expect(ipsWithin(list('10.0.0.1'), list('10.0.0.0/8, nonsense'))).toBe(false);
  });

  it('accepts a result list with an invalid entry: such a key is denied everywhere', () => {
    expect(ipsWithin(list('10.0.0.1, nonsense'), list('10.0.0.0/8'))).toBe(true);
  });
});

/** A random IPv4 or IPv6 range, as parseIpRange would hold it. */
const v4Range = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
  .map(([value, prefixLength]) => ({
    address: ipaddr.fromByteArray([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]),
    prefixLength,
  }));
const v6Range = fc
  .tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 }))
  .filter(([bytes]) => !(ipaddr.fromByteArray([...bytes]) as ipaddr.IPv6).isIPv4MappedAddress())
  .map(([bytes, prefixLength]) => ({ address: ipaddr.fromByteArray([...bytes]), prefixLength }));
const anyRange: fc.Arbitrary<IpRange> = fc.oneof(v4Range, v6Range);

/** Sets the low `bits - prefixLength` bits of the address at random: a range's member or sub-network. */
function randomise(rangeIn: IpRange, extraBits: number, seed: readonly number[]): IpRange {
  const bytes = rangeIn.address.toByteArray();
  const width = bytes.length * 8;
  const prefixLength = Math.min(width, rangeIn.prefixLength + extraBits);
  for (let bit = rangeIn.prefixLength; bit < width; bit++) {
    const byte = Math.floor(bit / 8);
    const mask = 0x80 >> (bit % 8);
    const on = ((seed[bit % seed.length] ?? 0) >> (bit % 7)) & 1;
    bytes[byte] = on ? (bytes[byte] ?? 0) | mask : (bytes[byte] ?? 0) & ~mask;
  }
  return { address: ipaddr.fromByteArray(bytes), prefixLength };
}

/** The first and last address of a range, as a BigInt pair (independent of ipaddr's match). */
function bounds(r: IpRange): [bigint, bigint] {
  const bytes = r.address.toByteArray();
  const width = BigInt(bytes.length * 8);
  const value = bytes.reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
  const hostBits = width - BigInt(r.prefixLength);
  const low = (value >> hostBits) << hostBits;
  return [low, low + (1n << hostBits) - 1n];
}

describe('rangeWithin (properties)', () => {
  it('a random sub-range of a range lies inside it', () => {
    fc.assert(
      fc.property(
        anyRange,
        fc.integer({ min: 0, max: 128 }),
        fc.array(fc.nat(255), { minLength: 1 }),
        (outer, extra, seed) => {
          expect(rangeWithin(randomise(outer, extra, seed), outer)).toBe(true);
        },
      ),
    );
  });

  it('agrees with bounds arithmetic: inside exactly when both ends are inside', () => {
    fc.assert(
      fc.property(anyRange, anyRange, (inner, outer) => {
        const sameFamily = inner.address.kind() === outer.address.kind();
        const [innerLow, innerHigh] = bounds(inner);
        const [outerLow, outerHigh] = bounds(outer);
        const expected = sameFamily && innerLow >= outerLow && innerHigh <= outerHigh;
        expect(rangeWithin(inner, outer)).toBe(expected);
      }),
    );
  });

  it('a range holding an address outside the caller range is not inside it', () => {
    fc.assert(
      fc.property(
        v4Range.filter((r) => r.prefixLength > 0),
        (outer) => {
          // One prefix bit shorter: twice as wide, so half of it lies outside.
          const wider = { address: outer.address, prefixLength: outer.prefixLength - 1 };
          expect(rangeWithin(wider, outer)).toBe(false);
        },
      ),
    );
  });

  it('an IPv4-mapped IPv6 entry is treated as the IPv4 range it denotes', () => {
    fc.assert(
      fc.property(v4Range, v4Range, (inner, outer) => {
        const mapped = range(`::ffff:${inner.address.toString()}/${inner.prefixLength + 96}`);
        expect(mapped.address.kind()).toBe('ipv4');
        expect(rangeWithin(mapped, outer)).toBe(rangeWithin(inner, outer));
        const mappedOuter = range(`::ffff:${outer.address.toString()}/${outer.prefixLength + 96}`);
        expect(rangeWithin(inner, mappedOuter)).toBe(rangeWithin(inner, outer));
      }),
    );
  });
});

describe('domainsWithin', () => {
  it.each<[string, string[] | undefined, string[] | undefined, boolean]>([
    ['caller any', undefined, undefined, true],
    ['caller a list, result any', ['example.com'], undefined, false],
    ['an equal list', ['example.com'], ['example.com'], true],
    ['a subdomain', ['example.com'], ['mail.example.com'], true],
    ['a parent domain', ['mail.example.com'], ['example.com'], false],
    ['a look-alike', ['example.com'], ['badexample.com'], false],
    ['one of two outside', ['example.com'], ['example.com', 'example.org'], false],
    ['an empty list (no domain)', ['example.com'], [], true],
  ])('%s', (_case, caller, result, expected) => {
    expect(domainsWithin(result, caller)).toBe(expected);
  });
});

describe('expiresNoLater', () => {
  const at = (iso: string) => new Date(iso);
  it.each<[string, KeyPowers['expiresAt'], KeyPowers['expiresAt'], boolean]>([
    ['caller never, result never', undefined, undefined, true],
    ['caller never, result some day', undefined, at('2030-01-01T00:00:00Z'), true],
    ['caller expires, result never', at('2030-01-01T00:00:00Z'), undefined, false],
    ['same instant', at('2030-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z'), true],
    ['a millisecond later', at('2030-01-01T00:00:00Z'), at('2030-01-01T00:00:00.001Z'), false],
    ['caller unreadable (expired)', 'invalid', at('2020-01-01T00:00:00Z'), false],
    ['result unreadable (expired)', at('2030-01-01T00:00:00Z'), 'invalid', true],
  ])('%s', (_case, caller, result, expected) => {
    expect(expiresNoLater(result, caller)).toBe(expected);
  });
});
