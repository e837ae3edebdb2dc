/**
 * The route table: the single source of truth for the API's surface. The CDK stack builds API
 * Gateway from it, the authorizer checks against it, handlers re-check its scope, the local gateway
 * dispatches with it, and the endpoint table in docs/api.md and the OpenAPI document are generated from it.
 *
 * Each row's request and response schemas live in its service's `contracts.ts`, keyed by the row's
 * `id` (checked complete by the compiler, see lambdas/api/contract.ts). They are kept out of this
 * file only so that the authorizer, which needs the rows, does not bundle zod: see docs/architecture.md.
 */
import type { Scope } from './scopes.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One Lambda per service (docs/architecture.md, "Shape"). */
export const SERVICES = [
  'sending',
  'account',
  'domains',
  'templates',
  'webhooks',
  'audience',
  'suppressions',
  'broadcasts',
] as const;
export type Service = (typeof SERVICES)[number];

/**
 * What no scope grants: managing keys and reading the audit log need a general key whose permission
 * is `full_access` (docs/architecture.md, "The key model").
 */
export const ROUTE_PERMISSIONS = ['full_access'] as const;
export type RoutePermission = (typeof ROUTE_PERMISSIONS)[number];

/** A route requires exactly one of: a scope, or a key permission. */
export type RouteRequirement =
  | { readonly scope: Scope; readonly permission?: undefined }
  | { readonly permission: RoutePermission; readonly scope?: undefined };

/**
 * The APIs the table serves: scopegate's own (`/v1`), and drop-in copies of Resend's and SendGrid's
 * REST APIs whose rows each stand for a `/v1` route (docs/decisions/0037-api-surfaces.md).
 */
export const SURFACES = ['v1', 'resend', 'sendgrid'] as const;
export type Surface = (typeof SURFACES)[number];

/** Where each surface's paths start: a row's path is under its surface's prefix (a unit test holds it). */
export const SURFACE_PREFIXES: Readonly<Record<Surface, string>> = {
  v1: '/v1/',
  resend: '/resend/',
  sendgrid: '/sendgrid/',
};

export type Route = {
  /** A stable name for the route: the OpenAPI operationId and the key of its contract. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway resource path, with `{name}` path parameters. */
  readonly path: string;
  readonly service: Service;
  readonly summary: string;
  readonly surface: Surface;
  /**
   * On a `resend` or `sendgrid` row: the id of the `/v1` route it stands for, whose scope (or
   * permission) it takes, whose audit action it records and whose idempotency claims it shares.
   */
  readonly standsFor?: string;
} & RouteRequirement;

