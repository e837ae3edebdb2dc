/**
 * The one error module: every error body a client can see (docs/architecture.md, "Errors") is
 * rendered here, by the authorizer (for API Gateway's gateway responses), the handlers and the local
 * gateway alike.
 */
import type { RoutePermission, Surface } from './routes.js';
import type { Scope } from './scopes.js';
import { isUpstreamUnavailable } from '../aws/upstream-errors.js';

export const ERROR_CODES = [
  'invalid_api_key',
  'key_revoked',
  'key_expired',
  'ip_not_allowed',
  'insufficient_scope',
  'domain_not_allowed',
  'permission_escalation',
  'authorizer_unavailable',
  'not_found',
  'validation_error',
  'payload_too_large',
  'rate_limited',
  'quota_exceeded',
  'bad_request',
  'idempotency_conflict',
  'idempotency_in_progress',
  'already_exists',
  'invalid_state',
  'email_rejected',
  'domain_not_verified',
  'recipient_suppressed',
  'missing_variable',
  'invalid_parameter',
  'invalid_region',
  'message_rejected',
  'upstream_unavailable',
  'channel_not_configured',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'validation_error':
    case 'bad_request':
      return 400;
    case 'invalid_api_key':
      return 401;
    case 'key_revoked':
    case 'key_expired':
    case 'ip_not_allowed':
    case 'insufficient_scope':
    case 'domain_not_allowed':
    case 'permission_escalation':
      return 403;
    case 'not_found':
      return 404;
    case 'idempotency_conflict':
    case 'idempotency_in_progress':
    case 'already_exists':
    case 'invalid_state':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'email_rejected':
    case 'domain_not_verified':
    case 'recipient_suppressed':
    case 'missing_variable':
    case 'invalid_parameter':
    case 'invalid_region':
    case 'message_rejected':
      return 422;
    case 'rate_limited':
    case 'quota_exceeded':
      return 429;
    case 'internal_error':
      return 500;
    case 'authorizer_unavailable':
    case 'upstream_unavailable':
    case 'channel_not_configured':
      return 503;
  }
}

export const DEFAULT_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  invalid_api_key: 'Missing or invalid API key.',
  key_revoked: 'This API key has been revoked.',
  key_expired: 'This API key has expired.',
  ip_not_allowed: 'Access denied. Your IP address is not allowed.',
  insufficient_scope: 'Your API key does not have the required permissions for this action.',
  domain_not_allowed: 'This API key may not send from this domain.',
  permission_escalation: 'A key may not create or change a key into something more powerful than itself.',
  authorizer_unavailable: 'Authorization is temporarily unavailable.',
  not_found: 'Not found.',
  validation_error: 'The request is invalid.',
  payload_too_large: 'The request body is larger than 10 MB.',
  rate_limited: 'Too many requests. Slow down and retry.',
  quota_exceeded: "The team's monthly sending cap for this channel has been reached.",
  bad_request: 'The request could not be processed.',
  idempotency_conflict: 'This Idempotency-Key was already used with a different request.',
  idempotency_in_progress: 'A request with this Idempotency-Key is still in progress. Retry shortly.',
  already_exists: 'This resource already exists.',
  invalid_state: 'The resource is not in a state that allows this change.',
  email_rejected: 'The email was rejected by the sending service.',
  domain_not_verified: 'The from address is not on a verified domain of this project.',
  recipient_suppressed: 'Every recipient of the email is suppressed: nothing was sent.',
  missing_variable: 'The template uses a variable that was not given and has no fallback.',
  invalid_parameter: 'The request uses a field scopegate cannot honour: nothing was done.',
  invalid_region: "The region is not this deployment's region.",
  message_rejected: 'The message was rejected by the messaging service.',
  upstream_unavailable: 'A dependency is temporarily unavailable. Retry shortly.',
  channel_not_configured: 'This channel is not configured on this deployment.',
  internal_error: 'Internal server error.',
};

/**
 * The error names Resend's and SendGrid's clients branch on, sent as `name` beside `error_code` so a
 * client written for either reads scopegate's errors unchanged.
 */
export const ERROR_NAMES = [
  'invalid_api_key',
  'restricted_api_key',
  'validation_error',
  'invalid_idempotency_key',
  'not_found',
  'invalid_idempotent_request',
  'concurrent_idempotent_requests',
  'missing_required_field',
  'invalid_parameter',
  'invalid_region',
  'rate_limit_exceeded',
  'monthly_quota_exceeded',
  'application_error',
  'internal_server_error',
] as const;
export type ErrorName = (typeof ERROR_NAMES)[number];

