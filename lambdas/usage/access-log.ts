/**
 * Reads one access-log record (lambdas/api/access-log-format.ts) into what usage counts: which key,
 * which route, allowed or denied, which error, when. Pure and total: a line that is not a record, or
 * a record that names no key, answers undefined and is counted nowhere.
 *
 * Attribution: `principalId` is the key id on an Allow and on every Deny (revoked, expired, IP,
 * scope), all of which come after the key's hash matched, so only the holder of the secret can add to
 * a key's counts. A 401 (no key, malformed, unknown key, wrong secret) has no principal: API Gateway
 * gives a thrown `Unauthorized` no context, and counting a 401 under the key id it names would let
 * anyone who knows a key's public prefix inflate that key's denials.
 */
import { type AccessLogField, NO_VALUE } from '../api/access-log-format.js';
import { isKeyId } from '../keys/api-key.js';
import { GATEWAY_RESPONSES } from '../api/gateway-responses.js';

export type UsageOutcome = 'allowed' | 'denied';

export interface UsageRecord {
  /** Unique per request: API Gateway's request id. */
  readonly requestId: string;
  readonly keyId: string;
  /** Present on an Allow; a Deny's context names no project (the consumer looks it up). */
  readonly projectId: string | undefined;
  /** `METHOD /resource/{path}`: the route-table row, never the concrete URL (which holds ids). */
  readonly route: string;
  readonly status: number;
  /** Denied: API Gateway answered before the service ran (the authorizer's Deny, a throttle). */
  readonly outcome: UsageOutcome;
  /** An error code for every answer of 400 or more; undefined for a success. */
  readonly errorCode: string | undefined;
  readonly at: Date;
}

/**
 * Gateway response types that mean the integration ran (the service was called and failed): those
 * requests were allowed. Every other type is API Gateway refusing the request itself.
 */
const INTEGRATION_RESPONSE_TYPES = new Set(['INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT']);

const FIXED_CODES = new Map<string, string>(
  GATEWAY_RESPONSES.flatMap((spec) =>
    spec.body === 'authorizer-context' || spec.status === undefined ? [] : [[spec.type, spec.body]],
  ),
);

const ROUTE_PATH = /^\/[\x21-\x7e]*$/;
const METHOD = /^[A-Z]{3,7}$/;

/** `fallbackTime`: when the record has no usable `requestTimeEpoch` (the log event's timestamp). */
export function parseAccessLogRecord(message: string, fallbackTime: Date): UsageRecord | undefined {
  const record = parseObject(message);
  if (!record) return undefined;
  const keyId = field(record, 'principalId');
  const requestId = field(record, 'requestId');
  const method = field(record, 'method');
  const resourcePath = field(record, 'resourcePath');
  const statusText = field(record, 'status');
  if (keyId === undefined || !isKeyId(keyId) || requestId === undefined) return undefined;
  if (method === undefined || !METHOD.test(method)) return undefined;
  if (resourcePath === undefined || !ROUTE_PATH.test(resourcePath)) return undefined;
  if (statusText === undefined || !/^[1-5]\d\d$/.test(statusText)) return undefined;
  const status = Number(statusText);
  const errorType = field(record, 'errorType');
  const denied = errorType !== undefined && !INTEGRATION_RESPONSE_TYPES.has(errorType);
  return {
    requestId,
    keyId,
    projectId: field(record, 'projectId'),
    route: `${method} ${resourcePath}`,
    status,
    outcome: denied ? 'denied' : 'allowed',
    errorCode: status >= 400 ? errorCodeOf(status, errorType, field(record, 'denyCode')) : undefined,
    at: timeOf(field(record, 'requestTimeEpoch')) ?? fallbackTime,
  };
}

/**
 * The authorizer's code on a Deny; the gateway response's own code when API Gateway answered; for a
 * service's answer the access log holds only the status (`http_404`), since a Lambda proxy response
 * sets no context variable the log could read.
 */
function errorCodeOf(status: number, errorType: string | undefined, denyCode: string | undefined): string {
  if (denyCode !== undefined && /^[a-z_]{1,64}$/.test(denyCode)) return denyCode;
  if (errorType === undefined) return `http_${status}`;
  if (errorType === 'ACCESS_DENIED') return 'insufficient_scope'; // a cached Allow not covering the route
  const fixed = FIXED_CODES.get(errorType);
  if (fixed !== undefined) return fixed;
  return /^[A-Z0-9_]{1,64}$/.test(errorType) ? errorType.toLowerCase() : `http_${status}`;
}

function parseObject(message: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(message);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A field's text; `-`, empty and non-text values are absent. */
function field(record: Record<string, unknown>, name: AccessLogField): string | undefined {
  const value = record[name];
  return typeof value === 'string' && value !== '' && value !== NO_VALUE ? value : undefined;
}

function timeOf(epochMs: string | undefined): Date | undefined {
  if (epochMs === undefined || !/^\d{1,15}$/.test(epochMs)) return undefined;
  const at = new Date(Number(epochMs));
  return Number.isNaN(at.getTime()) ? undefined : at;
}
