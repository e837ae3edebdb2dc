/**
 * DynamoDB's error answers as the code base reads them: by name (isConditionalCheckFailure), by the
 * cancellation reasons of a transaction (cancellationCodes, isTransactionConflict), as a dependency
 * that is down (isUpstreamUnavailable → 503), and as the retry policy classifies them.
 */
import { describe, expect, it } from 'vitest';
import { cancellationCodes, isTransactionConflict } from '../../lambdas/account/conflicts.js';
import { isConditionalCheckFailure } from '../../lambdas/core/dynamo-errors.js';
import { isUpstreamUnavailable } from '../../lambdas/core/upstream-errors.js';
import { AttemptTimeoutError, failureOf } from '../../lambdas/aws-wire/errors.js';
import { DynamoDbError, errorOfAnswer } from '../../lambdas/dynamo/errors.js';

const typed = (type: string, members: Record<string, unknown> = {}) =>
  JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${type}`,
    message: `${type} happened`,
    ...members,
  });

const cancelled = (...codes: string[]) =>
  errorOfAnswer(
    400,
    typed('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) }),
  );

describe('errorOfAnswer', () => {
  it("names the error by DynamoDB's type and keeps its message, status and request id", () => {
    const error = errorOfAnswer(400, typed('ValidationException'), 'REQ9');
    expect(error).toBeInstanceOf(DynamoDbError);
    expect(error).toMatchObject({
      name: 'ValidationException',
      message: 'ValidationException happened',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'REQ9' },
    });
    expect('CancellationReasons' in error).toBe(false);
    expect('Item' in error).toBe(false);
  });

  it('reads `Message` as well as `message`', () => {
    const body = JSON.stringify({
      __type: 'x#TransactionCanceledException',
      Message: 'Transaction cancelled',
    });
    expect(errorOfAnswer(400, body).message).toBe('Transaction cancelled');
  });

  it.each([
    ['a proxy page', 502, '<html>Bad Gateway</html>', 'HTTP 502', 'server'],
    ['an empty body', 503, '', 'HTTP 503', 'server'],
    ['JSON without a type', 400, '{"message":"odd"}', 'HTTP 400', 'client'],
  ])('%s: named by its status', (_case, status, body, name, fault) => {
    const error = errorOfAnswer(status, body);
    expect([error.name, error.$fault, error.$metadata.httpStatusCode]).toEqual([name, fault, status]);
  });

  it('a cancelled transaction carries its reasons in order, a returned item decoded', () => {
    const error = errorOfAnswer(
      400,
      typed('TransactionCanceledException', {
        CancellationReasons: [
          { Code: 'None' },
          {
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            Item: { b: { B: 'AQI=' } },
          },
          'not an object',
        ],
      }),
    );
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        Item: { b: { B: new Uint8Array([1, 2]) } },
      },
      {},
    ]);
  });
});

describe('what the code base reads from them', () => {
  it.each([
    [['None', 'ConditionalCheckFailed'], ['None', 'ConditionalCheckFailed'], false],
    [['TransactionConflict', 'None'], ['TransactionConflict', 'None'], true],
    [
      ['TransactionConflict', 'ConditionalCheckFailed'],
      ['TransactionConflict', 'ConditionalCheckFailed'],
      false,
    ],
  ])('cancellationCodes of a cancelled transaction %j', (codes, expected, conflict) => {
    const read = cancellationCodes(cancelled(...codes));
    expect(read).toEqual(expected);
    expect(isTransactionConflict(read ?? [])).toBe(conflict);
  });

  it('cancellationCodes: a cancellation without reasons is [], any other error undefined', () => {
    expect(cancellationCodes(errorOfAnswer(400, typed('TransactionCanceledException')))).toEqual([]);
    expect(cancellationCodes(errorOfAnswer(400, typed('ConditionalCheckFailedException')))).toBeUndefined();
  });

  it('isConditionalCheckFailure recognises the refusal of a condition, and only that', () => {
    expect(isConditionalCheckFailure(errorOfAnswer(400, typed('ConditionalCheckFailedException')))).toBe(
      true,
    );
    expect(isConditionalCheckFailure(cancelled('ConditionalCheckFailed'))).toBe(false);
    expect(isConditionalCheckFailure(errorOfAnswer(400, typed('ValidationException')))).toBe(false);
  });

  it.each([
    [
      'ProvisionedThroughputExceededException (400)',
      errorOfAnswer(400, typed('ProvisionedThroughputExceededException')),
      true,
    ],
    ['ThrottlingException (400)', errorOfAnswer(400, typed('ThrottlingException')), true],
    ['RequestLimitExceeded (400)', errorOfAnswer(400, typed('RequestLimitExceeded')), true],
    ['InternalServerError (500)', errorOfAnswer(500, typed('InternalServerError')), true],
    ['a 503 page', errorOfAnswer(503, 'busy'), true],
    ['an attempt timeout', new AttemptTimeoutError('no answer within 2000 ms'), true],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      true,
    ],
    ['ValidationException (a bug: 500, not 503)', errorOfAnswer(400, typed('ValidationException')), false],
    ['AccessDeniedException', errorOfAnswer(400, typed('AccessDeniedException')), false],
    ['ConditionalCheckFailedException', errorOfAnswer(400, typed('ConditionalCheckFailedException')), false],
  ])('isUpstreamUnavailable: %s → %s', (_case, error, unavailable) => {
    expect(isUpstreamUnavailable(error)).toBe(unavailable);
  });
});

describe('failureOf: how the retry policy sees a failed attempt', () => {
  it.each([
    [
      errorOfAnswer(400, typed('ThrottlingException')),
      { kind: 'status', status: 400, errorType: 'ThrottlingException' },
    ],
    [errorOfAnswer(503, ''), { kind: 'status', status: 503, errorType: 'HTTP 503' }],
    [new AttemptTimeoutError('late'), { kind: 'timeout' }],
    [
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      { kind: 'network', code: 'ECONNRESET' },
    ],
    [new SyntaxError('Unexpected end of JSON input'), { kind: 'network', code: undefined }],
  ])('%s', (error, failure) => {
    expect(failureOf(error)).toEqual(failure);
  });
});
