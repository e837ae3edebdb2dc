import type { ServiceRoutes } from '../http/frame.js';
import { answerPage } from '../http/paging.js';
import { billingHandlers } from './billing.js';
import { ACCOUNT_CONTRACTS } from './contracts.js';
import { apiKeyHandlers, type ApiKeyStore } from './api-key-route-handlers.js';
import { listProjectsPage, projectJson } from './projects.js';
import { resendApiKeyHandlers } from './resend-adapter.js';
import { type UsageAuditDependencies, usageAuditHandlers } from './usage-audit-route-handlers.js';

export function accountRoutes(
  store: ApiKeyStore & UsageAuditDependencies,
): ServiceRoutes<typeof ACCOUNT_CONTRACTS> {
  const apiKeys = apiKeyHandlers(store);
  return {
    contracts: ACCOUNT_CONTRACTS,
    idempotency: store,
    handlers: {
      ...usageAuditHandlers(store),
      ...apiKeys,
      // The Resend surface's adapter serves its routes through the /v1 handlers (./resend-adapter.ts).
      ...resendApiKeyHandlers(apiKeys, store),
      listProjects: ({ auth, query }) =>
        answerPage(store, { projectId: auth.projectId, routeId: 'listProjects' }, query, async (page) => {
          const { projects, nextAfter } = await listProjectsPage(store, auth.teamId, page);
          return { items: projects.map(projectJson), nextAfter };
        }),
      ...billingHandlers(store),
    },
  };
}
