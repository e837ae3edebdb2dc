/**
 * The Resend surface of the domains service: each `/resend/domains*` route maps Resend's request to
 * the `/v1` route it stands for and calls that route's handler — the name rules, claims, SES identity
 * and tracking settings are the `/v1` ones — then answers in Resend's shape (docs/architecture.md,
 * "API surfaces"). Resend's options scopegate can only honour at their defaults are refused by name
 * when set otherwise: nothing is created or changed then.
 */
import { ApiError, unsupportedParameter } from '../api/errors.js';
import type { ServiceHandlers } from '../http/frame.js';
import { answerResendPage } from '../http/resend-paging.js';
import type {
  DOMAINS_CONTRACTS,
  RESEND_DOMAINS_CONTRACTS,
  RESEND_DOMAIN_STATUSES,
  ResendDomainJson,
} from './contracts.js';
import { MAIL_FROM_LABEL } from './dns-records.js';
import { domainListPosition, type DomainStore, listDomains } from './domain-store.js';
import { domainJson, type DomainJson } from './domains.js';

/** The `/v1` handlers the adapter calls. */
export type DomainsV1Handlers = ServiceHandlers<
  Omit<typeof DOMAINS_CONTRACTS, keyof typeof RESEND_DOMAINS_CONTRACTS>
>;

/** Resend's options that scopegate honours only at these values. */
export interface ResendDomainOptions {
  readonly region?: string | undefined;
  readonly custom_return_path?: string | undefined;
  readonly tls?: 'enforced' | 'opportunistic' | undefined;
  readonly capabilities?:
    | {
        readonly sending?: 'enabled' | 'disabled' | undefined;
        readonly receiving?: 'enabled' | 'disabled' | undefined;
      }
    | undefined;
}

/**
 * The error for the first option scopegate cannot honour as asked, or undefined: a region other than
 * the stack's (`invalid_region`, as Resend names it), a return path other than `send`, enforced TLS,
 * sending turned off or receiving turned on.
 */
export function refusedDomainOption(options: ResendDomainOptions, region: string): ApiError | undefined {
  if (options.region !== undefined && options.region !== region) {
    return new ApiError('invalid_region', {
      message: `This deployment sends from ${region} only; region ${options.region} is not available.`,
      errors: [{ path: 'region', message: `region must be ${region}.` }],
    });
  }
  if (options.custom_return_path !== undefined && options.custom_return_path !== MAIL_FROM_LABEL) {
    return unsupportedParameter(
      'custom_return_path',
      `the MAIL FROM domain is always ${MAIL_FROM_LABEL}.<name>`,
    );
  }
  if (options.tls === 'enforced') {
    return unsupportedParameter('tls', 'SES sends with opportunistic TLS only');
  }
  if (options.capabilities?.sending === 'disabled') {
    return unsupportedParameter('capabilities.sending', 'a scopegate domain is a sending domain');
  }
  if (options.capabilities?.receiving === 'enabled') {
    return unsupportedParameter('capabilities.receiving', 'scopegate does not receive email');
  }
  return undefined;
}

type ResendDomainStatus = (typeof RESEND_DOMAIN_STATUSES)[number];

/** scopegate's domain status in Resend's words: SES's temporary failure is still pending. */
function resendStatusOf(status: DomainJson['status']): ResendDomainStatus {
  return status === 'temporary_failure' ? 'pending' : status;
}

/**
 * A `/v1` domain in Resend's shape: DKIM records, and the custom MAIL FROM's MX and TXT records as
 * Resend's `SPF` ones. The DMARC record `/v1` suggests (never checked) has no place in Resend's list.
 */
export function resendDomainOf(domain: DomainJson, region: string): ResendDomainJson {
  const records: ResendDomainJson['records'] = [];
  for (const { purpose, type, name, value, priority, status } of domain.records) {
    if (purpose === 'dmarc' || status === 'not_checked') continue;
    records.push({
      record: purpose === 'dkim' ? 'DKIM' : 'SPF',
      name,
      type,
      ttl: 'Auto',
      status,
      value,
      ...(priority === undefined ? {} : { priority }),
    });
  }
  return { object: 'domain', ...resendDomainListItemOf(domain, region), records };
}

/** What Resend's list shows of a domain. */
export function resendDomainListItemOf(domain: DomainJson, region: string) {
  return {
    id: domain.id,
    name: domain.name,
    status: resendStatusOf(domain.status),
    created_at: domain.created_at,
    region,
    capabilities: { sending: 'enabled' as const, receiving: 'disabled' as const },
    open_tracking: domain.open_tracking,
    click_tracking: domain.click_tracking,
  };
}

const refOf = (domain: { id: string }) => ({ object: 'domain' as const, id: domain.id });

function refuse(options: ResendDomainOptions, region: string): void {
  const refused = refusedDomainOption(options, region);
  if (refused) throw refused;
}

export function resendDomainsHandlers(
  v1: DomainsV1Handlers,
  deps: DomainStore & { readonly region: string },
): ServiceHandlers<typeof RESEND_DOMAINS_CONTRACTS> {
  const { region } = deps;
  return {
    resendListDomains: ({ auth, query }) =>
      answerResendPage(query, domainListPosition, async ({ limit, after, direction }) => {
        const backwards = direction === 'backward';
        const { domains, nextAfter } = await listDomains(deps, auth.projectId, { limit, after, backwards });
        const items = domains.map((domain) => resendDomainListItemOf(domainJson(domain, region), region));
        return { items, nextAfter };
      }),
    resendCreateDomain: async (request) => {
      const { name, open_tracking, click_tracking, ...options } = request.body;
      refuse(options, region);
      const body = { name, open_tracking, click_tracking };
      return resendDomainOf(await v1.createDomain({ ...request, body }), region);
    },
    resendGetDomain: async (request) => resendDomainOf(await v1.getDomain({ ...request }), region),
    resendUpdateDomain: async (request) => {
      const { open_tracking, click_tracking, ...options } = request.body ?? {};
      refuse(options, region);
      return refOf(await v1.updateDomain({ ...request, body: { open_tracking, click_tracking } }));
    },
    resendDeleteDomain: async (request) => ({ object: 'domain', ...(await v1.deleteDomain({ ...request })) }),
    resendVerifyDomain: async (request) => refOf(await v1.verifyDomain({ ...request })),
  };
}