/**
 * `name` by `error_code` (docs/architecture.md, "Errors"). Exhaustive: the compiler refuses a code
 * without a name. Codes Resend has no word for take the closest: a refused request's content is a
 * `validation_error`, a failure past the request is an `application_error` (500:
 * `internal_server_error`).
 */
export const NAME_BY_CODE = {
  invalid_api_key: 'invalid_api_key',
  key_revoked: 'invalid_api_key',
  key_expired: 'invalid_api_key',
  ip_not_allowed: 'restricted_api_key',
  insufficient_scope: 'restricted_api_key',
  domain_not_allowed: 'restricted_api_key',
  permission_escalation: 'restricted_api_key',
  authorizer_unavailable: 'application_error',
  not_found: 'not_found',
  validation_error: 'validation_error',
  payload_too_large: 'validation_error',
  rate_limited: 'rate_limit_exceeded',
  quota_exceeded: 'monthly_quota_exceeded',
  bad_request: 'validation_error',
  idempotency_conflict: 'invalid_idempotent_request',
  idempotency_in_progress: 'concurrent_idempotent_requests',
  already_exists: 'validation_error',
  invalid_state: 'validation_error',
  email_rejected: 'validation_error',
  domain_not_verified: 'validation_error',
  recipient_suppressed: 'validation_error',
  missing_variable: 'missing_required_field',
  invalid_parameter: 'invalid_parameter',
  invalid_region: 'invalid_region',
  message_rejected: 'validation_error',
  upstream_unavailable: 'application_error',
  channel_not_configured: 'application_error',
  internal_error: 'internal_server_error',
} as const satisfies Readonly<Record<ErrorCode, ErrorName>>;

/**
 * The names that depend on more than the code: a `validation_error` about the Idempotency-Key header,
 * and one on the Resend surface whose every problem is a missing field.
 */
export type NameOverride = 'invalid_idempotency_key' | 'missing_required_field';

/**
 * The body's `name`: by code, except on a status the code does not fix (API Gateway's default 5XX
 * response, whose status the template cannot know, is an `application_error`).
 */
export function errorNameOf(code: ErrorCode, status: number | null): ErrorName {
  if (status === statusOf(code)) return NAME_BY_CODE[code];
  if (status === 500) return 'internal_server_error';
  if ((status ?? statusOf(code)) >= 500) return 'application_error';
  return NAME_BY_CODE[code];
}

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface ErrorBody {
  /** The HTTP status; null only in API Gateway's default 4XX/5XX responses, whose template cannot know it. */
  readonly statusCode: number | null;
  readonly name: ErrorName;
  readonly message: string;
  readonly error_code: ErrorCode;
  readonly required_scope?: Scope;
  /** With `insufficient_scope` on a route that needs a key permission (`full_access`) instead. */
  readonly required_permission?: RoutePermission;
  readonly errors?: readonly FieldError[];
  /** With a batch that stopped part-way: the emails sent before the failure, in order. */
  readonly data?: readonly { readonly id: string }[];
  /** The request's id (also in the X-Request-Id header), on every error a handler answers. */
  readonly request_id?: string;
}

