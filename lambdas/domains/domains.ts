/**
 * Sending domains: create (claim the name, then the SES identity), verify (re-read SES, record a
 * change and its event), delete (the SES identity, then the name). The project always comes from
 * the caller's key.
 */
import type { EmailTracking } from './email-tracking.js';
import { ApiError } from '../api/errors.js';
import { eventItem } from '../shared/outbox.js';
import { newId } from '../shared/ids.js';
import { type DnsRecord, dnsRecords, statusChangeEvent, statusFromSes } from './dns-records.js';
import { decideClaim, type FailureReason, isLapsed } from './domain-claims.js';
import { normaliseDomainName } from './domain-name.js';
import {
  DOMAIN_ID_PREFIX,
  type DomainRecord,
  type DomainStore,
  findDomain,
  getDomain,
  insertDomain,
  readFamily,
  recordLapse,
  recordStatus,
  releaseClaim,
  removeDomain,
  saveIdentity,
  updateTracking,
} from './domain-store.js';
import { createIdentity, deleteIdentity, readIdentity, type SesIdentities } from './ses-identities.js';

export interface DomainsDependencies extends DomainStore, SesIdentities {
  readonly now: () => Date;
  /** The stack's region: the MAIL FROM MX points at SES's feedback endpoint there. */
  readonly region: string;
  /** The local stack accepts `.invalid` names, so that a failed verification can be tried. */
  readonly allowInvalidTld?: boolean;
}

export async function createDomain(
  deps: DomainsDependencies,
  projectId: string,
  rawName: string,
  tracking: Partial<EmailTracking> = {},
): Promise<DomainRecord> {
  const normalised = normaliseDomainName(rawName, { allowInvalidTld: deps.allowInvalidTld ?? false });
  if ('error' in normalised) {
    const message = `name ${normalised.error}.`;
    throw new ApiError('validation_error', { message, errors: [{ path: 'name', message }] });
  }
  const now = deps.now().toISOString();
  const domain: DomainRecord = {
    id: newId(DOMAIN_ID_PREFIX, deps.now()),
    projectId,
    name: normalised.name,
    status: 'pending',
    dkimTokens: [],
    createdAt: now,
    updatedAt: now,
    openTracking: tracking.open ?? false,
    clickTracking: tracking.click ?? false,
  };
  // The name first: SES identities are account-wide, so only the project holding the name may create one.
  await claimName(deps, domain);
  let identityCreated = false;
  try {
    const identity = await createIdentity(deps, domain.name);
    identityCreated = true;
    return await saveIdentity(deps, domain, {
      dkimTokens: identity.dkimTokens,
      dkimStatus: identity.dkimStatus,
      mailFromStatus: identity.mailFromStatus,
      updatedAt: deps.now().toISOString(),
    });
  } catch (error) {
    // Undo, best effort, so the same create can be retried; an identity this create did not make
    // (one that existed in SES before) is never deleted. What an undo cannot remove stays listed as
    // pending, and DELETE removes it.
    if (identityCreated) await deleteIdentity(deps, domain.name).catch(() => undefined);
    await removeDomain(deps, domain).catch(() => undefined);
    throw error;
  }
}

/** One answer whoever holds what, so a refusal discloses no other project's domain. */
export const DOMAIN_TAKEN_MESSAGE =
  'This domain name, or a domain above or below it, is already registered on this deployment.';

/** Rounds of read-decide-write when racing claims in one family keep winning. */
const CLAIM_ROUNDS = 4;

/**
 * Claims the domain's name for its project: refused (409) when the same name, a parent or a
 * subdomain is held by another project, or the same name by any. A lapsed claim on the same name is
 * lapsed first (its SES identity deleted, its domain failed), then the name is claimed. The message
 * is the same whoever holds what, so it discloses no other project's domain.
 */
async function claimName(deps: DomainsDependencies, domain: DomainRecord): Promise<void> {
  for (let round = 1; round <= CLAIM_ROUNDS; round++) {
    const family = await readFamily(deps, domain.name);
    const decision = decideClaim(domain.name, domain.projectId, family.claims, deps.now());
    if (!decision.ok) {
      throw new ApiError('already_exists', { message: DOMAIN_TAKEN_MESSAGE });
    }
    if (decision.lapsed) {
      const { projectId, domainId } = decision.lapsed;
      const lapsed = await lapseDomain(deps, projectId, domainId, 'verification_expired');
      // A claim whose domain is gone holds nothing: free it.
      if (!lapsed) await releaseClaim(deps, decision.lapsed);
      continue;
    }
    if (await insertDomain(deps, domain, family.version)) return;
  }
  // Claims in this family kept changing under us: the caller may simply retry.
  throw new ApiError('upstream_unavailable');
}

/**
 * Takes a domain's name away: its SES identity deleted (while the name is still its own, so no
 * other project's identity can be hit), then `failed` with `reason`, its claim freed and a
 * `domain.failed` event, in one transaction. `verification_expired` applies only to a domain that
 * has lapsed (never to a verified one); `released` (an operator's) to any. Answers the domain as it
 * is afterwards, or undefined when it no longer exists.
 */
