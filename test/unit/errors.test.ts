import { describe, expect, it } from 'vitest';
import {
  ApiError,
  DEFAULT_MESSAGES,
  ERROR_CODES,
  type ErrorCode,
  errorBody,
  statusOf,
  toErrorResponse,
} from '../../lambdas/core/errors.js';
import {
  GATEWAY_RESPONSES,
  type GatewayResponseType,
  gatewayResponse,
  gatewayResponseTemplate,
} from '../../lambdas/core/gateway-responses.js';
import { DOCUMENTED_BODIES } from '../support/documented-bodies.js';

/** Typed as a Record, so adding an error code without deciding its status fails the type check. */
const EXPECTED_STATUS: Record<ErrorCode, number> = {
  invalid_api_key: 401,
  key_revoked: 403,
  key_expired: 403,
  ip_not_allowed: 403,
  insufficient_scope: 403,
  domain_not_allowed: 403,
  permission_escalation: 403,
  already_exists: 409,
  domain_not_verified: 422,
  authorizer_unavailable: 503,
  not_found: 404,
  validation_error: 400,
  payload_too_large: 413,
  rate_limited: 429,
  quota_exceeded: 429,
  bad_request: 400,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  email_rejected: 422,
  missing_variable: 422,
  message_rejected: 422,
  upstream_unavailable: 503,
  channel_not_configured: 503,
  internal_error: 500,
};

/** The only codes allowed a 5xx: a dependency's failure or our own bug, never bad input. */
const SERVER_SIDE: readonly ErrorCode[] = [
  'authorizer_unavailable',
  'upstream_unavailable',
  'channel_not_configured',
  'internal_error',
];

