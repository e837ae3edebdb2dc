/**
 * The CLI's one failure type: a stable code, the exit status, a one-line message and, for invalid
 * key fields, the per-field errors. Exit 2 means "fix the command"; exit 1 means "something failed".
 */
import { AlreadyExistsError } from '../lambdas/aws/conflicts.js';
import { KeyInputError } from '../lambdas/account/key-input.js';
import {
  KeyMalformedError,
  KeyNotFoundError,
  KeyRevokedError,
  ProjectNotFoundError,
} from '../lambdas/account/keys.js';
import { TeamNotFoundError } from '../lambdas/account/teams.js';
import type { FieldError } from '../lambdas/api/errors.js';

export type FailureCode =
  | 'usage_error'
  | 'validation_error'
  | 'not_found'
  | 'key_revoked'
  | 'already_exists'
  | 'unavailable'
  | 'internal_error';

const EXIT_CODES: Readonly<Record<FailureCode, 1 | 2>> = {
  usage_error: 2,
  validation_error: 2,
  not_found: 2,
  key_revoked: 2,
  already_exists: 2,
  unavailable: 1,
  internal_error: 1,
};

export class CliFailure extends Error {
  readonly code: FailureCode;
  readonly errors: readonly FieldError[];

  constructor(code: FailureCode, message: string, errors: readonly FieldError[] = []) {
    super(message);
    this.name = 'CliFailure';
    this.code = code;
    this.errors = errors;
  }

  get exitCode(): 1 | 2 {
    return EXIT_CODES[this.code];
  }
}

export const usageError = (message: string): CliFailure => new CliFailure('usage_error', message);

/** What to say when the target cannot be reached or has no tables; the target knows best. */
export interface FailureHints {
  readonly unreachable: string;
  readonly missingTables: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ExpiredTokenException', 'ExpiredToken']);
const ACCESS_ERRORS = new Set(['AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException']);

/**
 * Expected failures become one clear line; anything else is an internal error carrying only the
 * error's name and message (never a stack trace, and never a key: no message here can hold one).
 */
export function toFailure(error: unknown, hints: FailureHints): CliFailure {
  if (error instanceof CliFailure) return error;
  if (error instanceof KeyInputError) return new CliFailure('validation_error', error.message, error.errors);
  if (
    error instanceof KeyNotFoundError ||
    error instanceof ProjectNotFoundError ||
    error instanceof TeamNotFoundError
  ) {
    return new CliFailure('not_found', error.message);
  }
  if (error instanceof KeyRevokedError) return new CliFailure('key_revoked', error.message);
  if (error instanceof KeyMalformedError) return new CliFailure('validation_error', error.message);
  if (error instanceof AlreadyExistsError) return new CliFailure('already_exists', error.message);
  if (!(error instanceof Error)) {
    return new CliFailure('internal_error', `unexpected failure: ${String(error)}`);
  }
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if ((code && NETWORK_CODES.has(code)) || error.name === 'TimeoutError') {
    return new CliFailure('unavailable', hints.unreachable);
  }
  if (error.name === 'ResourceNotFoundException') {
    return new CliFailure('unavailable', hints.missingTables);
  }
  if (CREDENTIAL_ERRORS.has(error.name)) {
    return new CliFailure(
      'unavailable',
      `no usable AWS credentials (${error.message}): set AWS_PROFILE or sign in`,
    );
  }
  if (ACCESS_ERRORS.has(error.name)) {
    return new CliFailure('unavailable', `AWS refused the request: ${error.message}`);
  }
  return new CliFailure('internal_error', `unexpected ${error.name}: ${error.message.split('\n')[0]}`);
}
