/**
 * The authorizer cache flusher: which failures it retries, how long it waits (capped exponential
 * backoff with full jitter, all inside one deadline), one flush per stream batch, and the real SDK
 * client answering 429s (aws-sdk-client-mock). Sleeps and clocks are injected: nothing waits.
 */
import {
  APIGatewayClient,
  BadRequestException,
  FlushStageAuthorizersCacheCommand,
  NotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-api-gateway';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { flushForBatch } from '../../../lambdas/cache-flush/flush-batch.js';
import {
  backoffDelayMs,
  FLUSH_RETRY_POLICY,
  FlushFailedError,
  flushWithRetries,
  isRetryableFlushError,
} from '../../../lambdas/cache-flush/flush-retry.js';
import { flushStageAuthorizersCache } from '../../../lambdas/cache-flush/stage-cache.js';

/** A fake clock that sleeping moves forward, and a record of the waits. */
function fakeTime(random = () => 0.5) {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    random,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const throttle = () =>
  new TooManyRequestsException({ message: 'Too Many Requests', $metadata: { httpStatusCode: 429 } });

/** A flush that fails with each of `failures` in turn, then succeeds. */
function flaky(failures: unknown[]) {
  let calls = 0;
  return {
    calls: () => calls,
    flush: async () => {
      calls += 1;
      const failure = failures[calls - 1];
      if (failure !== undefined) throw failure;
    },
  };
}

const record = (keyId: string): DynamoDBRecord => ({
  eventName: 'MODIFY',
  dynamodb: { Keys: { keyId: { S: keyId } }, SequenceNumber: keyId },
});

describe('isRetryableFlushError', () => {
  it.each<[string, unknown, boolean]>([
    ['a 429 TooManyRequestsException', throttle(), true],
    ['a 500', { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }, true],
    ['a 503', { name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } }, true],
    ['an error the SDK marks retryable', { name: 'Whatever', $retryable: {} }, true],
    ['our deadline (TimeoutError)', { name: 'TimeoutError' }, true],
    ['a reset connection', { name: 'Error', code: 'ECONNRESET' }, true],
    [
      'NotFoundException (404: wrong API or stage)',
      { name: 'NotFoundException', $metadata: { httpStatusCode: 404 } },
      false,
    ],
    [
      'AccessDeniedException (403: the grant is wrong)',
      { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } },
      false,
    ],
    ['BadRequestException (400)', { name: 'BadRequestException', $metadata: { httpStatusCode: 400 } }, false],
    ['an unknown error without a status', { name: 'TypeError' }, false],
    ['a string', 'boom', false],
    ['null', null, false],
  ])('%s → %s', (_label, error, retryable) => {
    expect(isRetryableFlushError(error)).toBe(retryable);
  });
});

describe('backoffDelayMs', () => {
  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [4, 1600],
    [5, 3200],
    [6, 3200],
    [20, 3200],
  ])('caps retry %d at %d ms before jitter', (retry, cap) => {
    expect(backoffDelayMs(retry, FLUSH_RETRY_POLICY, 0.999_999)).toBe(cap - 1);
    expect(backoffDelayMs(retry, FLUSH_RETRY_POLICY, 0)).toBe(0);
  });

  it('stays in [0, cap) for any retry and any random draw (full jitter)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, random) => {
          const delay = backoffDelayMs(retry, FLUSH_RETRY_POLICY, random);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(FLUSH_RETRY_POLICY.maxDelayMs);
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });
});

describe('flushWithRetries', () => {
  it('succeeds at once without waiting', async () => {
    const time = fakeTime();
    const flush = flaky([]);
    await expect(flushWithRetries(flush.flush, time)).resolves.toEqual({ ok: true, attempts: 1 });
    expect(time.sleeps).toEqual([]);
  });

  it('retries 429s with growing jittered waits, then succeeds', async () => {
    const time = fakeTime(() => 0.5);
    const flush = flaky([throttle(), throttle(), throttle()]);
    await expect(flushWithRetries(flush.flush, time)).resolves.toEqual({ ok: true, attempts: 4 });
    expect(time.sleeps).toEqual([100, 200, 400]);
  });

  it('does not retry a 404: waiting will not create the stage', async () => {
    const time = fakeTime();
    const notFound = new NotFoundException({
      message: 'Invalid stage identifier',
      $metadata: { httpStatusCode: 404 },
    });
    const flush = flaky([notFound]);
    const error = await flushWithRetries(flush.flush, time).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlushFailedError);
    expect(error).toMatchObject({ attempts: 1, retryable: false, lastError: notFound });
    expect(flush.calls()).toBe(1);
  });

  it('gives up after maxAttempts throttles', async () => {
    const time = fakeTime(() => 0.5);
    const flush = flaky(Array.from({ length: 10 }, throttle));
    await expect(flushWithRetries(flush.flush, time)).rejects.toMatchObject({
      name: 'FlushFailedError',
      attempts: FLUSH_RETRY_POLICY.maxAttempts,
      retryable: true,
    });
    expect(flush.calls()).toBe(FLUSH_RETRY_POLICY.maxAttempts);
  });

  it('starts no retry whose wait would end past the deadline', async () => {
    const time = fakeTime(() => 0.999);
    const starts: number[] = [];
    const slowThrottle = async () => {
      starts.push(time.now());
      time.advance(4000); // each attempt runs into its 4 s call bound
      throw throttle();
    };
    await expect(flushWithRetries(slowThrottle, time)).rejects.toBeInstanceOf(FlushFailedError);
    // Attempts start at 0, 4.2, 8.6, 13.4 and 19.0 s; a sixth would start at 23.0 + 3.2 s > 20 s.
    expect(starts).toEqual([0, 4199, 8598, 13397, 18995]);
    expect(starts.every((start) => start <= FLUSH_RETRY_POLICY.deadlineMs)).toBe(true);
    expect(time.now()).toBeLessThanOrEqual(FLUSH_RETRY_POLICY.deadlineMs + 4000);
  });

  it('never spends more than the deadline plus one call, whatever fails and whatever jitter draws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('throttle', 'server', 'ok'), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 4000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (outcomes, callMs, random) => {
          const time = fakeTime(() => random);
          let index = 0;
          const flush = async () => {
            const outcome = outcomes[Math.min(index, outcomes.length - 1)];
            index += 1;
            time.advance(callMs);
            if (outcome === 'throttle') throw throttle();
            if (outcome === 'server') throw { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } };
          };
          await flushWithRetries(flush, time).catch(() => undefined);
          expect(time.now()).toBeLessThanOrEqual(FLUSH_RETRY_POLICY.deadlineMs + callMs);
          expect(index).toBeLessThanOrEqual(FLUSH_RETRY_POLICY.maxAttempts);
        },
      ),
    );
  });
});

