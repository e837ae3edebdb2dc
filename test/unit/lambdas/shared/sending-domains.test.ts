import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coveringDomain, domainOfAddress, isOnDomain } from '../../../../lambdas/shared/sending-domains.js';

describe('isOnDomain: the domain itself or a subdomain, label by label', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['mail.example.com', 'example.com', true],
    ['a.b.mail.example.com', 'example.com', true],
    ['MAIL.Example.com', 'example.com', true],
    ['example.com.', 'example.com', true],
    ['badexample.com', 'example.com', false],
    ['example.com.evil.org', 'example.com', false],
    ['example.com', 'mail.example.com', false],
    ['com', 'example.com', false],
    ['example.org', 'example.com', false],
    ['example.com', '', false],
  ])('%s on %s: %s', (domain, base, expected) => {
    expect(isOnDomain(domain, base)).toBe(expected);
  });

  const label = fc.stringMatching(/^[a-z0-9]{1,10}$/);
  const domain = fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.'));

  it('every subdomain is on its parent, and the parent is on no proper subdomain of it', () => {
    fc.assert(
      fc.property(domain, label, (base, sub) => {
        expect(isOnDomain(`${sub}.${base}`, base)).toBe(true);
        expect(isOnDomain(base, `${sub}.${base}`)).toBe(false);
      }),
    );
  });

  it('a name that merely ends with the same letters is never on the domain', () => {
    fc.assert(
      fc.property(domain, label, (base, prefix) => {
        expect(isOnDomain(`${prefix}${base}`, base)).toBe(false);
      }),
    );
  });
});

describe('coveringDomain and domainOfAddress', () => {
  it('finds the base that covers a domain, or none', () => {
    expect(coveringDomain('eu.mail.example.com', ['other.org', 'mail.example.com'])).toBe('mail.example.com');
    expect(coveringDomain('example.com', ['mail.example.com'])).toBeUndefined();
    expect(coveringDomain('example.com', [])).toBeUndefined();
  });

  it.each([
    ['a@Example.COM', 'example.com'],
    ['"x@y"@example.com', 'example.com'],
    ['no-at-sign', undefined],
    ['@example.com', undefined],
    ['a@', undefined],
  ])('the domain of %s is %s', (address, domain) => {
    expect(domainOfAddress(address)).toBe(domain);
  });
});
