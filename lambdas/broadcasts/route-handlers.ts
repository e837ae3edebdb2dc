import type { ServiceRoutes } from '../http/frame.js';
import { answerPage } from '../http/paging.js';
import { broadcastJson, getBroadcast, listBroadcasts } from './broadcast-store.js';
import {
  type BroadcastServiceDependencies,
  cancelBroadcast,
  createBroadcast,
  deleteBroadcast,
  recipientsPage,
  sendBroadcast,
  updateBroadcast,
} from './broadcasts.js';
import { BROADCASTS_CONTRACTS } from './contracts.js';
import { type BroadcastsV1Handlers, resendBroadcastsHandlers } from './resend-adapter.js';

export function broadcastsRoutes(
  deps: BroadcastServiceDependencies,
): ServiceRoutes<typeof BROADCASTS_CONTRACTS> {
  const v1 = broadcastsHandlers(deps);
  // Resend's routes are served through the /v1 handlers (./resend-adapter.ts).
  return {
    contracts: BROADCASTS_CONTRACTS,
    idempotency: deps,
    handlers: { ...v1, ...resendBroadcastsHandlers(v1, deps) },
  };
}

function broadcastsHandlers(deps: BroadcastServiceDependencies): BroadcastsV1Handlers {
  return {
    listBroadcasts: ({ auth, query }) =>
      answerPage(deps, { projectId: auth.projectId, routeId: 'listBroadcasts' }, query, async (page) => {
        const { broadcasts, nextAfter } = await listBroadcasts(deps, auth.projectId, page);
        return { items: broadcasts.map(broadcastJson), nextAfter };
      }),
    createBroadcast: async ({ auth, body }) => broadcastJson(await createBroadcast(deps, auth, body)),
    getBroadcast: async ({ auth, params }) =>
      broadcastJson(await getBroadcast(deps, auth.projectId, params.id)),
    updateBroadcast: async ({ auth, params, body }) =>
      broadcastJson(await updateBroadcast(deps, auth, params.id, body ?? {})),
    deleteBroadcast: async ({ auth, params }) => {
      await deleteBroadcast(deps, auth, params.id);
      return { id: params.id, deleted: true as const };
    },
    sendBroadcast: async ({ auth, params, body }) =>
      broadcastJson(await sendBroadcast(deps, auth, params.id, body)),
    cancelBroadcast: async ({ auth, params }) => broadcastJson(await cancelBroadcast(deps, auth, params.id)),
    listBroadcastRecipients: async ({ auth, params, query }) => {
      // The broadcast first: another project's is a 404 before any cursor is read.
      const broadcast = await getBroadcast(deps, auth.projectId, params.id);
      const scope = { projectId: auth.projectId, routeId: `listBroadcastRecipients/${broadcast.id}` };
      return answerPage(deps, scope, query, (page) => recipientsPage(deps, broadcast, page));
    },
  };
}