describe('flushForBatch', () => {
  const log = () => {
    const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
    return {
      lines,
      info: (message: string, ...extra: Record<string, unknown>[]) =>
        lines.push({ level: 'info', message, extra: Object.assign({}, ...extra) as Record<string, unknown> }),
      error: (message: string, ...extra: Record<string, unknown>[]) =>
        lines.push({
          level: 'error',
          message,
          extra: Object.assign({}, ...extra) as Record<string, unknown>,
        }),
    };
  };

  it('flushes once for a batch of many key changes, and logs the key ids', async () => {
    const flush = flaky([]);
    const lines = log();
    await flushForBatch([record('k1'), record('k2'), record('k1')], {
      ...fakeTime(),
      flush: flush.flush,
      log: lines,
    });
    expect(flush.calls()).toBe(1);
    expect(lines.lines).toEqual([
      {
        level: 'info',
        message: 'authorizer cache flushed',
        extra: { records: 3, keyIds: ['k1', 'k2'], attempts: 1 },
      },
    ]);
  });

  it('does not flush for an empty batch', async () => {
    const flush = flaky([]);
    await flushForBatch([], { ...fakeTime(), flush: flush.flush, log: log() });
    expect(flush.calls()).toBe(0);
  });

  it('logs an error and rethrows when the flush fails, so the stream retries the batch', async () => {
    const flush = flaky(Array.from({ length: 10 }, throttle));
    const lines = log();
    await expect(
      flushForBatch([record('k1')], { ...fakeTime(), flush: flush.flush, log: lines }),
    ).rejects.toBeInstanceOf(FlushFailedError);
    expect(lines.lines).toEqual([
      {
        level: 'error',
        message: 'authorizer cache flush failed; the stream retries the batch',
        extra: {
          records: 1,
          keyIds: ['k1'],
          attempts: FLUSH_RETRY_POLICY.maxAttempts,
          error: 'TooManyRequestsException',
        },
      },
    ]);
  });
});

describe('flushStageAuthorizersCache with the SDK client', () => {
  const apiGateway = mockClient(APIGatewayClient);
  afterEach(() => {
    apiGateway.reset();
  });
  const client = () =>
    new APIGatewayClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

  it('names the API and stage, and is retried through two 429s', async () => {
    apiGateway
      .on(FlushStageAuthorizersCacheCommand)
      .rejectsOnce(throttle())
      .rejectsOnce(throttle())
      .resolves({ $metadata: { httpStatusCode: 202 } });
    const sdk = client();
    const time = fakeTime();

    await expect(
      flushWithRetries(
        () => flushStageAuthorizersCache(sdk, { restApiId: 'abc123', stageName: 'prod' }),
        time,
      ),
    ).resolves.toEqual({ ok: true, attempts: 3 });
    const calls = apiGateway.commandCalls(FlushStageAuthorizersCacheCommand);
    expect(calls).toHaveLength(3);
    expect(calls.map((call) => call.args[0].input)).toEqual(
      Array.from({ length: 3 }, () => ({ restApiId: 'abc123', stageName: 'prod' })),
    );
  });

  it('stops at a 400 from API Gateway', async () => {
    apiGateway
      .on(FlushStageAuthorizersCacheCommand)
      .rejects(new BadRequestException({ message: 'bad', $metadata: { httpStatusCode: 400 } }));
    const sdk = client();
    await expect(
      flushWithRetries(
        () => flushStageAuthorizersCache(sdk, { restApiId: 'abc123', stageName: 'prod' }),
        fakeTime(),
      ),
    ).rejects.toMatchObject({ attempts: 1, retryable: false });
  });
});
