import { describe, expect, it } from 'vitest';
import { normaliseDomainName } from '../../../../lambdas/domains/domain-name.js';

describe('normaliseDomainName', () => {
  it.each([
    ['example.com', 'example.com'],
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['  example.com  ', 'example.com'],
    ['mail.example.co.uk', 'mail.example.co.uk'],
    ['example.co.uk', 'example.co.uk'],
    ['Bücher.Example.de', 'xn--bcher-kva.example.de'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['例え.jp', 'xn--r8jz45g.jp'],
    ['you.github.io', 'you.github.io'],
    ['a-b.example.com', 'a-b.example.com'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
  ])('%s is stored as %s', (raw, name) => {
    expect(normaliseDomainName(raw)).toEqual({ name });
  });

  it.each([
    ['a public suffix', 'co.uk', /public suffix/],
    ['a top-level domain', 'com', /public suffix/],
    ['a private-section suffix', 'github.io', /public suffix/],
    ['an unknown top-level domain', 'example.zzzz', /public suffix such as/],
    ['a reserved name', 'other.example', /public suffix such as/],
    ['localhost', 'localhost', /public suffix such as/],
    ['a .invalid name (deployed)', 'broken.invalid', /public suffix such as/],
    ['an IPv4 literal', '127.0.0.1', /not an IP address|public suffix/],
    ['an IPv6 literal', '[::1]', /domain name such as/],
    ['a label of 64 characters', `${'a'.repeat(64)}.com`, /labels of 1 to 63/],
    ['a name over 253 characters', `${'abcdefghi.'.repeat(26)}com`, /at most 253/],
    ['an underscore', 'a_b.example.com', /labels/],
    ['a wildcard', '*.example.com', /labels|domain name/],
    ['a leading hyphen', '-bad.com', /labels|domain name/],
    ['an empty label', 'a..com', /domain name such as/],
    ['a URL', 'https://example.com', /domain name such as/],
    ['an address', 'you@example.com', /domain name such as/],
    ['a space inside', 'exa mple.com', /domain name such as/],
    ['nothing', '   ', /domain name such as/],
  ])('refuses %s (%s)', (_case, raw, message) => {
    const result = normaliseDomainName(raw);
    expect(result).toHaveProperty('error');
    expect('error' in result ? result.error : '').toMatch(message);
  });

  it('accepts .invalid names only when asked (the local stack), still as host names', () => {
    expect(normaliseDomainName('Broken.INVALID', { allowInvalidTld: true })).toEqual({
      name: 'broken.invalid',
    });
    expect(normaliseDomainName('invalid', { allowInvalidTld: true })).toHaveProperty('error');
    expect(normaliseDomainName('a_b.invalid', { allowInvalidTld: true })).toHaveProperty('error');
    expect(normaliseDomainName('co.uk', { allowInvalidTld: true })).toHaveProperty('error');
  });
});
