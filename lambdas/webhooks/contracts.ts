/** The webhooks service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import { EVENT_FAMILY_REQUIREMENTS } from './event-access.js';
import { EVENT_TYPES } from '../shared/event-types.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { requirementLabel } from '../api/routes.js';
import { withMeta } from '../api/schema-meta.js';
import { MAX_WEBHOOK_URL_LENGTH } from './webhook-url.js';
import { resendListQuerySchema, resendListResponseSchema } from '../http/resend-paging.js';

const timestamp = withMeta(z.string(), { format: 'date-time', example: '2026-11-24T14:30:00.000Z' });
const MAX_DESCRIPTION_LENGTH = 256;

const eventTypeSchema = z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` });
const eventsSchema = withMeta(
  z
    .array(eventTypeSchema)
    .check(z.minLength(1, 'must list at least one event type'), z.maxLength(EVENT_TYPES.length)),
  { description: eventsDescription() },
);

/** Written from the rule itself, so the document cannot drift from what the handler checks. */
function eventsDescription(): string {
  const rules = Object.entries(EVENT_FAMILY_REQUIREMENTS).map(
    ([family, requirement]) =>
      `\`${family}.*\` → ${requirement === null ? 'nothing more' : `\`${requirementLabel(requirement)}\``}`,
  );
  return (
    'The event types delivered to this webhook. Events are read scopes: subscribing to an event type ' +
    'needs what reading its data needs, besides `webhooks:write` — ' +
    `${rules.join(', ')}. Checked on create and on every update that names \`events\` or \`url\` ` +
    '(moving a webhook needs the scopes of all its events); otherwise 403 `insufficient_scope` naming ' +
    'the first missing scope (`required_scope`) or permission (`required_permission`).'
  );
}
const urlSchema = withMeta(
  z
    .string()
    .check(
      z.minLength(1, 'must be a URL'),
      z.maxLength(MAX_WEBHOOK_URL_LENGTH, `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`),
    ),
  {
    description: 'Where events are POSTed: https, a public host, no credentials. Redirects are not followed.',
    example: 'https://example.com/webhooks/scopegate',
  },
);
const descriptionSchema = z
  .string()
  .check(z.maxLength(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`));

export const webhookSchema = withMeta(
  z.object({
    id: withMeta(z.string(), { example: 'wh_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    url: z.string(),
    events: z.array(z.enum(EVENT_TYPES)),
    description: z.optional(z.string()),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: withMeta(z.optional(z.string()), {
      description: 'Why deliveries stopped, when `status` is `disabled`.',
    }),
    created_at: timestamp,
  }),
  { id: 'Webhook', description: 'An endpoint that receives the project’s events.' },
);

export type WebhookJson = z.input<typeof webhookSchema>;

const signingSecret = withMeta(z.string(), {
  description: 'The `whsec_…` secret that signs deliveries. Shown only here: store it now.',
  example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
});

const webhookWithSecretSchema = withMeta(z.extend(webhookSchema, { signing_secret: signingSecret }), {
  id: 'WebhookWithSecret',
  description: 'A webhook and its signing secret, shown once.',
});

export const deliverySchema = withMeta(
  z.object({
    id: withMeta(z.string(), { example: 'del_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    event_id: withMeta(z.string(), { example: 'evt_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    event_type: z.string(),
    attempt: z.number().check(z.int(), z.minimum(1)),
    status: z.enum(['pending', 'succeeded', 'failed']),
    response_status: z.optional(z.number().check(z.int())),
    duration_ms: z.optional(z.number().check(z.int())),
    error: z.optional(z.string()),
    next_attempt_at: z.optional(timestamp),
    created_at: timestamp,
  }),
  {
    id: 'WebhookDelivery',
    description:
      'One delivery attempt. `pending`: it failed and `next_attempt_at` says when it is tried again.',
  },
);

export type DeliveryJson = z.input<typeof deliverySchema>;

const webhookIdParams = z.object({ id: withMeta(z.string(), { description: 'The webhook id, `wh_…`.' }) });

// ---- Resend's webhooks (lambdas/webhooks/resend-adapter.ts maps them onto the /v1 routes) ----

const resendEventsSchema = withMeta(
  z
    .array(z.string().check(z.maxLength(64)))
    .check(z.minLength(1, 'must list at least one event type'), z.maxLength(EVENT_TYPES.length)),
  {
    description:
      "Event names as Resend's and scopegate's share them (`email.sent`, `contact.created`, …). A " +
      'Resend event scopegate does not record (`email.received`, `domain.created`, `topic.*`, …) is ' +
      '422 `invalid_parameter` naming it.',
  },
);

const resendWebhookSchema = withMeta(
  z.object({
    object: z.literal('webhook'),
    id: withMeta(z.string(), { example: 'wh_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    endpoint: z.string(),
    events: z.array(z.string()),
    status: z.enum(['enabled', 'disabled']),
    created_at: timestamp,
  }),
  {
    id: 'ResendWebhook',
    description: "A webhook in Resend's shape; its signing secret is shown only on create and rotate.",
  },
);

const resendWebhookSecretSchema = z.object({
  object: z.literal('webhook'),
  id: z.string(),
  signing_secret: signingSecret,
});

const RESEND_ERRORS = ['invalid_parameter'] as const;

/** The routes of the Resend surface this service serves. */
export const RESEND_WEBHOOKS_CONTRACTS = {
  resendCreateWebhook: defineContract({
    idempotent: true,
    replayStatus: 200,
    body: z.strictObject({ endpoint: urlSchema, events: resendEventsSchema }),
    response: {
      status: 201,
      description:
        'The webhook, enabled; its deliveries carry `svix-*` copies of the signature headers. The ' +
        'signing secret is shown only now (a replay answers without it).',
      schema: resendWebhookSecretSchema,
      secretFields: ['signing_secret'],
    },
    errors: RESEND_ERRORS,
  }),
  resendGetWebhook: defineContract({
    params: webhookIdParams,
    response: {
      status: 200,
      description: 'The webhook, without its signing secret (shown only on create and rotate).',
      schema: resendWebhookSchema,
    },
    errors: ['not_found'],
  }),
  resendListWebhooks: defineContract({
    query: resendListQuerySchema,
    response: {
      status: 200,
      description: 'A page of webhooks, newest first.',
      schema: resendListResponseSchema(resendWebhookSchema),
    },
    errors: RESEND_ERRORS,
  }),
  resendUpdateWebhook: defineContract({
    params: webhookIdParams,
    body: z.optional(
      z.strictObject({
        endpoint: z.optional(urlSchema),
        events: z.optional(resendEventsSchema),
        status: z.optional(z.enum(['enabled', 'disabled'], { error: 'must be enabled or disabled' })),
      }),
    ),
    response: {
      status: 200,
      description: 'The webhook was changed.',
      schema: z.object({ object: z.literal('webhook'), id: z.string() }),
    },
    errors: ['not_found', ...RESEND_ERRORS],
  }),
  resendDeleteWebhook: defineContract({
    params: webhookIdParams,
    response: {
      status: 200,
      description: 'Deleted: no more deliveries.',
      schema: z.object({ object: z.literal('webhook'), id: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found'],
  }),
  resendRotateWebhookSecret: defineContract({
    params: webhookIdParams,
    response: {
      status: 200,
      description:
        'The new signing secret (shown only now). The previous one keeps signing next to it for 24 hours.',
      schema: resendWebhookSecretSchema,
      secretFields: ['signing_secret'],
    },
    errors: ['not_found'],
  }),
};

export const WEBHOOKS_CONTRACTS = {
  ...RESEND_WEBHOOKS_CONTRACTS,
  listWebhooks: defineContract({
    query: listQuerySchema,
    response: {
      status: 200,
      description: 'A page of webhooks, newest first.',
      schema: listResponseSchema(webhookSchema),
    },
  }),
  createWebhook: defineContract({
    idempotent: true,
    // A replay answers the webhook without its secret: a secret is never stored for a replay.
    replayStatus: 200,
    body: z.strictObject({
      url: urlSchema,
      events: eventsSchema,
      description: z.optional(descriptionSchema),
    }),
    response: {
      status: 201,
      description: 'The webhook, enabled, with its signing secret (shown only now).',
      schema: webhookWithSecretSchema,
      secretFields: ['signing_secret'],
    },
  }),
  getWebhook: defineContract({
    params: webhookIdParams,
    response: { status: 200, description: 'The webhook.', schema: webhookSchema },
    errors: ['not_found'],
  }),
  updateWebhook: defineContract({
    params: webhookIdParams,
    // A PATCH without a body changes nothing, like `{}`: it still answers 404 for a missing webhook.
    body: z.optional(
      z.strictObject({
        url: z.optional(urlSchema),
        events: z.optional(eventsSchema),
        description: z.optional(descriptionSchema),
        status: withMeta(
          z.optional(z.enum(['enabled', 'disabled'], { error: 'must be enabled or disabled' })),
          {
            description: '`enabled` re-enables a disabled webhook and clears its reason.',
          },
        ),
      }),
    ),
    response: { status: 200, description: 'The updated webhook.', schema: webhookSchema },
    errors: ['not_found'],
  }),
  deleteWebhook: defineContract({
    params: webhookIdParams,
    response: {
      status: 200,
      description: 'Deleted: no more deliveries.',
      schema: z.object({ id: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found'],
  }),
  rotateWebhookSecret: defineContract({
    params: webhookIdParams,
    response: {
      status: 200,
      description:
        'The webhook with its new signing secret (shown only now). The previous secret keeps signing ' +
        'next to it for 24 hours.',
      schema: webhookWithSecretSchema,
      secretFields: ['signing_secret'],
    },
    errors: ['not_found'],
  }),
  testWebhook: defineContract({
    params: webhookIdParams,
    response: {
      status: 200,
      description:
        'A `webhook.test` event was recorded; it is delivered to this webhook only, like any event.',
      schema: z.object({
        id: withMeta(z.string(), { example: 'evt_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
        type: z.literal('webhook.test'),
        created_at: timestamp,
      }),
    },
    errors: ['not_found', 'bad_request'],
  }),
  listWebhookDeliveries: defineContract({
    params: webhookIdParams,
    query: listQuerySchema,
    response: {
      status: 200,
      description: "A page of the webhook's delivery attempts, newest first.",
      schema: listResponseSchema(deliverySchema),
    },
    errors: ['not_found'],
  }),
} satisfies ServiceContracts<'webhooks'>;
