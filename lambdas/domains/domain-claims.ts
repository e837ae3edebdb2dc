/**
 * Who may claim a sending-domain name: the pure rules behind the uniqueness records of
 * ./domain-store.ts. A name is held by the project that claimed it while the claim is verified or
 * younger than the verification window; a held name blocks, for every other project, the same name,
 * its parents and its subdomains. Names are compared label by label, within one registrable domain
 * (the "family"), so every name that can overlap a new one is found with one Query.
 */
import { getDomain } from 'tldts';

/** A domain not verified within this long after its create lapses (its name is freed). */
export const VERIFICATION_WINDOW_MS = 72 * 60 * 60 * 1000;

/** Why a domain became `failed` without SES saying so. */
export const FAILURE_REASONS = ['verification_expired', 'released'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** One name's uniqueness record, as the rules read it. */
export interface NameClaim {
  readonly name: string;
  readonly projectId: string;
  readonly domainId: string;
  readonly createdAt: string;
  /** Set once the domain was recorded verified: from then on the claim never lapses. */
  readonly verifiedAt?: string | undefined;
}

/**
 * The registrable domain a name belongs to (`mail.example.co.uk` → `example.co.uk`), private suffixes
 * included, as the name checks read them. A name tldts cannot place (the local stack's `.invalid`
 * names) is placed under its last two labels.
 */
export function familyOf(name: string): string {
  return getDomain(name, { allowPrivateDomains: true }) ?? name.split('.').slice(-2).join('.');
}

/** Equal, a parent, or a subdomain — label by label, so `badexample.com` never overlaps `example.com`. */
export function namesOverlap(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/** When a claim made at `createdAt` lapses unless it is verified by then. */
export function lapseDeadline(createdAt: string): Date {
  return new Date(Date.parse(createdAt) + VERIFICATION_WINDOW_MS);
}

/**
 * A claim lapses at its deadline unless verified. An unreadable time never lapses (fail closed:
 * nothing is freed or deleted on data that cannot be read; an operator can release the name).
 */
export function isLapsed(claim: Pick<NameClaim, 'createdAt' | 'verifiedAt'>, now: Date): boolean {
  if (claim.verifiedAt !== undefined) return false;
  const deadline = lapseDeadline(claim.createdAt).getTime();
  return !Number.isNaN(deadline) && now.getTime() >= deadline;
}

export type ClaimDecision =
  /** Free: `lapsed` is a lapsed claim on the very same name, which must be lapsed before the claim. */
  | { readonly ok: true; readonly lapsed?: NameClaim | undefined }
  /** Held: the same name by any project, or an overlapping name by another project. */
  | { readonly ok: false };

/** Whether `projectId` may claim `name`, given every claim of the name's family. */
export function decideClaim(
  name: string,
  projectId: string,
  familyClaims: readonly NameClaim[],
  now: Date,
): ClaimDecision {
  let lapsed: NameClaim | undefined;
  for (const claim of familyClaims) {
    if (!namesOverlap(name, claim.name)) continue;
    if (isLapsed(claim, now)) {
      if (claim.name === name) lapsed = claim;
      continue;
    }
    if (claim.name === name || claim.projectId !== projectId) return { ok: false };
  }
  return { ok: true, lapsed };
}
