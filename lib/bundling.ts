/**
 * How every Lambda is bundled, in one place: the CDK constructs pass these to NodejsFunction and the
 * benchmark passes the same to esbuild, so the sizes and import times it reports are the deployed ones.
 * The choices and their measurements are in docs/decisions/0030-aws-sdk-v3-tuned-for-cold-start.md.
 */
export const LAMBDA_BUNDLING = {
  /** CommonJS: an ESM bundle of the AWS SDK fails with "Dynamic require of node:https is not supported". */
  format: 'cjs',
  platform: 'node',
  /** Matches the newest Lambda runtime the stack uses (Node.js 24). */
  target: 'node24',
  /**
   * The SDK's ES module builds first: esbuild can tree-shake them (the CommonJS builds are one file
   * per package, bundled whole), which roughly halves a bundle that carries the SDK.
   */
  mainFields: ['module', 'main'],
  minify: true,
  /**
   * No source maps: with --enable-source-maps Node parses the map of a whole bundle at load, on
   * every cold start, for a readable stack trace only when something throws (measured in
   * docs/decisions/0030-aws-sdk-v3-tuned-for-cold-start.md). Minification keeps identifiers readable enough for the logged errors.
   */
  sourcemap: false,
  sourcesContent: false,
  /** The SDK is bundled (pinned, tree-shaken) rather than taken from the runtime. */
  bundleAwsSdk: true,
  /**
   * The credential providers the SDK's default chain loads only when the environment holds no
   * credentials. Lambda always puts the role's credentials in the environment, which the chain reads
   * first (@aws-sdk/credential-provider-env, bundled); these are left out of the bundle, and the
   * Node.js runtime's own copy of the SDK would answer the import if one were ever made.
   */
  external: [
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/credential-provider-http',
    '@aws-sdk/credential-provider-login',
    '@aws-sdk/token-providers',
    '@aws-sdk/nested-clients',
    '@smithy/credential-provider-imds',
  ],
} as const;

/** Entry points, one per Lambda (docs/architecture.md). */
export const LAMBDA_ENTRIES = {
  authorizer: 'lambdas/authorizer/handler.ts',
  sending: 'lambdas/sending/handler.ts',
  account: 'lambdas/account/handler.ts',
  domains: 'lambdas/domains/handler.ts',
  templates: 'lambdas/templates/handler.ts',
  webhooks: 'lambdas/webhooks/handler.ts',
  audience: 'lambdas/audience/handler.ts',
  suppressions: 'lambdas/suppressions/handler.ts',
  /** The public one-click unsubscribe pages, GET and POST /u/{token} (lib/unsubscribe-pages.ts). */
  unsubscribe: 'lambdas/unsubscribe/handler.ts',
  broadcasts: 'lambdas/broadcasts/handler.ts',
  /** The broadcast queue's consumer and the scheduled-broadcast sweep (lib/broadcast-sending.ts). */
  broadcastSender: 'lambdas/broadcast-sender/handler.ts',
  deliveries: 'lambdas/deliveries/handler.ts',
  fanOut: 'lambdas/fan-out/handler.ts',
  events: 'lambdas/provider-events/handler.ts',
  /** Only in stacks deployed with `authorizerCacheFlush` (lib/authorizer-cache-flush.ts). */
  cacheFlush: 'lambdas/cache-flush/handler.ts',
  /** The dashboard's and the OpenAPI document's static files (lib/dashboard-site.ts). */
  dashboard: 'lambdas/dashboard/handler.ts',
  usage: 'lambdas/usage/handler.ts',
  expiringKeys: 'lambdas/expiring-keys/handler.ts',
  domainLapse: 'lambdas/domain-lapse/handler.ts',
  /** Sends due scheduled emails, every minute (lib/scheduled-emails.ts). */
  scheduledEmails: 'lambdas/scheduler/handler.ts',
  /** Run once on deploy: removes stored answers of older versions that hold a secret. */
  secretRecordsCleanup: 'lambdas/cleanup/handler.ts',
} as const;
export type LambdaName = keyof typeof LAMBDA_ENTRIES;
