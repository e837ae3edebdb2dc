/**
 * The IP allow-list field, checked as typed with the authorizer's own parser
 * (lambdas/keys/ip-allowlist.ts): single addresses and CIDR ranges, IPv4 and IPv6, comma-separated.
 */
import { parseAllowList, splitAllowListEntries } from '../../lambdas/keys/ip-allowlist';

/** The entries as the API takes them, or the ones the API would refuse. */
export function checkIpEntries(text: string): { entries: string[]; invalid: readonly string[] } {
  const parsed = parseAllowList(text);
  return { entries: splitAllowListEntries(text), invalid: parsed.ok ? [] : parsed.invalidEntries };
}
