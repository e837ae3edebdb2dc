/**
 * What the webhook routes do: create, change, rotate and test webhooks of the caller's project. The
 * project always comes from the caller's key; a webhook of another project is never found.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ApiError } from '../api/errors.js';
import { missingEventAccess } from './event-access.js';
import { type EventType, WEBHOOK_TEST_EVENT } from '../shared/event-types.js';
import { eventItem } from '../shared/outbox.js';
import { newId } from '../shared/ids.js';
import type { KeyStanding } from '../api/route-access.js';
import { generateWebhookSecret, previousSecretExpiresAt } from './signing.js';
import { type WebhookUrlOptions, checkWebhookUrl } from './webhook-url.js';
import type { DeliveryJson, WebhookJson } from './contracts.js';
import type { DeliveryRecord } from './delivery-store.js';
import {
  WEBHOOK_ID_PREFIX,
  type WebhookRecord,
  type WebhookStatus,
  type WebhookStore,
  type WebhookSurface,
  getWebhook,
  putWebhook,
  updateWebhook,
} from './webhook-store.js';

export interface WebhooksDependencies extends WebhookStore {
  readonly now: () => Date;
  /** Deployed: https and public hosts only. The local stack also allows http on loopback. */
  readonly urlPolicy: WebhookUrlOptions;
}

export interface WebhookInput {
  readonly url: string;
  readonly events: readonly EventType[];
  readonly description?: string | undefined;
  /** Set by Resend's surface: its deliveries also carry `svix-*` headers. */
  readonly surface?: WebhookSurface | undefined;
}

/** `caller`: the calling key, which must be able to read every event type it subscribes to. */
export async function createWebhook(
  deps: WebhooksDependencies,
  projectId: string,
  input: WebhookInput,
  caller: KeyStanding,
): Promise<WebhookRecord> {
  requireEventAccess(input.events, caller);
  const now = deps.now().toISOString();
  const webhook: WebhookRecord = {
    id: newId(WEBHOOK_ID_PREFIX, deps.now()),
    projectId,
    url: checkedUrl(input.url, deps.urlPolicy),
    events: uniqueEvents(input.events),
    ...(input.description === undefined ? {} : { description: input.description }),
    status: 'enabled',
    secret: generateWebhookSecret(),
    consecutiveFailures: 0,
    ...(input.surface === undefined ? {} : { surface: input.surface }),
    createdAt: now,
    updatedAt: now,
  };
  await putWebhook(deps, webhook);
  return webhook;
}

export interface WebhookPatch {
  readonly url?: string | undefined;
  readonly events?: readonly EventType[] | undefined;
  readonly description?: string | undefined;
  readonly status?: WebhookStatus | undefined;
}

/**
 * A patch naming `events` or `url`, or re-enabling a disabled webhook, decides who receives the
 * webhook's data from now on, so the caller must be able to read every event type the webhook will
 * be subscribed to afterwards (the new list, or the current one when only the URL or the status
 * moves). Disabling needs no more than webhooks:write: it stops data, it sends none.
 */
export async function changeWebhook(
  deps: WebhooksDependencies,
  projectId: string,
  id: string,
  patch: WebhookPatch,
  caller: KeyStanding,
): Promise<WebhookRecord> {
  const current = await getWebhook(deps, projectId, id);
  const reEnabling = patch.status === 'enabled';
  if (patch.events !== undefined || patch.url !== undefined || (reEnabling && current.status !== 'enabled')) {
    requireEventAccess(patch.events ?? current.events, caller);
  }
  return updateWebhook(deps, projectId, id, {
    updatedAt: deps.now().toISOString(),
    ...(patch.url === undefined ? {} : { url: checkedUrl(patch.url, deps.urlPolicy) }),
    ...(patch.events === undefined ? {} : { events: uniqueEvents(patch.events) }),
    ...(patch.description === undefined ? {} : { description: patch.description }),
    ...(patch.status === undefined ? {} : { status: patch.status }),
    ...(patch.status === 'disabled' ? { disabledReason: 'Disabled through the API.' } : {}),
    // A fresh start: the failures that disabled it no longer count towards disabling it again.
    ...(reEnabling ? { disabledReason: null, consecutiveFailures: 0 } : {}),
  });
}