/** scopegate's own API, one row per route; `surface: 'v1'` is added to each by ROUTES below. */
const V1_ROUTES = [
  {
    id: 'sendEmail',
    method: 'POST',
    path: '/v1/emails',
    scope: 'emails:send',
    service: 'sending',
    summary: 'Send an email',
  },
  {
    id: 'sendEmailBatch',
    method: 'POST',
    path: '/v1/emails/batch',
    scope: 'emails:send',
    service: 'sending',
    summary: 'Send up to 100 emails, all validated before any is sent',
  },
  {
    id: 'listEmails',
    method: 'GET',
    path: '/v1/emails',
    scope: 'emails:read',
    service: 'sending',
    summary: 'List sent emails, newest first',
  },
  {
    id: 'getEmail',
    method: 'GET',
    path: '/v1/emails/{id}',
    scope: 'emails:read',
    service: 'sending',
    summary: 'Retrieve one sent email',
  },
  {
    id: 'listEmailEvents',
    method: 'GET',
    path: '/v1/emails/{id}/events',
    scope: 'emails:read',
    service: 'sending',
    summary: "List an email's SES events, oldest first",
  },
  {
    id: 'rescheduleEmail',
    method: 'PATCH',
    path: '/v1/emails/{id}',
    scope: 'emails:send',
    service: 'sending',
    summary: 'Move a scheduled email to another time',
  },
  {
    id: 'cancelEmail',
    method: 'POST',
    path: '/v1/emails/{id}/cancel',
    scope: 'emails:send',
    service: 'sending',
    summary: 'Cancel a scheduled email',
  },
  {
    id: 'sendSms',
    method: 'POST',
    path: '/v1/sms',
    scope: 'sms:send',
    service: 'sending',
    summary: 'Send an SMS',
  },
  {
    id: 'sendWhatsapp',
    method: 'POST',
    path: '/v1/whatsapp',
    scope: 'whatsapp:send',
    service: 'sending',
    summary: 'Send a WhatsApp text or template message',
  },
  {
    id: 'listProjects',
    method: 'GET',
    path: '/v1/projects',
    scope: 'projects:read',
    service: 'account',
    summary: "List the key's team's projects",
  },
  {
    id: 'listDomains',
    method: 'GET',
    path: '/v1/domains',
    scope: 'domains:read',
    service: 'domains',
    summary: "List the project's sending domains, newest first",
  },
  {
    id: 'createDomain',
    method: 'POST',
    path: '/v1/domains',
    scope: 'domains:write',
    service: 'domains',
    summary: 'Add a sending domain and get its DNS records',
  },
  {
    id: 'getDomain',
    method: 'GET',
    path: '/v1/domains/{id}',
    scope: 'domains:read',
    service: 'domains',
    summary: 'Retrieve one sending domain',
  },
  {
    id: 'updateDomain',
    method: 'PATCH',
    path: '/v1/domains/{id}',
    scope: 'domains:write',
    service: 'domains',
    summary: "Change a sending domain's open and click tracking",
  },
  {
    id: 'deleteDomain',
    method: 'DELETE',
    path: '/v1/domains/{id}',
    scope: 'domains:write',
    service: 'domains',
    summary: 'Delete a sending domain and its SES identity',
  },
  {
    id: 'verifyDomain',
    method: 'POST',
    path: '/v1/domains/{id}/verify',
    scope: 'domains:write',
    service: 'domains',
    summary: "Re-read a domain's verification status from SES",
  },
  {
    id: 'listTemplates',
    method: 'GET',
    path: '/v1/templates',
    scope: 'templates:read',
    service: 'templates',
    summary: 'List templates, newest first',
  },
  {
    id: 'createTemplate',
    method: 'POST',
    path: '/v1/templates',
    scope: 'templates:write',
    service: 'templates',
    summary: 'Create a template',
  },
  {
    id: 'getTemplate',
    method: 'GET',
    path: '/v1/templates/{id}',
    scope: 'templates:read',
    service: 'templates',
    summary: 'Retrieve one template, by id or alias',
  },
  {
    id: 'updateTemplate',
    method: 'PATCH',
    path: '/v1/templates/{id}',
    scope: 'templates:write',
    service: 'templates',
    summary: 'Change the given fields of a template',
  },
  {
    id: 'deleteTemplate',
    method: 'DELETE',
    path: '/v1/templates/{id}',
    scope: 'templates:write',
    service: 'templates',
    summary: 'Delete a template and free its alias',
  },
  {
    id: 'listWebhooks',
    method: 'GET',
    path: '/v1/webhooks',
    scope: 'webhooks:read',
    service: 'webhooks',
    summary: 'List webhooks, newest first',
  },
  {
    id: 'createWebhook',
    method: 'POST',
    path: '/v1/webhooks',
    scope: 'webhooks:write',
    service: 'webhooks',
    summary: 'Create a webhook; answers its signing secret once',
  },
  {
    id: 'getWebhook',
    method: 'GET',
    path: '/v1/webhooks/{id}',
    scope: 'webhooks:read',
    service: 'webhooks',
    summary: 'Retrieve one webhook',
  },
  {
    id: 'updateWebhook',
    method: 'PATCH',
    path: '/v1/webhooks/{id}',
    scope: 'webhooks:write',
    service: 'webhooks',
    summary: 'Change a webhook, or re-enable a disabled one',
  },
  {
    id: 'deleteWebhook',
    method: 'DELETE',
    path: '/v1/webhooks/{id}',
    scope: 'webhooks:write',
    service: 'webhooks',
    summary: 'Delete a webhook',
  },
  {
    id: 'rotateWebhookSecret',
    method: 'POST',
    path: '/v1/webhooks/{id}/rotate-secret',
    scope: 'webhooks:write',
    service: 'webhooks',
    summary: "Replace a webhook's signing secret (the old one signs for 24 more hours)",
  },
  {
    id: 'testWebhook',
    method: 'POST',
    path: '/v1/webhooks/{id}/test',
    scope: 'webhooks:write',
    service: 'webhooks',
    summary: 'Send a webhook.test event to one webhook',
  },
  {
    id: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/webhooks/{id}/deliveries',
    scope: 'webhooks:read',
    service: 'webhooks',
    summary: "List a webhook's delivery attempts, newest first",
  },
  {
    id: 'listContacts',
    method: 'GET',
    path: '/v1/contacts',
    scope: 'audience:read',
    service: 'audience',
    summary: 'List contacts, newest first, or find one by email',
  },
  {
    id: 'createContact',
    method: 'POST',
    path: '/v1/contacts',
    scope: 'audience:write',
    service: 'audience',
    summary: 'Create a contact (email unique in the project)',
  },
  {
    id: 'getContact',
    method: 'GET',
    path: '/v1/contacts/{id}',
    scope: 'audience:read',
    service: 'audience',
    summary: 'Retrieve one contact',
  },
  {
    id: 'updateContact',
    method: 'PATCH',
    path: '/v1/contacts/{id}',
    scope: 'audience:write',
    service: 'audience',
    summary: 'Change the given fields of a contact',
  },
  {
    id: 'deleteContact',
    method: 'DELETE',
    path: '/v1/contacts/{id}',
    scope: 'audience:write',
    service: 'audience',
    summary: 'Delete a contact and its list memberships',
  },
  {
    id: 'listLists',
    method: 'GET',
    path: '/v1/lists',
    scope: 'audience:read',
    service: 'audience',
    summary: 'List contact lists, newest first',
  },
  {
    id: 'createList',
    method: 'POST',
    path: '/v1/lists',
    scope: 'audience:write',
    service: 'audience',
    summary: 'Create a contact list',
  },
  {
    id: 'getList',
    method: 'GET',
    path: '/v1/lists/{id}',
    scope: 'audience:read',
    service: 'audience',
    summary: 'Retrieve one contact list',
  },
  {
    id: 'updateList',
    method: 'PATCH',
    path: '/v1/lists/{id}',
    scope: 'audience:write',
    service: 'audience',
    summary: "Change a list's name or description",
  },
  {
    id: 'deleteList',
    method: 'DELETE',
    path: '/v1/lists/{id}',
    scope: 'audience:write',
    service: 'audience',
    summary: 'Delete a list; its contacts stay',
  },
  {
    id: 'listListContacts',
    method: 'GET',
    path: '/v1/lists/{id}/contacts',
    scope: 'audience:read',
    service: 'audience',
    summary: "List a list's contacts",
  },
  {
    id: 'addListContact',
    method: 'PUT',
    path: '/v1/lists/{id}/contacts/{contact_id}',
    scope: 'audience:write',
    service: 'audience',
    summary: 'Put a contact in a list',
  },
  {
    id: 'removeListContact',
    method: 'DELETE',
    path: '/v1/lists/{id}/contacts/{contact_id}',
    scope: 'audience:write',
    service: 'audience',
    summary: 'Take a contact out of a list',
  },
  {
    id: 'listSegments',
    method: 'GET',
    path: '/v1/segments',
    scope: 'audience:read',
    service: 'audience',
    summary: 'List segments, newest first',
  },
  {
    id: 'createSegment',
    method: 'POST',
    path: '/v1/segments',
    scope: 'audience:write',
    service: 'audience',
    summary: 'Create a segment (a saved contact filter)',
  },
  {
    id: 'getSegment',
    method: 'GET',
    path: '/v1/segments/{id}',
    scope: 'audience:read',
    service: 'audience',
    summary: 'Retrieve one segment',
  },
  {
    id: 'updateSegment',
    method: 'PATCH',
    path: '/v1/segments/{id}',
    scope: 'audience:write',
    service: 'audience',
    summary: "Change a segment's name or filter",
  },
  {
    id: 'deleteSegment',
    method: 'DELETE',
    path: '/v1/segments/{id}',
    scope: 'audience:write',
    service: 'audience',
    summary: 'Delete a segment',
  },
  {
    id: 'listSegmentContacts',
    method: 'GET',
    path: '/v1/segments/{id}/contacts',
    scope: 'audience:read',
    service: 'audience',
    summary: 'List the contacts a segment matches now',
  },
  {
    id: 'listSuppressions',
    method: 'GET',
    path: '/v1/suppressions',
    scope: 'suppressions:read',
    service: 'suppressions',
    summary: "List the project's suppressed addresses, or find one by email",
  },
  {
    id: 'createSuppression',
    method: 'POST',
    path: '/v1/suppressions',
    scope: 'suppressions:write',
    service: 'suppressions',
    summary: 'Suppress an address: sends to it are dropped',
  },
  {
    id: 'deleteSuppression',
    method: 'DELETE',
    path: '/v1/suppressions/{email}',
    scope: 'suppressions:write',
    service: 'suppressions',
    summary: 'Stop suppressing an address',
  },
  {
    id: 'listBroadcasts',
    method: 'GET',
    path: '/v1/broadcasts',
    scope: 'broadcasts:read',
    service: 'broadcasts',
    summary: 'List broadcasts, newest first',
  },
  {
    id: 'createBroadcast',
    method: 'POST',
    path: '/v1/broadcasts',
    scope: 'broadcasts:write',
    service: 'broadcasts',
    summary: 'Create a draft broadcast to a list or a segment',
  },
  {
    id: 'getBroadcast',
    method: 'GET',
    path: '/v1/broadcasts/{id}',
    scope: 'broadcasts:read',
    service: 'broadcasts',
    summary: 'Retrieve one broadcast with its counts',
  },
  {
    id: 'updateBroadcast',
    method: 'PATCH',
    path: '/v1/broadcasts/{id}',
    scope: 'broadcasts:write',
    service: 'broadcasts',
    summary: 'Change the given fields of a draft broadcast',
  },
  {
    id: 'deleteBroadcast',
    method: 'DELETE',
    path: '/v1/broadcasts/{id}',
    scope: 'broadcasts:write',
    service: 'broadcasts',
    summary: 'Delete a draft broadcast',
  },
  {
    id: 'sendBroadcast',
    method: 'POST',
    path: '/v1/broadcasts/{id}/send',
    scope: 'broadcasts:write',
    service: 'broadcasts',
    summary: 'Send a draft broadcast now, or schedule it',
  },
  {
    id: 'cancelBroadcast',
    method: 'POST',
    path: '/v1/broadcasts/{id}/cancel',
    scope: 'broadcasts:write',
    service: 'broadcasts',
    summary: 'Cancel a scheduled or sending broadcast: no further email is sent',
  },
  {
    id: 'listBroadcastRecipients',
    method: 'GET',
    path: '/v1/broadcasts/{id}/recipients',
    scope: 'broadcasts:read',
    service: 'broadcasts',
    summary: "List a broadcast's recipients and what became of each",
  },
  {
    id: 'getApiKeyUsage',
    method: 'GET',
    path: '/v1/api-keys/{id}/usage',
    permission: 'full_access',
    service: 'account',
    summary: "A key's daily allowed and denied requests, by route and error, and its last use",
  },
  {
    id: 'listAuditLog',
    method: 'GET',
    path: '/v1/audit-log',
    permission: 'full_access',
    service: 'account',
    summary: "List the project's mutating calls (who, what, from where, answered how), newest first",
  },
  {
    id: 'getBillingUsage',
    method: 'GET',
    path: '/v1/billing/usage',
    scope: 'billing:read',
    service: 'account',
    summary: "Messages the key's team sent in a calendar month (UTC), per project and channel",
  },
  {
    id: 'getBillingLimits',
    method: 'GET',
    path: '/v1/billing/limits',
    scope: 'billing:read',
    service: 'account',
    summary: "The team's monthly sending caps per channel",
  },
  {
    id: 'putBillingLimits',
    method: 'PUT',
    path: '/v1/billing/limits',
    scope: 'billing:write',
    service: 'account',
    summary: "Replace the team's monthly sending caps per channel",
  },
  {
    id: 'listApiKeys',
    method: 'GET',
    path: '/v1/api-keys',
    permission: 'full_access',
    service: 'account',
    summary: "List the project's API keys, newest first",
  },
  {
    id: 'createApiKey',
    method: 'POST',
    path: '/v1/api-keys',
    permission: 'full_access',
    service: 'account',
    summary: 'Create an API key no more powerful than the calling key; answers its secret once',
  },
  {
    id: 'getApiKey',
    method: 'GET',
    path: '/v1/api-keys/{id}',
    permission: 'full_access',
    service: 'account',
    summary: 'Retrieve one API key',
  },
  {
    id: 'updateApiKey',
    method: 'PATCH',
    path: '/v1/api-keys/{id}',
    permission: 'full_access',
    service: 'account',
    summary: "Change an API key's name, access or restrictions (never beyond the calling key's)",
  },
  {
    id: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/api-keys/{id}',
    permission: 'full_access',
    service: 'account',
    summary: 'Revoke an API key: it stops working on the next request',
  },
  {
    id: 'rotateApiKey',
    method: 'POST',
    path: '/v1/api-keys/{id}/rotate',
    permission: 'full_access',
    service: 'account',
    summary: "Replace a key's secret; the old one works until the grace period ends",
  },
] as const satisfies readonly Omit<Route, 'surface' | 'standsFor'>[];

