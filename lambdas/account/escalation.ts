/**
 * No escalation (docs/architecture.md, "Keys over the API"): a key may never create, edit or rotate a
 * key into something more powerful than itself. Pure: the caller's and the result's powers in, the
 * first axis that would grow out. Checked on the RESULT of a create or an edit (the merged item), so
 * an edit that leaves a too-powerful key too powerful is refused as well.
 */
import type { AllowList, IpRange } from '../keys/ip-allowlist.js';
import type { KeyRecord } from '../keys/key-item.js';
import { isOnDomain } from '../shared/sending-domains.js';
import { effectiveScopes, type Scope } from '../api/scopes.js';

/** What a key can do, as the authorizer and the sending path enforce it. */
export interface KeyPowers {
  /** Effective scopes (`effectiveScopes`). */
  readonly scopes: readonly Scope[];
  /** An empty ok list means any IP; a list with an invalid entry denies every request. */
  readonly allowedIps: AllowList;
  /** Undefined: any of the project's domains. */
  readonly allowedDomains: readonly string[] | undefined;
  /** Undefined: never; `'invalid'`: unreadable, treated as expired. */
  readonly expiresAt: Date | 'invalid' | undefined;
}

export type EscalationAxis = 'scopes' | 'allowed_ips' | 'allowed_domains' | 'expires_at';

export type EscalationCheck =
  { readonly ok: true } | { readonly ok: false; readonly axis: EscalationAxis; readonly message: string };

export function checkNoEscalation(caller: KeyPowers, result: KeyPowers): EscalationCheck {
  const extra = result.scopes.filter((scope) => !caller.scopes.includes(scope));
  if (extra.length > 0) {
    return refuse('scopes', `the key would hold scopes your key does not: ${extra.join(', ')}`);
  }
  if (!ipsWithin(result.allowedIps, caller.allowedIps)) {
    return refuse(
      'allowed_ips',
      'the key would be allowed from IP addresses your key is not (every range must lie inside one of yours)',
    );
  }
  if (!domainsWithin(result.allowedDomains, caller.allowedDomains)) {
    return refuse(
      'allowed_domains',
      'the key could send from domains your key may not (every domain must be one of yours or a subdomain of one)',
    );
  }
  if (!expiresNoLater(result.expiresAt, caller.expiresAt)) {
    return refuse('expires_at', 'the key would expire later than your key (or never)');
  }
  return { ok: true };
}

function refuse(axis: EscalationAxis, reason: string): EscalationCheck {
  return { ok: false, axis, message: `Permission escalation on ${axis}: ${reason}.` };
}

/**
 * A caller without a list may give any list. A caller with a list needs a non-empty result list
 * (empty is "any IP") whose every range lies inside one of the caller's. A caller's list with an
 * invalid entry — a key the authorizer denies everywhere — grants nothing; a result list with an
 * invalid entry denies its own key, so it is never wider than anything.
 */
export function ipsWithin(result: AllowList, caller: AllowList): boolean {
  if (!caller.ok) return false;
  if (caller.ranges.length === 0) return true;
  if (!result.ok) return true;
  if (result.ranges.length === 0) return false;
  return result.ranges.every((range) => caller.ranges.some((outer) => rangeWithin(range, outer)));
}

/**
 * `inner` lies entirely inside `outer`: same family, a prefix at least as long, and inner's network
 * address inside outer. Ranges come from parseIpRange, which already reads IPv4-mapped IPv6 ranges
 * (`::ffff:10.0.0.0/104`) as the IPv4 range they denote.
 */
export function rangeWithin(inner: IpRange, outer: IpRange): boolean {
  if (inner.address.kind() !== outer.address.kind()) return false;
  if (inner.prefixLength < outer.prefixLength) return false;
  return inner.address.match(outer.address, outer.prefixLength);
}

/**
 * The sending path's rule (lambdas/shared/sending-domains.ts): an allowed domain covers itself and its
 * subdomains, so `mail.example.com` is inside `example.com`. An empty result list allows no domain,
 * which is inside anything.
 */
export function domainsWithin(
  result: readonly string[] | undefined,
  caller: readonly string[] | undefined,
): boolean {
  if (caller === undefined) return true;
  if (result === undefined) return false;
  return result.every((domain) => caller.some((base) => isOnDomain(domain, base)));
}

/** An unreadable expiry counts as already expired (as in the authorizer). */
export function expiresNoLater(result: KeyPowers['expiresAt'], caller: KeyPowers['expiresAt']): boolean {
  if (caller === undefined) return true;
  if (result === 'invalid') return true;
  if (caller === 'invalid' || result === undefined) return false;
  return result.getTime() <= caller.getTime();
}

/** A key's powers as the authorizer reads its item. */
export function powersOf(record: KeyRecord): KeyPowers {
  return {
    scopes: effectiveScopes(record.type, record.permission, record.scopes),
    allowedIps: record.allowedIps,
    allowedDomains: record.allowedDomains,
    expiresAt: record.expiresAt,
  };
}
