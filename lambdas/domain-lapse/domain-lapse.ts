/**
 * The lapse sweep: domains not verified within 72 hours of their create lose their name — `failed`
 * with `failure_reason: "verification_expired"`, their SES identity deleted, a `domain.failed` event.
 * Creates and verifies already treat a lapsed claim as lapsed (lambdas/domains/domains.ts), so correctness never
 * waits for this sweep; it frees the names and fires the events of domains nobody touches. Deployed
 * on an EventBridge schedule (lib/domain-lapse.ts), locally on a timer (local/stack.ts).
 */
import { isLapsed } from '../domains/domain-claims.js';
import { dropLapse, dueLapses, findDomain } from '../domains/domain-store.js';
import { type DomainsDependencies, lapseDomain } from '../domains/domains.js';

/** Lapses per run: the rest wait for the next run (a run stays well inside its timeout). */
export const LAPSES_PER_RUN = 100;

/** The dependencies a sweep uses: the domains service's, without what only create needs. */
export type DomainLapseDependencies = Omit<DomainsDependencies, 'allowInvalidTld'>;

export interface DomainLapseSummary {
  /** Domain ids that lapsed in this run. */
  readonly lapsed: string[];
  /** Due entries of domains verified, deleted or already lapsed: dropped. */
  readonly dropped: number;
  /** Domain ids whose lapse failed (SES or DynamoDB): tried again next run. */
  readonly failed: string[];
}

export async function sweepLapsedDomains(
  deps: DomainLapseDependencies,
  limit = LAPSES_PER_RUN,
): Promise<DomainLapseSummary> {
  const summary = { lapsed: [] as string[], dropped: 0, failed: [] as string[] };
  for (const due of await dueLapses(deps, deps.now(), limit)) {
    try {
      const domain = await findDomain(deps, due.projectId, due.domainId);
      if (!domain || domain.failureReason !== undefined || !isLapsed(domain, deps.now())) {
        await dropLapse(deps, due.key);
        summary.dropped += 1;
        continue;
      }
      const after = await lapseDomain(deps, due.projectId, due.domainId, 'verification_expired');
      if (after?.failureReason === 'verification_expired') summary.lapsed.push(due.domainId);
      else summary.failed.push(due.domainId);
    } catch {
      // Ids are public; the error may carry SES's text, which the handler does not log per domain.
      summary.failed.push(due.domainId);
    }
  }
  return summary;
}
