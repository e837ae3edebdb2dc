import type { ServiceRoutes } from '../http/frame.js';
import { answerPage } from '../http/paging.js';
import { standingOf } from '../keys/read-auth-context.js';
import { WEBHOOKS_CONTRACTS } from './contracts.js';
import { listDeliveries } from './delivery-store.js';
import { resendWebhooksHandlers, type WebhooksV1Handlers } from './resend-adapter.js';
import { deleteWebhook, getWebhook, listWebhooks } from './webhook-store.js';
import {
  type WebhooksDependencies,
  changeWebhook,
  createWebhook,
  deliveryJson,
  rotateSecret,
  sendTestEvent,
  webhookJson,
  webhookWithSecretJson,
} from './webhooks.js';

export function webhooksRoutes(deps: WebhooksDependencies): ServiceRoutes<typeof WEBHOOKS_CONTRACTS> {
  const v1 = webhooksHandlers(deps);
  // Resend's routes are served through the /v1 handlers (./resend-adapter.ts).
  return {
    contracts: WEBHOOKS_CONTRACTS,
    handlers: { ...v1, ...resendWebhooksHandlers(deps, v1) },
    idempotency: deps,
  };
}

function webhooksHandlers(deps: WebhooksDependencies): WebhooksV1Handlers {
  return {
    listWebhooks: ({ auth, query }) =>
      answerPage(deps, { projectId: auth.projectId, routeId: 'listWebhooks' }, query, async (page) => {
        const { webhooks, nextAfter } = await listWebhooks(deps, auth.projectId, page);
        return { items: webhooks.map(webhookJson), nextAfter };
      }),
    createWebhook: async ({ auth, body }) =>
      webhookWithSecretJson(await createWebhook(deps, auth.projectId, body, standingOf(auth))),
    getWebhook: async ({ auth, params }) => webhookJson(await getWebhook(deps, auth.projectId, params.id)),
    updateWebhook: async ({ auth, params, body }) =>
      webhookJson(await changeWebhook(deps, auth.projectId, params.id, body ?? {}, standingOf(auth))),
    deleteWebhook: async ({ auth, params }) => {
      await deleteWebhook(deps, auth.projectId, params.id);
      return { id: params.id, deleted: true as const };
    },
    rotateWebhookSecret: async ({ auth, params }) =>
      webhookWithSecretJson(await rotateSecret(deps, auth.projectId, params.id, standingOf(auth))),
    testWebhook: ({ auth, params }) => sendTestEvent(deps, auth.projectId, params.id),
    listWebhookDeliveries: async ({ auth, params, query }) => {
      // Another project's webhook is a 404 before any delivery is read.
      await getWebhook(deps, auth.projectId, params.id);
      return answerPage(
        deps,
        { projectId: auth.projectId, routeId: 'listWebhookDeliveries' },
        query,
        async (page) => {
          const { deliveries, nextAfter } = await listDeliveries(deps, auth.projectId, params.id, page);
          return { items: deliveries.map(deliveryJson), nextAfter };
        },
      );
    },
  };
}