type V1Row = (typeof V1_ROUTES)[number];
export type V1RouteId = V1Row['id'];

/**
 * A row of another surface: it names the `/v1` route it stands for and is served by that route's
 * service (the compiler refuses a `standsFor` that is missing, unknown or of another service); its
 * requirement is never written here but taken from that row.
 */
export type SurfaceRowSpec = {
  readonly [Id in V1RouteId]: {
    readonly id: string;
    readonly method: HttpMethod;
    readonly path: string;
    readonly surface: Exclude<Surface, 'v1'>;
    readonly standsFor: Id;
    readonly service: Extract<V1Row, { id: Id }>['service'];
    readonly summary: string;
  };
}[V1RouteId];

/** Resend's and SendGrid's routes (docs/architecture.md, "API surfaces"). */
const SURFACE_ROUTES = [
  {
    id: 'resendSendEmail',
    method: 'POST',
    path: '/resend/emails',
    surface: 'resend',
    standsFor: 'sendEmail',
    service: 'sending',
    summary: "Resend's emails.send: send an email",
  },
  {
    id: 'resendSendEmailBatch',
    method: 'POST',
    path: '/resend/emails/batch',
    surface: 'resend',
    standsFor: 'sendEmailBatch',
    service: 'sending',
    summary: "Resend's batch.send: send up to 100 emails, strict or permissive",
  },
  {
    id: 'resendListEmails',
    method: 'GET',
    path: '/resend/emails',
    surface: 'resend',
    standsFor: 'listEmails',
    service: 'sending',
    summary: "Resend's emails.list: list sent emails, newest first",
  },
  {
    id: 'resendGetEmail',
    method: 'GET',
    path: '/resend/emails/{id}',
    surface: 'resend',
    standsFor: 'getEmail',
    service: 'sending',
    summary: "Resend's emails.get: retrieve one sent email",
  },
  {
    id: 'resendUpdateEmail',
    method: 'PATCH',
    path: '/resend/emails/{id}',
    surface: 'resend',
    standsFor: 'rescheduleEmail',
    service: 'sending',
    summary: "Resend's emails.update: move a scheduled email to another time",
  },
  {
    id: 'resendCancelEmail',
    method: 'POST',
    path: '/resend/emails/{id}/cancel',
    surface: 'resend',
    standsFor: 'cancelEmail',
    service: 'sending',
    summary: "Resend's emails.cancel: cancel a scheduled email",
  },
  {
    id: 'resendCreateWebhook',
    method: 'POST',
    path: '/resend/webhooks',
    surface: 'resend',
    standsFor: 'createWebhook',
    service: 'webhooks',
    summary: "Resend's webhooks.create: create a webhook; answers its signing secret once",
  },
  {
    id: 'resendGetWebhook',
    method: 'GET',
    path: '/resend/webhooks/{id}',
    surface: 'resend',
    standsFor: 'getWebhook',
    service: 'webhooks',
    summary: "Resend's webhooks.get: retrieve one webhook",
  },
  {
    id: 'resendListWebhooks',
    method: 'GET',
    path: '/resend/webhooks',
    surface: 'resend',
    standsFor: 'listWebhooks',
    service: 'webhooks',
    summary: "Resend's webhooks.list: list webhooks, newest first",
  },
  {
    id: 'resendUpdateWebhook',
    method: 'PATCH',
    path: '/resend/webhooks/{id}',
    surface: 'resend',
    standsFor: 'updateWebhook',
    service: 'webhooks',
    summary: "Resend's webhooks.update: change a webhook's endpoint, events or status",
  },
  {
    id: 'resendDeleteWebhook',
    method: 'DELETE',
    path: '/resend/webhooks/{id}',
    surface: 'resend',
    standsFor: 'deleteWebhook',
    service: 'webhooks',
    summary: "Resend's webhooks.remove: delete a webhook",
  },
  {
    id: 'resendRotateWebhookSecret',
    method: 'POST',
    path: '/resend/webhooks/{id}/signing-secret/rotate',
    surface: 'resend',
    standsFor: 'rotateWebhookSecret',
    service: 'webhooks',
    summary: "Resend's webhooks.rotateSigningSecret: replace a webhook's signing secret",
  },
  {
    id: 'resendCreateContact',
    method: 'POST',
    path: '/resend/contacts',
    surface: 'resend',
    standsFor: 'createContact',
    service: 'audience',
    summary: "Resend's contacts.create: create a contact, optionally in segments",
  },
  {
    id: 'resendListContacts',
    method: 'GET',
    path: '/resend/contacts',
    surface: 'resend',
    standsFor: 'listContacts',
    service: 'audience',
    summary: "Resend's contacts.list: list contacts, newest first",
  },
  {
    id: 'resendGetContact',
    method: 'GET',
    path: '/resend/contacts/{id}',
    surface: 'resend',
    standsFor: 'getContact',
    service: 'audience',
    summary: "Resend's contacts.get: retrieve a contact by id or email",
  },
  {
    id: 'resendUpdateContact',
    method: 'PATCH',
    path: '/resend/contacts/{id}',
    surface: 'resend',
    standsFor: 'updateContact',
    service: 'audience',
    summary: "Resend's contacts.update: change a contact, by id or email",
  },
  {
    id: 'resendDeleteContact',
    method: 'DELETE',
    path: '/resend/contacts/{id}',
    surface: 'resend',
    standsFor: 'deleteContact',
    service: 'audience',
    summary: "Resend's contacts.remove: delete a contact, by id or email",
  },
  {
    id: 'resendListContactSegments',
    method: 'GET',
    path: '/resend/contacts/{id}/segments',
    surface: 'resend',
    standsFor: 'getContact',
    service: 'audience',
    summary: "Resend's contacts.segments.list: the segments (lists) a contact is in",
  },
  {
    id: 'resendAddContactSegment',
    method: 'POST',
    path: '/resend/contacts/{id}/segments/{segment_id}',
    surface: 'resend',
    standsFor: 'addListContact',
    service: 'audience',
    summary: "Resend's contacts.segments.add: put a contact in a segment (list)",
  },
  {
    id: 'resendRemoveContactSegment',
    method: 'DELETE',
    path: '/resend/contacts/{id}/segments/{segment_id}',
    surface: 'resend',
    standsFor: 'removeListContact',
    service: 'audience',
    summary: "Resend's contacts.segments.remove: take a contact out of a segment (list)",
  },
  {
    id: 'resendCreateAudienceContact',
    method: 'POST',
    path: '/resend/audiences/{id}/contacts',
    surface: 'resend',
    standsFor: 'createContact',
    service: 'audience',
    summary: "Resend's contacts.create with audienceId: create a contact in an audience (list)",
  },
  {
    id: 'resendGetAudienceContact',
    method: 'GET',
    path: '/resend/audiences/{id}/contacts/{contact_id}',
    surface: 'resend',
    standsFor: 'getContact',
    service: 'audience',
    summary: "Resend's contacts.get with audienceId: retrieve a contact of an audience (list)",
  },
  {
    id: 'resendUpdateAudienceContact',
    method: 'PATCH',
    path: '/resend/audiences/{id}/contacts/{contact_id}',
    surface: 'resend',
    standsFor: 'updateContact',
    service: 'audience',
    summary: "Resend's contacts.update with audienceId: change a contact of an audience (list)",
  },
  {
    id: 'resendDeleteAudienceContact',
    method: 'DELETE',
    path: '/resend/audiences/{id}/contacts/{contact_id}',
    surface: 'resend',
    standsFor: 'deleteContact',
    service: 'audience',
    summary: "Resend's contacts.remove with audienceId: delete a contact of an audience (list)",
  },
  {
    id: 'resendCreateSegment',
    method: 'POST',
    path: '/resend/segments',
    surface: 'resend',
    standsFor: 'createList',
    service: 'audience',
    summary: "Resend's segments.create (and audiences.create): create a segment, a scopegate list",
  },
  {
    id: 'resendListSegments',
    method: 'GET',
    path: '/resend/segments',
    surface: 'resend',
    standsFor: 'listLists',
    service: 'audience',
    summary: "Resend's segments.list: list segments (lists), newest first",
  },
  {
    id: 'resendGetSegment',
    method: 'GET',
    path: '/resend/segments/{id}',
    surface: 'resend',
    standsFor: 'getList',
    service: 'audience',
    summary: "Resend's segments.get: retrieve a segment (list)",
  },
  {
    id: 'resendUpdateSegment',
    method: 'PATCH',
    path: '/resend/segments/{id}',
    surface: 'resend',
    standsFor: 'updateList',
    service: 'audience',
    summary: "Resend's segments.update: rename a segment (list)",
  },
  {
    id: 'resendDeleteSegment',
    method: 'DELETE',
    path: '/resend/segments/{id}',
    surface: 'resend',
    standsFor: 'deleteList',
    service: 'audience',
    summary: "Resend's segments.remove: delete a segment (list); its contacts stay",
  },
  {
    id: 'resendListSegmentContacts',
    method: 'GET',
    path: '/resend/segments/{id}/contacts',
    surface: 'resend',
    standsFor: 'listListContacts',
    service: 'audience',
    summary: "Resend's contacts.list with segmentId: a segment's (list's) contacts",
  },
  {
    // A SendGrid request is one email per personalization, all checked before any is sent: a batch.
    id: 'sendgridSendMail',
    method: 'POST',
    path: '/sendgrid/v3/mail/send',
    surface: 'sendgrid',
    standsFor: 'sendEmailBatch',
    service: 'sending',
    summary: "SendGrid's mail send: one email per personalization, all checked before any is sent",
  },
  {
    id: 'resendCreateSuppression',
    method: 'POST',
    path: '/resend/suppressions',
    surface: 'resend',
    standsFor: 'createSuppression',
    service: 'suppressions',
    summary: "Resend's suppressions.add: suppress an address",
  },
  {
    id: 'resendListSuppressions',
    method: 'GET',
    path: '/resend/suppressions',
    surface: 'resend',
    standsFor: 'listSuppressions',
    service: 'suppressions',
    summary: "Resend's suppressions.list: a page of suppressed addresses",
  },
  {
    id: 'resendGetSuppression',
    method: 'GET',
    path: '/resend/suppressions/{id}',
    surface: 'resend',
    standsFor: 'listSuppressions',
    service: 'suppressions',
    summary: "Resend's suppressions.get: one suppression, by id or address",
  },
  {
    id: 'resendDeleteSuppression',
    method: 'DELETE',
    path: '/resend/suppressions/{id}',
    surface: 'resend',
    standsFor: 'deleteSuppression',
    service: 'suppressions',
    summary: "Resend's suppressions.remove: unsuppress an address, by id or address",
  },
  {
    id: 'resendBatchAddSuppressions',
    method: 'POST',
    path: '/resend/suppressions/batch/add',
    surface: 'resend',
    standsFor: 'createSuppression',
    service: 'suppressions',
    summary: "Resend's suppressions.batch.add: suppress up to 100 addresses",
  },
  {
    id: 'resendBatchRemoveSuppressions',
    method: 'POST',
    path: '/resend/suppressions/batch/remove',
    surface: 'resend',
    standsFor: 'deleteSuppression',
    service: 'suppressions',
    summary: "Resend's suppressions.batch.remove: unsuppress up to 100 addresses or ids",
  },
  {
    id: 'resendCreateBroadcast',
    method: 'POST',
    path: '/resend/broadcasts',
    surface: 'resend',
    standsFor: 'createBroadcast',
    service: 'broadcasts',
    summary: "Resend's broadcasts.create: a draft to a segment, or sent at once with `send`",
  },
  {
    id: 'resendListBroadcasts',
    method: 'GET',
    path: '/resend/broadcasts',
    surface: 'resend',
    standsFor: 'listBroadcasts',
    service: 'broadcasts',
    summary: "Resend's broadcasts.list: a page of broadcasts, newest first",
  },
  {
    id: 'resendGetBroadcast',
    method: 'GET',
    path: '/resend/broadcasts/{id}',
    surface: 'resend',
    standsFor: 'getBroadcast',
    service: 'broadcasts',
    summary: "Resend's broadcasts.get: one broadcast",
  },
  {
    id: 'resendUpdateBroadcast',
    method: 'PATCH',
    path: '/resend/broadcasts/{id}',
    surface: 'resend',
    standsFor: 'updateBroadcast',
    service: 'broadcasts',
    summary: "Resend's broadcasts.update: change a draft",
  },
  {
    id: 'resendDeleteBroadcast',
    method: 'DELETE',
    path: '/resend/broadcasts/{id}',
    surface: 'resend',
    standsFor: 'deleteBroadcast',
    service: 'broadcasts',
    summary: "Resend's broadcasts.remove: delete a draft",
  },
  {
    id: 'resendSendBroadcast',
    method: 'POST',
    path: '/resend/broadcasts/{id}/send',
    surface: 'resend',
    standsFor: 'sendBroadcast',
    service: 'broadcasts',
    summary: "Resend's broadcasts.send: send a draft now or at `scheduled_at`",
  },
  {
    id: 'resendCancelBroadcast',
    method: 'POST',
    path: '/resend/broadcasts/{id}/cancel',
    surface: 'resend',
    standsFor: 'cancelBroadcast',
    service: 'broadcasts',
    summary: "Resend's broadcasts.cancel: stop a scheduled or sending broadcast",
  },
  {
    id: 'resendListBroadcastRecipients',
    method: 'GET',
    path: '/resend/broadcasts/{id}/recipients',
    surface: 'resend',
    standsFor: 'listBroadcastRecipients',
    service: 'broadcasts',
    summary: "Resend's broadcasts.recipients: the recipients with one kind of event",
  },
  {
    id: 'resendDuplicateBroadcast',
    method: 'POST',
    path: '/resend/broadcasts/{id}/duplicate',
    surface: 'resend',
    standsFor: 'createBroadcast',
    service: 'broadcasts',
    summary: "Resend's broadcasts.duplicate: a new draft with a broadcast's content",
  },
  {
    id: 'resendListDomains',
    method: 'GET',
    path: '/resend/domains',
    surface: 'resend',
    standsFor: 'listDomains',
    service: 'domains',
    summary: "Resend's domains.list: a page of domains",
  },
  {
    id: 'resendCreateDomain',
    method: 'POST',
    path: '/resend/domains',
    surface: 'resend',
    standsFor: 'createDomain',
    service: 'domains',
    summary: "Resend's domains.create: add a sending domain",
  },
  {
    id: 'resendGetDomain',
    method: 'GET',
    path: '/resend/domains/{id}',
    surface: 'resend',
    standsFor: 'getDomain',
    service: 'domains',
    summary: "Resend's domains.get: a domain and its DNS records",
  },
  {
    id: 'resendUpdateDomain',
    method: 'PATCH',
    path: '/resend/domains/{id}',
    surface: 'resend',
    standsFor: 'updateDomain',
    service: 'domains',
    summary: "Resend's domains.update: open and click tracking",
  },
  {
    id: 'resendDeleteDomain',
    method: 'DELETE',
    path: '/resend/domains/{id}',
    surface: 'resend',
    standsFor: 'deleteDomain',
    service: 'domains',
    summary: "Resend's domains.remove: delete a domain",
  },
  {
    id: 'resendVerifyDomain',
    method: 'POST',
    path: '/resend/domains/{id}/verify',
    surface: 'resend',
    standsFor: 'verifyDomain',
    service: 'domains',
    summary: "Resend's domains.verify: check the domain's DNS records with SES",
  },
  {
    id: 'resendListTemplates',
    method: 'GET',
    path: '/resend/templates',
    surface: 'resend',
    standsFor: 'listTemplates',
    service: 'templates',
    summary: "Resend's templates.list: a page of templates",
  },
  {
    id: 'resendCreateTemplate',
    method: 'POST',
    path: '/resend/templates',
    surface: 'resend',
    standsFor: 'createTemplate',
    service: 'templates',
    summary: "Resend's templates.create: create a template",
  },
  {
    id: 'resendGetTemplate',
    method: 'GET',
    path: '/resend/templates/{id}',
    surface: 'resend',
    standsFor: 'getTemplate',
    service: 'templates',
    summary: "Resend's templates.get: a template by id or alias",
  },
  {
    id: 'resendUpdateTemplate',
    method: 'PATCH',
    path: '/resend/templates/{id}',
    surface: 'resend',
    standsFor: 'updateTemplate',
    service: 'templates',
    summary: "Resend's templates.update: change a template",
  },
  {
    id: 'resendDeleteTemplate',
    method: 'DELETE',
    path: '/resend/templates/{id}',
    surface: 'resend',
    standsFor: 'deleteTemplate',
    service: 'templates',
    summary: "Resend's templates.remove: delete a template",
  },
  {
    id: 'resendPublishTemplate',
    method: 'POST',
    path: '/resend/templates/{id}/publish',
    surface: 'resend',
    standsFor: 'updateTemplate',
    service: 'templates',
    summary: "Resend's templates.publish: a saved template is already live",
  },
  {
    id: 'resendDuplicateTemplate',
    method: 'POST',
    path: '/resend/templates/{id}/duplicate',
    surface: 'resend',
    standsFor: 'createTemplate',
    service: 'templates',
    summary: "Resend's templates.duplicate: copy a template",
  },
  {
    id: 'resendListApiKeys',
    method: 'GET',
    path: '/resend/api-keys',
    surface: 'resend',
    standsFor: 'listApiKeys',
    service: 'account',
    summary: "Resend's apiKeys.list: a page of the project's keys",
  },
  {
    id: 'resendCreateApiKey',
    method: 'POST',
    path: '/resend/api-keys',
    surface: 'resend',
    standsFor: 'createApiKey',
    service: 'account',
    summary: "Resend's apiKeys.create: a full_access or sending_access key",
  },
  {
    id: 'resendUpdateApiKey',
    method: 'PATCH',
    path: '/resend/api-keys/{id}',
    surface: 'resend',
    standsFor: 'updateApiKey',
    service: 'account',
    summary: "Resend's apiKeys.update: rename a key",
  },
  {
    id: 'resendRevokeApiKey',
    method: 'DELETE',
    path: '/resend/api-keys/{id}',
    surface: 'resend',
    standsFor: 'revokeApiKey',
    service: 'account',
    summary: "Resend's apiKeys.remove: revoke a key",
  },
] as const satisfies readonly SurfaceRowSpec[];

