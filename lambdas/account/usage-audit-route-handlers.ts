/** Handlers of a key's usage and of the audit log; wired into the account service's routes. */
import type { ServiceHandlers } from '../http/frame.js';
import { answerPage } from '../http/paging.js';
import { listAuditEntries } from './audit-log-list.js';
import { keyUsage, type KeyUsageStore } from './key-usage.js';
import type { USAGE_AUDIT_CONTRACTS } from './usage-audit-contracts.js';

export interface UsageAuditDependencies extends KeyUsageStore {
  readonly now: () => Date;
}

export function usageAuditHandlers(
  deps: UsageAuditDependencies,
): ServiceHandlers<typeof USAGE_AUDIT_CONTRACTS> {
  return {
    getApiKeyUsage: ({ auth, params, query }) =>
      keyUsage(deps, auth.projectId, params.id, query.days, deps.now()),
    listAuditLog: ({ auth, query }) =>
      answerPage(deps, { projectId: auth.projectId, routeId: 'listAuditLog' }, query, async (page) => {
        const { entries, nextAfter } = await listAuditEntries(deps, auth.projectId, page);
        return { items: entries, nextAfter };
      }),
  };
}