/**
 * A new secret; the current one becomes the previous and keeps signing for 24 hours. Whoever holds a
 * webhook's secret can sign what its receiver will trust, so the caller must be able to read every
 * event the webhook delivers, as to subscribe it.
 */
export async function rotateSecret(
  deps: WebhooksDependencies,
  projectId: string,
  id: string,
  caller: KeyStanding,
): Promise<WebhookRecord> {
  const current = await getWebhook(deps, projectId, id);
  requireEventAccess(current.events, caller, 'Rotating the secret of a webhook subscribed to');
  const now = deps.now();
  return updateWebhook(deps, projectId, id, {
    secret: generateWebhookSecret(),
    previousSecret: current.secret,
    previousSecretExpiresAt: previousSecretExpiresAt(now).toISOString(),
    updatedAt: now.toISOString(),
  });
}

/**
 * Records a `webhook.test` event in the project's outbox, naming this webhook: the fan-out sends it
 * to this webhook only, through the same queue and signing as every other event.
 */
export async function sendTestEvent(
  deps: WebhooksDependencies,
  projectId: string,
  id: string,
): Promise<{ id: string; type: 'webhook.test'; created_at: string }> {
  const webhook = await getWebhook(deps, projectId, id);
  if (webhook.status !== 'enabled') {
    throw new ApiError('bad_request', {
      message: 'The webhook is disabled; enable it (PATCH {"status":"enabled"}) before testing it.',
    });
  }
  const event = eventItem(projectId, WEBHOOK_TEST_EVENT, { webhook_id: webhook.id }, deps.now());
  await deps.documents.send(
    new PutCommand({
      TableName: deps.dataTable,
      Item: event,
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { id: event.id, type: 'webhook.test', created_at: event.created_at };
}

/** 403 `insufficient_scope` naming what the caller lacks for the first event type it may not read. */
function requireEventAccess(
  events: readonly EventType[],
  caller: KeyStanding,
  action = 'Subscribing a webhook to',
): void {
  const missing = missingEventAccess(events, caller);
  if (missing === undefined) return;
  const { event, requirement } = missing;
  const needs = requirement.scope
    ? `the ${requirement.scope} scope`
    : `a key whose permission is ${requirement.permission}`;
  throw new ApiError('insufficient_scope', {
    message: `${action} ${event} needs ${needs}, which this API key does not have.`,
    ...(requirement.scope ? { requiredScope: requirement.scope } : {}),
    ...(requirement.permission ? { requiredPermission: requirement.permission } : {}),
  });
}

function checkedUrl(url: string, policy: WebhookUrlOptions): string {
  const checked = checkWebhookUrl(url, policy);
  if (checked.ok) return checked.url;
  const message = `url ${checked.reason}.`;
  throw new ApiError('validation_error', { message, errors: [{ path: 'url', message }] });
}

function uniqueEvents(events: readonly EventType[]): EventType[] {
  return [...new Set(events)];
}

export function webhookJson(webhook: WebhookRecord): WebhookJson {
  return {
    id: webhook.id,
    url: webhook.url,
    events: [...webhook.events],
    ...(webhook.description === undefined ? {} : { description: webhook.description }),
    status: webhook.status,
    ...(webhook.status === 'disabled' && webhook.disabledReason !== undefined
      ? { disabled_reason: webhook.disabledReason }
      : {}),
    created_at: webhook.createdAt,
  };
}

/** Only the create and rotate answers carry the secret. */
export function webhookWithSecretJson(webhook: WebhookRecord): WebhookJson & { signing_secret: string } {
  return { ...webhookJson(webhook), signing_secret: webhook.secret };
}

export function deliveryJson(delivery: DeliveryRecord): DeliveryJson {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    attempt: delivery.attempt,
    status: delivery.status,
    ...(delivery.responseStatus === undefined ? {} : { response_status: delivery.responseStatus }),
    ...(delivery.durationMs === undefined ? {} : { duration_ms: delivery.durationMs }),
    ...(delivery.error === undefined ? {} : { error: delivery.error }),
    ...(delivery.nextAttemptAt === undefined ? {} : { next_attempt_at: delivery.nextAttemptAt }),
    created_at: delivery.createdAt,
  };
}
