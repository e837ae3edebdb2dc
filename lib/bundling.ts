/**
 * How every Lambda is bundled, in one place: the CDK constructs pass these to NodejsFunction and the
 * benchmark passes the same to esbuild, so the sizes and import times it reports are the deployed ones.
 */
export const LAMBDA_BUNDLING = {
  /** CommonJS: an ESM bundle of the AWS SDK fails with "Dynamic require of node:https is not supported". */
  format: 'cjs',
  platform: 'node',
  /** Matches the newest Lambda runtime the stack uses (Node.js 24). */
  target: 'node24',
  minify: true,
  sourcemap: true,
  /** Maps name the sources without embedding them: a much smaller deployment package. */
  sourcesContent: false,
  /** The SDK is bundled (pinned, tree-shaken) rather than taken from the runtime. */
  bundleAwsSdk: true,
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
  deliveries: 'lambdas/deliveries/handler.ts',
  fanOut: 'lambdas/deliveries/fan-out-handler.ts',
  events: 'lambdas/events/handler.ts',
  /** Only in stacks deployed with `authorizerCacheFlush` (lib/authorizer-cache-flush.ts). */
  cacheFlush: 'lambdas/cache-flush/handler.ts',
  /** The dashboard's and the OpenAPI document's static files (lib/dashboard-site.ts). */
  dashboard: 'lambdas/dashboard/handler.ts',
  usage: 'lambdas/usage/handler.ts',
  expiringKeys: 'lambdas/account/expiring-keys-handler.ts',
  domainLapse: 'lambdas/domains/domain-lapse-handler.ts',
  /** Run once on deploy: removes stored answers of older versions that hold a secret. */
  secretRecordsCleanup: 'lambdas/cleanup/handler.ts',
} as const;
export type LambdaName = keyof typeof LAMBDA_ENTRIES;
