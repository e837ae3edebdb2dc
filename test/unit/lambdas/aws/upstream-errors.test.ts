import { describe, expect, it } from 'vitest';
import { DeadlineExceededError } from '../../../../lambdas/aws/call-bounds.js';
import { toErrorResponse } from '../../../../lambdas/api/errors.js';
import { isUpstreamUnavailable } from '../../../../lambdas/aws/upstream-errors.js';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('a dependency that did not answer, or said "not now", is 503 upstream_unavailable', () => {
  it.each([
    ['the SDK request timeout', named('TimeoutError', { code: 'ETIMEDOUT' })],
    ['the call deadline', new DeadlineExceededError(3000)],
    ['an aborted call', named('AbortError')],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }),
    ],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a throttle after retries', named('ProvisionedThroughputExceededException', { $fault: 'client' })],
    ['a server fault', named('InternalServerError', { $fault: 'server' })],
  ])('%s', (_case, error) => {
    expect(isUpstreamUnavailable(error)).toBe(true);
    expect(toErrorResponse(error)).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        name: 'application_error',
        message: 'A dependency is temporarily unavailable. Retry shortly.',
        error_code: 'upstream_unavailable',
      },
    });
  });
});

describe('anything else stays a generic 500', () => {
  it.each([
    ['a bug', new TypeError('x is undefined')],
    ['a request DynamoDB refused', named('ValidationException', { $fault: 'client' })],
    ['a missing table', named('ResourceNotFoundException', { $fault: 'client' })],
    ['a non-Error shaped like a timeout', { name: 'TimeoutError' }],
  ])('%s', (_case, error) => {
    expect(isUpstreamUnavailable(error)).toBe(false);
    expect(toErrorResponse(error).status).toBe(500);
  });
});
