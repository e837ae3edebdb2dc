/**
 * The access-log record: one JSON object per request, written by API Gateway (deployed) and by the
 * local gateway (local/access-log.ts) with exactly these field names, and read by the usage pipeline
 * (lambdas/usage/access-log.ts). One table, so the format, the local record and the parser cannot
 * drift apart. Never the Authorization header: it holds the secret key. Never the raw path either
 * (`$context.path`): a whole key pasted where an id belongs would be kept for the log's retention;
 * `resourcePath` (`/v1/api-keys/{id}`) is what usage counts per route.
 *
 * API Gateway writes every value as text and `-` for a variable that has no value (for example
 * `principalId` on a 401, where the authorizer threw and no key could be attributed).
 */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  requestTimeEpoch: '$context.requestTimeEpoch',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  /** The gateway response type when API Gateway answered itself (UNAUTHORIZED, ACCESS_DENIED, THROTTLED…). */
  errorType: '$context.error.responseType',
  /** The key id, on an Allow and on a Deny alike (the authorizer names the key whose hash matched). */
  principalId: '$context.authorizer.principalId',
  /** Only on an Allow: a Deny's context carries no project. */
  projectId: '$context.authorizer.projectId',
  /** Only on a Deny: the authorizer's error code (key_revoked, ip_not_allowed…). */
  denyCode: '$context.authorizer.errorCode',
  authorizerError: '$context.authorizer.error',
  authorizerStatus: '$context.authorizer.status',
  authorizerLatency: '$context.authorizer.latency',
  integrationStatus: '$context.integrationStatus',
} as const;

export type AccessLogField = keyof typeof ACCESS_LOG_FORMAT;

/** A record as written: every field text, `-` when API Gateway had no value. */
export type AccessLogRecord = Readonly<Record<AccessLogField, string>>;

/** What API Gateway writes for a variable without a value. */
export const NO_VALUE = '-';