export interface ApiErrorDetails {
  readonly message?: string;
  readonly requiredScope?: Scope;
  readonly requiredPermission?: RoutePermission;
  readonly errors?: readonly FieldError[];
  readonly data?: readonly { readonly id: string }[];
  /** Sent as the `Retry-After` header (seconds), not in the body. */
  readonly retryAfterSeconds?: number;
  /** Instead of the code's `name` (e.g. a bad Idempotency-Key header). */
  readonly nameOverride?: NameOverride;
  /** The status the body reports, when it is not the code's: null where it cannot be known. */
  readonly status?: number | null;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly requiredScope: Scope | undefined;
  readonly requiredPermission: RoutePermission | undefined;
  readonly errors: readonly FieldError[] | undefined;
  readonly data: readonly { readonly id: string }[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly nameOverride: NameOverride | undefined;

  constructor(code: ErrorCode, details: ApiErrorDetails = {}) {
    super(details.message ?? DEFAULT_MESSAGES[code]);
    this.name = 'ApiError';
    this.code = code;
    this.requiredScope = details.requiredScope;
    this.requiredPermission = details.requiredPermission;
    this.errors = details.errors;
    this.data = details.data;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.nameOverride = details.nameOverride;
  }

  get status(): number {
    return statusOf(this.code);
  }
}

/** The one renderer of error bodies: `statusCode` and `name` first, as Resend's clients read them. */
export function errorBody(code: ErrorCode, details: ApiErrorDetails = {}): ErrorBody {
  const status = details.status === undefined ? statusOf(code) : details.status;
  return {
    statusCode: status,
    name: details.nameOverride ?? errorNameOf(code, status),
    message: details.message ?? DEFAULT_MESSAGES[code],
    error_code: code,
    ...(details.requiredScope ? { required_scope: details.requiredScope } : {}),
    ...(details.requiredPermission ? { required_permission: details.requiredPermission } : {}),
    ...(details.errors ? { errors: details.errors } : {}),
    ...(details.data ? { data: details.data } : {}),
  };
}

/**
 * A dependency that timed out or failed is a 503; anything else unknown a generic 500: internals
 * never reach a client. The request id lets a user quote the failed request.
 */
export function toErrorResponse(error: unknown, requestId?: string): { status: number; body: ErrorBody } {
  const withId = (body: ErrorBody): ErrorBody => (requestId ? { ...body, request_id: requestId } : body);
  if (error instanceof ApiError) {
    return { status: error.status, body: withId(errorBody(error.code, error)) };
  }
  if (isUpstreamUnavailable(error)) return { status: 503, body: withId(errorBody('upstream_unavailable')) };
  return { status: 500, body: withId(errorBody('internal_error')) };
}

/**
 * A field of Resend's or SendGrid's API that scopegate cannot honour (a hosted feature it lacks):
 * 422 `invalid_parameter` naming the field, before anything is stored or sent. `field` is its path
 * in the request body as the client wrote it (`topic_id`, `attachments.0.path`).
 */
export function unsupportedParameter(field: string, why = 'scopegate does not support it'): ApiError {
  const message = `The ${field} field cannot be honoured: ${why}. Nothing was sent.`;
  return new ApiError('invalid_parameter', { message, errors: [{ path: field, message }] });
}

/** How a validation problem words a missing field ("from is required."): Resend names it apart. */
export const REQUIRED_PREDICATE = 'is required';

/** SendGrid's error body (`{"errors":[{"message","field","help"}]}`), with scopegate's code beside it. */
export interface SendGridErrorBody {
  readonly errors: readonly {
    readonly message: string;
    readonly field: string | null;
    readonly help: null;
  }[];
  readonly error_code: ErrorCode;
  readonly request_id?: string;
}

/**
 * The status an error answers on a surface. Resend answers a request it cannot read with 422 (a bad
 * `Idempotency-Key` header stays 400, as Resend's `invalid_idempotency_key`); SendGrid answers 400,
 * as `/v1` does. Every other code answers its own status everywhere.
 */
export function statusOn(surface: Surface, code: ErrorCode, nameOverride?: NameOverride): number {
  if (surface === 'resend' && code === 'validation_error' && nameOverride !== 'invalid_idempotency_key') {
    return 422;
  }
  return statusOf(code);
}

/**
 * An error as a surface's clients read it. `/v1` and Resend share scopegate's body (Resend's SDK reads
 * its `statusCode`, `name` and `message`); on Resend a body whose every problem is a missing field is
 * Resend's `missing_required_field`. SendGrid's clients read `errors[]`, one per problem with the
 * field it names (null when none), `help` always null.
 */
export function toSurfaceErrorResponse(
  surface: Surface,
  error: unknown,
  requestId?: string,
): { status: number; body: ErrorBody | SendGridErrorBody } {
  const { status, body } = toErrorResponse(error, requestId);
  const override = error instanceof ApiError ? error.nameOverride : undefined;
  switch (surface) {
    case 'v1':
      return { status, body };
    case 'resend': {
      const surfaceStatus = statusOn('resend', body.error_code, override);
      if (surfaceStatus === status) return { status, body };
      const missing =
        body.errors !== undefined &&
        body.errors.length > 0 &&
        body.errors.every((problem) => problem.message.endsWith(` ${REQUIRED_PREDICATE}.`));
      return {
        status: surfaceStatus,
        body: { ...body, statusCode: surfaceStatus, ...(missing ? { name: 'missing_required_field' } : {}) },
      };
    }
    case 'sendgrid': {
      const problems =
        body.errors && body.errors.length > 0
          ? body.errors.map((problem) => ({
              message: problem.message,
              field: problem.path || null,
              help: null,
            }))
          : [{ message: body.message, field: null, help: null }];
      return {
        status,
        body: {
          errors: problems,
          error_code: body.error_code,
          ...(body.request_id ? { request_id: body.request_id } : {}),
        },
      };
    }
  }
}