describe('statusOf', () => {
  it('covers every error code, and nothing else', () => {
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(EXPECTED_STATUS).sort());
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it.each(Object.entries(EXPECTED_STATUS))('%s → %d', (code, status) => {
    expect(statusOf(code as ErrorCode)).toBe(status);
    expect(new ApiError(code as ErrorCode).status).toBe(status);
  });

  it.each(ERROR_CODES.filter((code) => !SERVER_SIDE.includes(code)))(
    '%s is a 4xx (bad input never gets a 5xx)',
    (code) => {
      expect(statusOf(code)).toBeGreaterThanOrEqual(400);
      expect(statusOf(code)).toBeLessThan(500);
    },
  );

  it.each(ERROR_CODES)('%s has a client-facing message', (code) => {
    expect(DEFAULT_MESSAGES[code]).toMatch(/^[A-Z].*\.$/);
  });
});

describe('errorBody: the documented bodies, byte for byte', () => {
  it.each([
    ['invalid_api_key', DOCUMENTED_BODIES.invalid_api_key],
    ['key_revoked', DOCUMENTED_BODIES.key_revoked],
    ['key_expired', DOCUMENTED_BODIES.key_expired],
    ['ip_not_allowed', DOCUMENTED_BODIES.ip_not_allowed],
    ['authorizer_unavailable', DOCUMENTED_BODIES.authorizer_unavailable],
    ['not_found', DOCUMENTED_BODIES.not_found],
  ] as const)('%s', (code, body) => {
    expect(JSON.stringify(errorBody(code))).toBe(body);
  });

  it('insufficient_scope names the required scope', () => {
    expect(JSON.stringify(errorBody('insufficient_scope', { requiredScope: 'templates:write' }))).toBe(
      DOCUMENTED_BODIES.insufficient_scope_templates_write,
    );
  });

  it('validation_error lists its field errors', () => {
    const body = errorBody('validation_error', {
      message: 'The request is invalid.',
      errors: [{ path: 'to', message: 'Required' }],
    });
    expect(body).toEqual({
      message: 'The request is invalid.',
      error_code: 'validation_error',
      errors: [{ path: 'to', message: 'Required' }],
    });
  });
});

describe('toErrorResponse', () => {
  it('renders an ApiError with its status and details', () => {
    const error = new ApiError('insufficient_scope', { requiredScope: 'domains:write' });
    expect(toErrorResponse(error)).toEqual({
      status: 403,
      body: {
        message: 'Your API key does not have the required permissions for this action.',
        error_code: 'insufficient_scope',
        required_scope: 'domains:write',
      },
    });
  });

  it('keeps a custom message of an ApiError', () => {
    expect(toErrorResponse(new ApiError('not_found', { message: 'Email not found.' })).body).toEqual({
      message: 'Email not found.',
      error_code: 'not_found',
    });
  });

  const internals = 'connect ECONNREFUSED 10.0.0.5:8000 table ApiKeys-prod key sk_live_AAAAAAAAAAAA';
  it.each([
    ['a plain Error', new Error(internals)],
    ['a TypeError', new TypeError(internals)],
    [
      'an Error named ApiError that is not one',
      Object.assign(new Error(internals), { name: 'ApiError', code: 'not_found' }),
    ],
    ['an object shaped like an ApiError', { code: 'not_found', status: 404, message: internals }],
    ['a string', internals],
    ['undefined', undefined],
    ['null', null],
  ])('%s becomes a generic 500 with no internals', (_case, thrown) => {
    const response = toErrorResponse(thrown);
    expect(response).toEqual({
      status: 500,
      body: { message: 'Internal server error.', error_code: 'internal_error' },
    });
    expect(JSON.stringify(response)).not.toContain('ECONNREFUSED');
  });
});

describe('gateway responses (API Gateway)', () => {
  /** Every GatewayResponseType, listed through a Record so a new type cannot be forgotten here. */
  const ALL_TYPES: Record<GatewayResponseType, true> = {
    UNAUTHORIZED: true,
    ACCESS_DENIED: true,
    AUTHORIZER_FAILURE: true,
    AUTHORIZER_CONFIGURATION_ERROR: true,
    MISSING_AUTHENTICATION_TOKEN: true,
    RESOURCE_NOT_FOUND: true,
    REQUEST_TOO_LARGE: true,
    THROTTLED: true,
    DEFAULT_4XX: true,
    DEFAULT_5XX: true,
  };

  it('has exactly one row per response type', () => {
    expect(GATEWAY_RESPONSES.map((spec) => spec.type).sort()).toEqual(Object.keys(ALL_TYPES).sort());
  });

  it.each([
    ['UNAUTHORIZED', 401, DOCUMENTED_BODIES.invalid_api_key],
    ['AUTHORIZER_FAILURE', 503, DOCUMENTED_BODIES.authorizer_unavailable],
    ['AUTHORIZER_CONFIGURATION_ERROR', 503, DOCUMENTED_BODIES.authorizer_unavailable],
    ['MISSING_AUTHENTICATION_TOKEN', 404, DOCUMENTED_BODIES.not_found],
    ['RESOURCE_NOT_FOUND', 404, DOCUMENTED_BODIES.not_found],
  ] as const)('%s answers %d with the design body', (type, status, body) => {
    const spec = gatewayResponse(type);
    expect(spec.status).toBe(status);
    expect(gatewayResponseTemplate(spec)).toBe(body);
  });

  it("ACCESS_DENIED answers 403 with the body the authorizer's Deny rendered", () => {
    const spec = gatewayResponse('ACCESS_DENIED');
    expect(spec.status).toBe(403);
    expect(gatewayResponseTemplate(spec)).toBe('$context.authorizer.errorBody');
  });

  it.each(GATEWAY_RESPONSES.filter((spec) => spec.body !== 'authorizer-context'))(
    '$type: the template is valid JSON with a message and an error code of its status',
    (spec) => {
      const body = JSON.parse(gatewayResponseTemplate(spec));
      expect(Object.keys(body)).toEqual(['message', 'error_code']);
      expect(ERROR_CODES).toContain(body.error_code);
      if (spec.status !== undefined) expect(statusOf(body.error_code)).toBe(spec.status);
    },
  );

  it('DEFAULT_4XX and DEFAULT_5XX keep the status API Gateway chose', () => {
    expect(gatewayResponse('DEFAULT_4XX').status).toBeUndefined();
    expect(gatewayResponse('DEFAULT_5XX').status).toBeUndefined();
  });

  it('refuses an unknown type', () => {
    expect(() => gatewayResponse('TEAPOT' as GatewayResponseType)).toThrow(/No gateway response TEAPOT/);
  });
});