export async function lapseDomain(
  deps: DomainsDependencies,
  projectId: string,
  id: string,
  reason: FailureReason,
): Promise<DomainRecord | undefined> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    const before = await findDomain(deps, projectId, id);
    if (!before || before.failureReason !== undefined) return before;
    if (reason === 'verification_expired' && !isLapsed(before, deps.now())) return before;
    await deleteIdentity(deps, before.name);
    const now = deps.now();
    const after: DomainRecord = {
      ...before,
      status: 'failed',
      failureReason: reason,
      updatedAt: now.toISOString(),
    };
    const event = eventItem(projectId, 'domain.failed', { ...domainJson(after, deps.region) }, now);
    if (await recordLapse(deps, before, after, event)) return after;
  }
  // Still moving after a re-read (a racing verify or lapse): whoever won has recorded it.
  return findDomain(deps, projectId, id);
}

/**
 * Re-reads SES; a change of status is recorded with its `domain.verified` / `domain.failed` event.
 * A domain past its verification window lapses instead, and one that lost its name is answered as
 * it is: SES is never read for a name that may be another project's now.
 */
export async function verifyDomain(
  deps: DomainsDependencies,
  projectId: string,
  id: string,
): Promise<DomainRecord> {
  for (let attempt = 1; ; attempt++) {
    const before = await getDomain(deps, projectId, id);
    if (before.failureReason !== undefined) return before;
    if (isLapsed(before, deps.now())) {
      return (await lapseDomain(deps, projectId, id, 'verification_expired')) ?? before;
    }
    const identity = await readIdentity(deps, before.name);
    const now = deps.now().toISOString();
    // An identity removed from SES behind scopegate's back can no longer send: failed.
    const status = identity ? statusFromSes(identity.verificationStatus) : 'failed';
    const after: DomainRecord = {
      ...before,
      status,
      dkimTokens: identity && identity.dkimTokens.length > 0 ? identity.dkimTokens : before.dkimTokens,
      dkimStatus: identity?.dkimStatus ?? before.dkimStatus,
      mailFromStatus: identity?.mailFromStatus ?? before.mailFromStatus,
      updatedAt: now,
      ...(status === 'verified' && !before.verifiedAt ? { verifiedAt: now } : {}),
    };
    const type = statusChangeEvent(before.status, after.status);
    const event = type
      ? eventItem(projectId, type, { ...domainJson(after, deps.region) }, deps.now())
      : undefined;
    if (await recordStatus(deps, before, after, event)) return after;
    // Another verify recorded a change between our read and write: read again (once is enough).
    if (attempt >= 2) return (await findDomain(deps, projectId, id)) ?? after;
  }
}

/**
 * Removes the SES identity, then the domain and its name: a failure half-way is safe to retry. A
 * domain that lost its name (lapsed, released) has no identity of its own left: the name's identity,
 * if any, is its new holder's and is not touched.
 */
export async function deleteDomain(deps: DomainsDependencies, projectId: string, id: string): Promise<void> {
  const domain = await getDomain(deps, projectId, id);
  if (domain.failureReason === undefined) await deleteIdentity(deps, domain.name);
  await removeDomain(deps, domain);
}

/** `PATCH /v1/domains/{id}`: changes the tracking settings given; the next send follows them. */
export async function updateDomain(
  deps: DomainsDependencies,
  projectId: string,
  id: string,
  tracking: Partial<EmailTracking>,
): Promise<DomainRecord> {
  const current = await getDomain(deps, projectId, id);
  if (tracking.open === undefined && tracking.click === undefined) return current;
  return updateTracking(deps, projectId, current.id, tracking, deps.now().toISOString());
}

export interface DomainJson {
  readonly object: 'domain';
  readonly id: string;
  readonly name: string;
  readonly status: DomainRecord['status'];
  readonly records: DnsRecord[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly verified_at: string | null;
  readonly open_tracking: boolean;
  readonly click_tracking: boolean;
  readonly failure_reason?: FailureReason;
}

/** The JSON shape the API answers (the `Domain` schema of contracts.ts). */
export function domainJson(domain: DomainRecord, region: string): DomainJson {
  return {
    object: 'domain',
    id: domain.id,
    name: domain.name,
    status: domain.status,
    records: dnsRecords(domain.name, region, {
      dkimTokens: domain.dkimTokens,
      dkimStatus: domain.dkimStatus,
      mailFromStatus: domain.mailFromStatus,
    }),
    created_at: domain.createdAt,
    updated_at: domain.updatedAt,
    verified_at: domain.verifiedAt ?? null,
    open_tracking: domain.openTracking === true,
    click_tracking: domain.clickTracking === true,
    ...(domain.failureReason === undefined ? {} : { failure_reason: domain.failureReason }),
  };
}
