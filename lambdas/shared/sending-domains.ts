/**
 * Which sending domain covers a `from` address: the domain itself or any subdomain of it, label by
 * label (`mail.example.com` is on `example.com`; `badexample.com` is not). The same rule decides the
 * project's verified domains (422 `domain_not_verified`) and a key's `allowedDomains` (403
 * `domain_not_allowed`), so a key can never be wider than its project.
 */

/** The lower-cased domain of an address (`a@Example.COM` → `example.com`), or undefined. */
export function domainOfAddress(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) return undefined;
  return address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
}

/** True when `domain` is `base` or a subdomain of it. Both are compared lower-cased, without a trailing dot. */
export function isOnDomain(domain: string, base: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const b = base.toLowerCase().replace(/\.$/, '');
  return b !== '' && (d === b || d.endsWith(`.${b}`));
}

/** The first of `bases` that covers `domain`, or undefined. */
export function coveringDomain(domain: string, bases: readonly string[]): string | undefined {
  return bases.find((base) => isOnDomain(domain, base));
}
