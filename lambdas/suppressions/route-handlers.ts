import type { ServiceRoutes } from '../http/frame.js';
import { answerPage } from '../http/paging.js';
import { SUPPRESSIONS_CONTRACTS } from './contracts.js';
import { resendSuppressionsHandlers, type SuppressionsV1Handlers } from './resend-adapter.js';
import { listSuppressions } from './suppression-store.js';
import {
  createSuppression,
  findSuppressionOf,
  removeSuppression,
  type SuppressionsDependencies,
  suppressionJson,
} from './suppressions.js';

export function suppressionsRoutes(
  deps: SuppressionsDependencies,
): ServiceRoutes<typeof SUPPRESSIONS_CONTRACTS> {
  const v1 = suppressionsHandlers(deps);
  // Resend's routes are served through the /v1 handlers (./resend-adapter.ts).
  return {
    contracts: SUPPRESSIONS_CONTRACTS,
    handlers: { ...v1, ...resendSuppressionsHandlers(v1, deps) },
    idempotency: deps,
  };
}

function suppressionsHandlers(deps: SuppressionsDependencies): SuppressionsV1Handlers {
  return {
    listSuppressions: async ({ auth, query }) => {
      const { email, ...page } = query;
      if (email !== undefined) {
        // One address or none: a list of at most one, with no next page.
        const found = await findSuppressionOf(deps, auth.projectId, email);
        return {
          object: 'list',
          data: found ? [suppressionJson(found)] : [],
          has_more: false,
          next_cursor: null,
        };
      }
      return answerPage(
        deps,
        { projectId: auth.projectId, routeId: 'listSuppressions' },
        page,
        async (at) => {
          const { suppressions, nextAfter } = await listSuppressions(deps, auth.projectId, at);
          return { items: suppressions.map(suppressionJson), nextAfter };
        },
      );
    },
    createSuppression: async ({ auth, body }) =>
      suppressionJson(await createSuppression(deps, auth.projectId, body)),
    deleteSuppression: async ({ auth, params }) => ({
      email: await removeSuppression(deps, auth.projectId, params.email),
      deleted: true as const,
    }),
  };
}
