/**
 * The Resend surface of the webhooks service: Resend's `endpoint` is scopegate's `url`, event names
 * are shared where both record the event (a Resend event scopegate does not record is refused by
 * name), and every answer is mapped to Resend's shape. Each route calls the `/v1` handler it stands
 * for — scopes, event access, URL rules, project isolation are the `/v1` ones — except create, which
 * calls the same domain function with the surface recorded on the webhook, so its deliveries carry
 * Svix's header names too (docs/architecture.md, "API surfaces").
 */
import { ApiError, unsupportedParameter } from '../api/errors.js';
import type { ServiceHandlers } from '../http/frame.js';
import { resendListOf, v1ListQuery } from '../http/resend-paging.js';
import { standingOf } from '../keys/read-auth-context.js';
import { type EventType, EVENT_TYPES, isEventType } from '../shared/event-types.js';
import { isIdOf } from '../shared/ids.js';
import type { RESEND_WEBHOOKS_CONTRACTS, WEBHOOKS_CONTRACTS, WebhookJson } from './contracts.js';
import { WEBHOOK_ID_PREFIX, WEBHOOK_SORT_PREFIX } from './webhook-store.js';
import { createWebhook, type WebhooksDependencies } from './webhooks.js';

/** The `/v1` handlers the adapter calls. */
export type WebhooksV1Handlers = ServiceHandlers<
  Omit<typeof WEBHOOKS_CONTRACTS, keyof typeof RESEND_WEBHOOKS_CONTRACTS>
>;

/**
 * Resend's webhook event names (its SDK's `WebhookEvent`, version 6) that scopegate does not record:
 * named in the refusal. The others Resend names are scopegate's own, spelled the same.
 */
export const RESEND_ONLY_EVENTS = [
  'email.received',
  'contact.topics.updated',
  'domain.created',
  'domain.updated',
  'domain.deleted',
  'suppression.added',
  'suppression.removed',
  'topic.created',
  'topic.updated',
  'topic.deleted',
  'inbox.created',
  'inbox.updated',
  'inbox.deleted',
  'inbox.thread.created',
  'inbox.thread.folder.updated',
  'inbox.thread.assigned',
  'inbox.thread.unassigned',
  'inbox.thread.labels.updated',
  'inbox.email.received',
  'inbox.email.sent',
  'inbox.draft.created',
  'inbox.draft.updated',
  'inbox.draft.sent',
  'inbox.draft.deleted',
] as const;

/**
 * Resend's event list as scopegate's: every name scopegate records passes as it is; a Resend event
 * scopegate lacks is 422 `invalid_parameter` naming its place (`events.2`); anything else is a 422
 * `validation_error` listing the names accepted.
 */
export function scopegateEventsOf(events: readonly string[]): EventType[] {
  return events.map((event, index) => {
    if (isEventType(event)) return event;
    const path = `events.${index}`;
    if ((RESEND_ONLY_EVENTS as readonly string[]).includes(event)) {
      throw unsupportedParameter(path, `scopegate does not record ${event} events`);
    }
    const message = `${path} must be one of ${EVENT_TYPES.join(', ')}.`;
    throw new ApiError('validation_error', { message, errors: [{ path, message }] });
  });
}

/** A webhook in Resend's shape (`GET /webhooks/{id}`, list items). */
export function resendWebhookOf(webhook: WebhookJson) {
  return {
    object: 'webhook' as const,
    id: webhook.id,
    endpoint: webhook.url,
    events: [...webhook.events],
    status: webhook.status,
    created_at: webhook.created_at,
  };
}

/** The sort key `/v1`'s list pages from, for a webhook id (undefined: not a webhook id). */
export function webhookPosition(id: string): string | undefined {
  return isIdOf(WEBHOOK_ID_PREFIX, id) ? `${WEBHOOK_SORT_PREFIX}${id}` : undefined;
}

export function resendWebhooksHandlers(
  deps: WebhooksDependencies,
  v1: WebhooksV1Handlers,
): ServiceHandlers<typeof RESEND_WEBHOOKS_CONTRACTS> {
  return {
    resendCreateWebhook: async ({ auth, body }) => {
      const input = {
        url: body.endpoint,
        events: scopegateEventsOf(body.events),
        surface: 'resend' as const,
      };
      const webhook = await createWebhook(deps, auth.projectId, input, standingOf(auth));
      return { object: 'webhook', id: webhook.id, signing_secret: webhook.secret };
    },
    resendGetWebhook: async (request) => resendWebhookOf(await v1.getWebhook({ ...request })),
    resendListWebhooks: async (request) => {
      const paging = {
        store: deps,
        scope: { projectId: request.auth.projectId, routeId: 'listWebhooks' },
        positionOf: webhookPosition,
      };
      const query = await v1ListQuery(paging, request.query);
      return resendListOf(await v1.listWebhooks({ ...request, query }), resendWebhookOf);
    },
    resendUpdateWebhook: async (request) => {
      const { endpoint, events, status } = request.body ?? {};
      const body = {
        ...(endpoint === undefined ? {} : { url: endpoint }),
        ...(events === undefined ? {} : { events: scopegateEventsOf(events) }),
        ...(status === undefined ? {} : { status }),
      };
      const webhook = await v1.updateWebhook({ ...request, body });
      return { object: 'webhook', id: webhook.id };
    },
    resendDeleteWebhook: async (request) => {
      const deleted = await v1.deleteWebhook({ ...request });
      return { object: 'webhook', id: deleted.id, deleted: true };
    },
    resendRotateWebhookSecret: async (request) => {
      const webhook = await v1.rotateWebhookSecret({ ...request });
      return { object: 'webhook', id: webhook.id, signing_secret: webhook.signing_secret };
    },
  };
}