type TableRow =
  | (V1Row & { readonly surface: 'v1'; readonly standsFor?: undefined })
  | ((typeof SURFACE_ROUTES)[number] & RouteRequirement);

const v1ById = new Map<string, V1Row>(V1_ROUTES.map((route) => [route.id, route]));

/** The requirement of the `/v1` route a surface row stands for: copied by code, never by hand. */
function requirementOf(standsFor: V1RouteId): RouteRequirement {
  const route = v1ById.get(standsFor);
  if (!route) throw new Error(`no /v1 route ${standsFor}`);
  return 'scope' in route ? { scope: route.scope } : { permission: route.permission };
}

/** Every route of every surface: `/v1` first, then each surface row with its `/v1` route's requirement. */
export const ROUTES: readonly TableRow[] = [
  ...V1_ROUTES.map((route) => ({ ...route, surface: 'v1' as const })),
  ...SURFACE_ROUTES.map((route) => ({ ...route, ...requirementOf(route.standsFor) })),
];

export type RouteId = TableRow['id'];
/** The ids of one service's routes: a service's contracts and handlers are keyed by exactly these. */
export type RouteIdOf<S extends Service> = Extract<TableRow, { service: S }>['id'];

/** The `/v1` route a row stands for: itself on `/v1`. */
export function v1RouteOf(route: Pick<Route, 'id' | 'standsFor'>): Route {
  const found = ROUTES.find((row) => row.surface === 'v1' && row.id === (route.standsFor ?? route.id));
  if (!found) throw new Error(`no /v1 route for ${route.id}`);
  return found;
}

