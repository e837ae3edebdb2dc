/**
 * API Gateway's gateway responses, as data: the CDK stack turns each row into a GatewayResponse and
 * the local gateway renders the same bodies. Gateway response templates are plain variable
 * substitution (no VTL), so a Deny carries its whole rendered body in the authorizer context.
 */
import { type ErrorCode, errorBody, statusOf } from './errors.js';

export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'RESOURCE_NOT_FOUND'
  | 'REQUEST_TOO_LARGE'
  | 'THROTTLED'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

export interface GatewayResponseSpec {
  readonly type: GatewayResponseType;
  /** Undefined keeps the status API Gateway chose (the DEFAULT_* families). */
  readonly status: number | undefined;
  /** A fixed error code, or `authorizer-context` for the body the authorizer rendered. */
  readonly body: ErrorCode | 'authorizer-context';
}

const fixed = (type: GatewayResponseType, code: ErrorCode): GatewayResponseSpec => ({
  type,
  status: statusOf(code),
  body: code,
});

export const GATEWAY_RESPONSES: readonly GatewayResponseSpec[] = [
  fixed('UNAUTHORIZED', 'invalid_api_key'),
  { type: 'ACCESS_DENIED', status: 403, body: 'authorizer-context' },
  fixed('AUTHORIZER_FAILURE', 'authorizer_unavailable'),
  fixed('AUTHORIZER_CONFIGURATION_ERROR', 'authorizer_unavailable'),
  fixed('MISSING_AUTHENTICATION_TOKEN', 'not_found'),
  fixed('RESOURCE_NOT_FOUND', 'not_found'),
  fixed('REQUEST_TOO_LARGE', 'payload_too_large'),
  fixed('THROTTLED', 'rate_limited'),
  { type: 'DEFAULT_4XX', status: undefined, body: 'bad_request' },
  { type: 'DEFAULT_5XX', status: undefined, body: 'internal_error' },
];

/** The template API Gateway substitutes into: `$context.authorizer.errorBody` or a fixed JSON body. */
export function gatewayResponseTemplate(spec: GatewayResponseSpec): string {
  // A default family's status is API Gateway's to choose, so its body says null rather than guess.
  return spec.body === 'authorizer-context'
    ? '$context.authorizer.errorBody'
    : JSON.stringify(errorBody(spec.body, { status: spec.status ?? null }));
}

export function gatewayResponse(type: GatewayResponseType): GatewayResponseSpec {
  const spec = GATEWAY_RESPONSES.find((candidate) => candidate.type === type);
  if (!spec) throw new Error(`No gateway response ${type}`);
  return spec;
}
