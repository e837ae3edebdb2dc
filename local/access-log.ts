/**
 * The local stack's access log: a line per request for people (method, path, status, duration, the
 * key's public prefix, source IP, request id — never a key or a body), and the same JSON record API
 * Gateway writes deployed (lambdas/api/access-log-format.ts), which feeds the usage pipeline.
 */
import { type AccessLogRecord, NO_VALUE } from '../lambdas/api/access-log-format.js';
import type { AccessLogEntry } from './gateway.js';

export function accessLogLine(entry: AccessLogEntry): string {
  return [
    entry.method.padEnd(6),
    entry.path,
    entry.status,
    `${entry.durationMs}ms`,
    entry.keyPrefix ?? '-',
    entry.sourceIp,
    entry.requestId,
  ].join(' ');
}

/** What API Gateway writes for this request: every value text, `-` where it has none. */
export function accessLogRecord(entry: AccessLogEntry): AccessLogRecord {
  const text = (value: string | number | undefined) =>
    value === undefined || value === '' ? NO_VALUE : String(value);
  const { trace } = entry;
  const reachedIntegration = trace.projectId !== undefined && trace.errorType === undefined;
  return {
    requestId: entry.requestId,
    requestTime: commonLogTime(new Date(entry.startedAt)),
    requestTimeEpoch: String(entry.startedAt),
    ip: text(entry.sourceIp),
    userAgent: text(entry.userAgent),
    method: entry.method,
    resourcePath: text(trace.resourcePath),
    status: String(entry.status),
    responseLength: String(entry.responseLength),
    responseLatency: String(entry.durationMs),
    errorType: text(trace.errorType),
    principalId: text(trace.principalId),
    projectId: text(trace.projectId),
    denyCode: text(trace.denyCode),
    authorizerError: NO_VALUE,
    authorizerStatus: trace.principalId === undefined ? NO_VALUE : '200',
    authorizerLatency: NO_VALUE,
    integrationStatus: reachedIntegration ? '200' : NO_VALUE,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$context.requestTime`'s format: `24/Nov/2026:19:32:55 +0000`. */
function commonLogTime(at: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`;
}