/** How docs/api.md and the OpenAPI document name a route's requirement. */
export function requirementLabel(route: RouteRequirement): string {
  return route.scope ?? `permission ${route.permission}`;
}

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

const routesByKey = new Map<string, Route>(
  ROUTES.map((route) => [routeKey(route.method, route.path), route]),
);

/** Finds a route by API Gateway's `httpMethod` and `resource` (the template path, not the URL). */
export function findRoute(method: string, resourcePath: string): Route | undefined {
  return routesByKey.get(routeKey(method, resourcePath));
}

export interface RouteMatch {
  readonly route: Route;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** Matches a concrete URL path against the table, as API Gateway does; used by the local gateway. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  urlPath: string,
): RouteMatch | undefined {
  const segments = splitPath(urlPath);
  if (segments === undefined) return undefined;
  for (const route of routes) {
    if (route.method !== method.toUpperCase()) continue;
    const pathParameters = matchSegments(splitPath(route.path) ?? [], segments);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}

function splitPath(path: string): string[] | undefined {
  const trimmed = path.replace(/\/+$/, '');
  if (!trimmed.startsWith('/')) return undefined;
  return trimmed.split('/').slice(1);
}

function matchSegments(
  template: readonly string[],
  actual: readonly string[],
): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const value = actual[index] ?? '';
    const param = /^\{(\w+)\}$/.exec(part);
    if (param?.[1]) {
      if (value === '') return undefined;
      params[param[1]] = safeDecode(value);
    } else if (part !== value) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
