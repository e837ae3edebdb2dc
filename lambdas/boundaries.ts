/**
 * The folders of lambdas/, what each holds and which other folders it may import: the one table of
 * the house's boundaries. eslint.config.js turns each row into an import rule for its folder, so
 * `npm run lint` fails on any other cross-folder import; test/unit/lambdas/boundaries.test.ts checks
 * that the imports use every allowance and form no cycle; docs/architecture.md draws its folder
 * diagram from it. Rows run from the bottom up: a folder imports only folders above it in this list.
 *
 * `lambda` folders each hold one Lambda's entry point (`handler.ts`, named in lib/bundling.ts);
 * `library` folders hold code that Lambdas share.
 */
export interface FolderBoundary {
  readonly kind: 'library' | 'lambda';
  /** What a reader finds there, in one line. */
  readonly holds: string;
  /** The other folders of lambdas/ its files may import. */
  readonly imports: readonly string[];
}

export const BOUNDARIES = {
  aws: {
    kind: 'library',
    holds:
      'AWS SDK clients built once with their call bounds, the Lambda environment, DynamoDB helpers (table keys, query pages, conflicts, condition failures, AttributeValues), upstream failures',
    imports: [],
  },
  api: {
    kind: 'library',
    holds:
      "The API's rules: the route table, scopes, who may call a route, error codes and bodies, gateway responses, the access-log format, contract types, schema metadata",
    imports: ['aws'],
  },
  keys: {
    kind: 'library',
    holds:
      'The key model the authorizer decides with: key format and checksum, the ApiKeys item, IP allow-lists, verification, the authorizer context, keys kept out of logs',
    imports: ['api', 'aws'],
  },
  shared: {
    kind: 'library',
    holds:
      'What several services share: resource ids, the outbox (project events) and its event types, monthly quotas, mailboxes, which sending domain covers an address',
    imports: ['api', 'keys', 'aws'],
  },
  http: {
    kind: 'library',
    holds:
      'The frame every API service runs in: validation, idempotency, paging and cursors, rate limits, the audit log',
    imports: ['api', 'keys', 'shared', 'aws'],
  },
  'message-status': {
    kind: 'library',
    holds:
      "A sent message's status and what moves it: SES and SMS/WhatsApp events read into facts, the order statuses move in, the recording steps",
    imports: ['shared', 'aws'],
  },
  authorizer: {
    kind: 'lambda',
    holds: 'The REQUEST authorizer: one GetItem, the key verified, the IAM policy and context',
    imports: ['api', 'keys', 'aws'],
  },
  templates: {
    kind: 'lambda',
    holds: 'The templates service: Mustache templates, their rules, store and rendering',
    imports: ['api', 'http', 'shared', 'aws'],
  },
  domains: {
    kind: 'lambda',
    holds: 'The domains service: claims, SES identities, DNS records, tracking settings',
    imports: ['api', 'http', 'shared', 'aws'],
  },
  suppressions: {
    kind: 'lambda',
    holds:
      "The suppressions service: a project's suppressed addresses, added by hand, by permanent bounces and complaints, dropped from sends",
    imports: ['api', 'http', 'shared', 'message-status', 'aws'],
  },
  messaging: {
    kind: 'library',
    holds:
      'SMS and WhatsApp through AWS End User Messaging: phone numbers, segments, the two senders, message records and their event history',
    imports: ['api', 'keys', 'shared', 'message-status', 'aws'],
  },
  sending: {
    kind: 'lambda',
    holds:
      'The sending service: emails, batches, scheduled emails and their store, the SMS and WhatsApp routes, email event history',
    imports: [
      'api',
      'keys',
      'http',
      'shared',
      'message-status',
      'messaging',
      'templates',
      'domains',
      'suppressions',
      'aws',
    ],
  },
  scheduler: {
    kind: 'lambda',
    holds: 'The scheduled-email sweep: due emails claimed and sent once, re-checked at send time',
    imports: ['api', 'keys', 'shared', 'sending', 'domains', 'aws'],
  },
  audience: {
    kind: 'lambda',
    holds: 'The audience service: contacts, lists, segments and their filter language',
    imports: ['api', 'http', 'shared', 'aws'],
  },
  unsubscribe: {
    kind: 'lambda',
    holds:
      'One-click unsubscribe: signed tokens and their URL, and the public /u/{token} pages that unsubscribe and suppress a contact',
    imports: ['keys', 'http', 'shared', 'audience', 'suppressions', 'aws'],
  },
  broadcasts: {
    kind: 'lambda',
    holds:
      'The broadcasts service: drafts, sending and scheduling, audiences resolved into recipients claimed once each, counts',
    imports: [
      'api',
      'keys',
      'http',
      'shared',
      'templates',
      'domains',
      'sending',
      'audience',
      'suppressions',
      'unsubscribe',
      'aws',
    ],
  },
  'broadcast-sender': {
    kind: 'lambda',
    holds:
      "The broadcast queue's consumer, paced to the SES account's rate, and the scheduled-broadcast sweep",
    imports: ['http', 'domains', 'broadcasts', 'aws'],
  },
  webhooks: {
    kind: 'lambda',
    holds:
      'The webhooks service and the webhook model: URL rules, the address guard, signing, who may subscribe to what',
    imports: ['api', 'keys', 'http', 'shared', 'aws'],
  },
  usage: {
    kind: 'lambda',
    holds: 'The usage job: per-key usage counted from the access log',
    imports: ['api', 'keys', 'aws'],
  },
  account: {
    kind: 'lambda',
    holds: 'The account service: projects, teams, keys over the API, billing, usage and the audit log',
    imports: ['api', 'keys', 'http', 'shared', 'usage', 'aws'],
  },
  'provider-events': {
    kind: 'lambda',
    holds:
      'The events job: SES, SMS and WhatsApp events from the events queue into statuses and project events',
    imports: ['keys', 'message-status', 'messaging', 'sending', 'suppressions', 'aws'],
  },
  deliveries: {
    kind: 'lambda',
    holds: 'The webhook delivery job: one signed attempt per job, retries and disabling',
    imports: ['api', 'shared', 'webhooks', 'aws'],
  },
  'fan-out': {
    kind: 'lambda',
    holds: "The fan-out job: outbox items from the Data table's stream into one delivery job per webhook",
    imports: ['shared', 'webhooks', 'deliveries', 'aws'],
  },
  'expiring-keys': {
    kind: 'lambda',
    holds: 'The hourly job that records `api_key.expiring` for keys about to expire',
    imports: ['keys', 'shared', 'aws'],
  },
  'domain-lapse': {
    kind: 'lambda',
    holds: 'The job that lapses domain claims left unverified for 72 hours',
    imports: ['domains', 'aws'],
  },
  cleanup: {
    kind: 'lambda',
    holds:
      'The one-off clean-up run on deploy: stored answers older versions kept with a secret, and legacy domain claims moved to their families',
    imports: ['keys', 'http', 'domains', 'aws'],
  },
  'cache-flush': {
    kind: 'lambda',
    holds: "The authorizer cache's flush on every ApiKeys change",
    imports: ['aws'],
  },
  dashboard: {
    kind: 'lambda',
    holds: "The dashboard's static files and the OpenAPI document",
    imports: [],
  },
} as const satisfies Readonly<Record<string, FolderBoundary>>;

export type FolderName = keyof typeof BOUNDARIES;
