import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ApiError,
  DEFAULT_MESSAGES,
  ERROR_CODES,
  ERROR_NAMES,
  type ErrorCode,
  type ErrorName,
  errorBody,
  errorNameOf,
  NAME_BY_CODE,
  statusOf,
  toErrorResponse,
  toSurfaceErrorResponse,
  unsupportedParameter,
} from '../../../../lambdas/api/errors.js';
import {
  GATEWAY_RESPONSES,
  type GatewayResponseType,
  gatewayResponse,
  gatewayResponseTemplate,
} from '../../../../lambdas/api/gateway-responses.js';
import { DOCUMENTED_BODIES } from '../../../support/documented-bodies.js';

/** Typed as a Record, so adding an error code without deciding its status fails the type check. */
const EXPECTED_STATUS: Record<ErrorCode, number> = {
  invalid_state: 409,
  invalid_parameter: 422,
  invalid_region: 422,
  invalid_api_key: 401,
  key_revoked: 403,
  key_expired: 403,
  ip_not_allowed: 403,
  insufficient_scope: 403,
  domain_not_allowed: 403,
  permission_escalation: 403,
  already_exists: 409,
  domain_not_verified: 422,
  recipient_suppressed: 422,
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

/**
 * Resend's names by error code, written out from the design's mapping (a Record, so a new code without
 * a name fails the type check here too).
 */
const EXPECTED_NAME: Record<ErrorCode, ErrorName> = {
  invalid_state: 'validation_error',
  invalid_parameter: 'invalid_parameter',
  invalid_region: 'invalid_region',
  invalid_api_key: 'invalid_api_key',
  key_revoked: 'invalid_api_key',
  key_expired: 'invalid_api_key',
  ip_not_allowed: 'restricted_api_key',
  insufficient_scope: 'restricted_api_key',
  domain_not_allowed: 'restricted_api_key',
  permission_escalation: 'restricted_api_key',
  validation_error: 'validation_error',
  not_found: 'not_found',
  idempotency_conflict: 'invalid_idempotent_request',
  idempotency_in_progress: 'concurrent_idempotent_requests',
  already_exists: 'validation_error',
  domain_not_verified: 'validation_error',
  recipient_suppressed: 'validation_error',
  payload_too_large: 'validation_error',
  missing_variable: 'missing_required_field',
  rate_limited: 'rate_limit_exceeded',
  quota_exceeded: 'monthly_quota_exceeded',
  // Codes the mapping does not list, given the closest name.
  bad_request: 'validation_error',
  email_rejected: 'validation_error',
  message_rejected: 'validation_error',
  authorizer_unavailable: 'application_error',
  upstream_unavailable: 'application_error',
  channel_not_configured: 'application_error',
  internal_error: 'internal_server_error',
};

describe('name and statusCode (what Resend and SendGrid clients read)', () => {
  it.each(Object.entries(EXPECTED_NAME))('%s → %s', (code, name) => {
    expect(NAME_BY_CODE[code as ErrorCode]).toBe(name);
    expect(errorBody(code as ErrorCode)).toMatchObject({ name, statusCode: statusOf(code as ErrorCode) });
  });

  it('every name is one of the listed names, and every 5xx is an application or internal server error', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_NAMES).toContain(NAME_BY_CODE[code]);
      if (statusOf(code) === 500) expect(NAME_BY_CODE[code]).toBe('internal_server_error');
      else if (statusOf(code) >= 500) expect(NAME_BY_CODE[code]).toBe('application_error');
    }
  });

  it("a body is the code's name and status whatever its other details, statusCode and name first", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ERROR_CODES),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.array(fc.record({ path: fc.string(), message: fc.string() })), { nil: undefined }),
        (code, message, errors) => {
          const body = errorBody(code, { ...(message ? { message } : {}), ...(errors ? { errors } : {}) });
          expect(Object.keys(body).slice(0, 4)).toEqual(['statusCode', 'name', 'message', 'error_code']);
          expect(body.statusCode).toBe(statusOf(code));
          expect(body.name).toBe(EXPECTED_NAME[code]);
        },
      ),
    );
  });

  it.each([
    ['a 5xx status the code does not fix', 'internal_error', 502, 'application_error'],
    ['a 500 status', 'upstream_unavailable', 500, 'internal_server_error'],
    ['an unknown status on a 5xx code', 'internal_error', null, 'application_error'],
    ['an unknown status on a 4xx code', 'bad_request', null, 'validation_error'],
  ] as const)('errorNameOf: %s', (_case, code, status, name) => {
    expect(errorNameOf(code, status)).toBe(name);
    expect(errorBody(code, { status })).toMatchObject({ statusCode: status, name });
  });

  it('a validation_error about the Idempotency-Key header is named invalid_idempotency_key', () => {
    const error = new ApiError('validation_error', { nameOverride: 'invalid_idempotency_key' });
    expect(toErrorResponse(error).body).toMatchObject({
      statusCode: 400,
      name: 'invalid_idempotency_key',
      error_code: 'validation_error',
    });
  });
});

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
      statusCode: 400,
      name: 'validation_error',
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
        statusCode: 403,
        name: 'restricted_api_key',
        message: 'Your API key does not have the required permissions for this action.',
        error_code: 'insufficient_scope',
        required_scope: 'domains:write',
      },
    });
  });

  it('keeps a custom message of an ApiError', () => {
    expect(toErrorResponse(new ApiError('not_found', { message: 'Email not found.' })).body).toEqual({
      statusCode: 404,
      name: 'not_found',
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
      body: {
        statusCode: 500,
        name: 'internal_server_error',
        message: 'Internal server error.',
        error_code: 'internal_error',
      },
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
    '$type: the template is valid JSON with its status, a name, a message and an error code of its status',
    (spec) => {
      const body = JSON.parse(gatewayResponseTemplate(spec));
      expect(Object.keys(body)).toEqual(['statusCode', 'name', 'message', 'error_code']);
      expect(ERROR_CODES).toContain(body.error_code);
      expect(ERROR_NAMES).toContain(body.name);
      // A fixed status is the body's; a default family's status is API Gateway's, so the body says null.
      expect(body.statusCode).toBe(spec.status ?? null);
      if (spec.status !== undefined) expect(statusOf(body.error_code)).toBe(spec.status);
    },
  );

  it.each([
    [
      'DEFAULT_4XX',
      '{"statusCode":null,"name":"validation_error","message":"The request could not be processed.","error_code":"bad_request"}',
    ],
    [
      'DEFAULT_5XX',
      '{"statusCode":null,"name":"application_error","message":"Internal server error.","error_code":"internal_error"}',
    ],
    [
      'REQUEST_TOO_LARGE',
      '{"statusCode":413,"name":"validation_error","message":"The request body is larger than 10 MB.","error_code":"payload_too_large"}',
    ],
    [
      'THROTTLED',
      '{"statusCode":429,"name":"rate_limit_exceeded","message":"Too many requests. Slow down and retry.","error_code":"rate_limited"}',
    ],
  ] as const)('%s renders %s', (type, body) => {
    expect(gatewayResponseTemplate(gatewayResponse(type))).toBe(body);
  });

  it('DEFAULT_4XX and DEFAULT_5XX keep the status API Gateway chose', () => {
    expect(gatewayResponse('DEFAULT_4XX').status).toBeUndefined();
    expect(gatewayResponse('DEFAULT_5XX').status).toBeUndefined();
  });

  it('refuses an unknown type', () => {
    expect(() => gatewayResponse('TEAPOT' as GatewayResponseType)).toThrow(/No gateway response TEAPOT/);
  });
});

describe('errors per API surface', () => {
  const invalid = new ApiError('validation_error', {
    message: 'to is required.',
    errors: [{ path: 'to', message: 'to is required.' }],
  });

  it('answers /v1 as ever', () => {
    expect(toSurfaceErrorResponse('v1', invalid, 'req')).toEqual(toErrorResponse(invalid, 'req'));
  });

  it("answers SendGrid's shape: errors[] with the field and a null help, and scopegate's code", () => {
    expect(toSurfaceErrorResponse('sendgrid', invalid, 'req')).toEqual({
      status: 400,
      body: {
        errors: [{ message: 'to is required.', field: 'to', help: null }],
        error_code: 'validation_error',
        request_id: 'req',
      },
    });
    expect(toSurfaceErrorResponse('sendgrid', new ApiError('insufficient_scope')).body).toEqual({
      errors: [{ message: DEFAULT_MESSAGES.insufficient_scope, field: null, help: null }],
      error_code: 'insufficient_scope',
    });
  });

  it("answers Resend's 422 for invalid input, but keeps a bad Idempotency-Key header a 400", () => {
    expect(toSurfaceErrorResponse('resend', invalid).status).toBe(422);
    const header = new ApiError('validation_error', { nameOverride: 'invalid_idempotency_key' });
    expect(toSurfaceErrorResponse('resend', header)).toMatchObject({
      status: 400,
      body: { statusCode: 400, name: 'invalid_idempotency_key' },
    });
  });

  it('names the field scopegate cannot honour', () => {
    const error = unsupportedParameter('attachments.0.path');
    expect(toSurfaceErrorResponse('resend', error).body).toMatchObject({
      statusCode: 422,
      name: 'invalid_parameter',
      errors: [{ path: 'attachments.0.path' }],
    });
    expect(error.message).toMatch(/^The attachments\.0\.path field cannot be honoured/);
  });
});
