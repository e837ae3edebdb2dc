import type { ServiceRoutes } from '../http/frame.js';
import { answerPage } from '../http/paging.js';
import { DOMAINS_CONTRACTS } from './contracts.js';
import { getDomain, listDomains } from './domain-store.js';
import {
  createDomain,
  deleteDomain,
  type DomainsDependencies,
  domainJson,
  updateDomain,
  verifyDomain,
} from './domains.js';
import { type DomainsV1Handlers, resendDomainsHandlers } from './resend-adapter.js';

export function domainsRoutes(deps: DomainsDependencies): ServiceRoutes<typeof DOMAINS_CONTRACTS> {
  const v1 = domainsHandlers(deps);
  // The Resend surface's adapter serves its routes through the /v1 handlers (./resend-adapter.ts).
  return {
    contracts: DOMAINS_CONTRACTS,
    idempotency: deps,
    handlers: { ...v1, ...resendDomainsHandlers(v1, deps) },
  };
}

function domainsHandlers(deps: DomainsDependencies): DomainsV1Handlers {
  const json = (domain: Parameters<typeof domainJson>[0]) => domainJson(domain, deps.region);
  return {
    listDomains: ({ auth, query }) =>
      answerPage(deps, { projectId: auth.projectId, routeId: 'listDomains' }, query, async (page) => {
        const { domains, nextAfter } = await listDomains(deps, auth.projectId, page);
        return { items: domains.map(json), nextAfter };
      }),
    createDomain: async ({ auth, body }) =>
      json(await createDomain(deps, auth.projectId, body.name, trackingOf(body))),
    updateDomain: async ({ auth, params, body }) =>
      json(await updateDomain(deps, auth.projectId, params.id, trackingOf(body ?? {}))),
    getDomain: async ({ auth, params }) => json(await getDomain(deps, auth.projectId, params.id)),
    deleteDomain: async ({ auth, params }) => {
      await deleteDomain(deps, auth.projectId, params.id);
      return { id: params.id, deleted: true as const };
    },
    verifyDomain: async ({ auth, params }) => json(await verifyDomain(deps, auth.projectId, params.id)),
  };
}

/** The API's `open_tracking` / `click_tracking` as given (absent stays absent). */
function trackingOf(body: { open_tracking?: boolean | undefined; click_tracking?: boolean | undefined }) {
  return {
    ...(body.open_tracking === undefined ? {} : { open: body.open_tracking }),
    ...(body.click_tracking === undefined ? {} : { click: body.click_tracking }),
  };
}
