import type { ServiceRoutes } from '../core/http.js';
import { answerPage } from '../core/paging.js';
import { DOMAINS_CONTRACTS } from './contracts.js';
import { getDomain, listDomains } from './domain-store.js';
import { createDomain, deleteDomain, type DomainsDependencies, domainJson, verifyDomain } from './domains.js';

export function domainsRoutes(deps: DomainsDependencies): ServiceRoutes<typeof DOMAINS_CONTRACTS> {
  const json = (domain: Parameters<typeof domainJson>[0]) => domainJson(domain, deps.region);
  return {
    contracts: DOMAINS_CONTRACTS,
    idempotency: deps,
    handlers: {
      listDomains: ({ auth, query }) =>
        answerPage(deps, { projectId: auth.projectId, routeId: 'listDomains' }, query, async (page) => {
          const { domains, nextAfter } = await listDomains(deps, auth.projectId, page);
          return { items: domains.map(json), nextAfter };
        }),
      createDomain: async ({ auth, body }) => json(await createDomain(deps, auth.projectId, body.name)),
      getDomain: async ({ auth, params }) => json(await getDomain(deps, auth.projectId, params.id)),
      deleteDomain: async ({ auth, params }) => {
        await deleteDomain(deps, auth.projectId, params.id);
        return { id: params.id, deleted: true as const };
      },
      verifyDomain: async ({ auth, params }) => json(await verifyDomain(deps, auth.projectId, params.id)),
    },
  };
}
