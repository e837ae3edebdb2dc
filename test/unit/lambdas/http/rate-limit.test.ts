import type { Documents } from '../../../../lambdas/aws/aws-clients.js';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DynamoNumber } from '../../../../lambdas/aws/attribute-values.js';
import { createServiceHandler } from '../../../../lambdas/http/frame.js';
import { readKeyItem } from '../../../../lambdas/keys/key-item.js';
import { admits, rateWindowKey, rateWindowOf } from '../../../../lambdas/http/rate-limit.js';
import { readAuthContext } from '../../../../lambdas/keys/read-auth-context.js';
import { authContextFor, proxyEvent } from '../../../support/events.js';
import { trivialRoutes, UNLIMITED_FRAME } from '../../../support/frame.js';

describe('rateWindowOf', () => {
  it.each([
    ['2026-11-24T14:30:00.000Z', 1795530600],
    ['2026-11-24T14:30:00.999Z', 1795530600],
    ['2026-11-24T14:30:01.000Z', 1795530601],
    ['1970-01-01T00:00:00.000Z', 0],
  ])('%s is in window %d, retried after 1 s, kept 60 s', (iso, second) => {
    const window = rateWindowOf(new Date(iso));
    expect(window).toEqual({ second, retryAfterSeconds: 1, expiresAt: second + 60 });
  });

  it('every moment falls in the window of its own second, and Retry-After reaches the next one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        const window = rateWindowOf(new Date(ms));
        expect(window.second * 1000).toBeLessThanOrEqual(ms);
        expect(ms).toBeLessThan((window.second + 1) * 1000);
        expect(ms + window.retryAfterSeconds * 1000).toBeGreaterThanOrEqual((window.second + 1) * 1000);
      }),
    );
  });

  it('keys each key and second apart, outside every project partition', () => {
    const window = rateWindowOf(new Date(5_000));
    expect(rateWindowKey('AAAAAAAAAAAA', window)).toEqual({ pk: 'RATE#AAAAAAAAAAAA', sk: '5' });
  });
});

describe('admits', () => {
  it.each([
    [0, 1, true],
    [0, 2, true],
    [1, 2, true],
    [2, 2, false],
    [3, 2, false],
    [0, 0, false],
    [5, 0, false],
  ])('%d already admitted, limit %d → %s', (countBefore, limit, expected) => {
    expect(admits(countBefore, limit)).toBe(expected);
  });

  it('n requests in one window against a counter admit exactly min(n, limit), whatever the order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 80 }), (limit, requests) => {
        let count = 0;
        let admitted = 0;
        for (let i = 0; i < requests; i++) {
          // What the conditional write does: test, then add, atomically.
          if (admits(count, limit)) {
            count++;
            admitted++;
          }
        }
        expect(admitted).toBe(Math.min(requests, limit));
      }),
    );
  });
});

describe('rateLimitPerSecond in the ApiKeys item', () => {
  const item = (rateLimitPerSecond: unknown) => ({
    keyId: 'AAAAAAAAAAAA',
    keyHash: 'a'.repeat(64),
    teamId: 't',
    projectId: 'p',
    ...(rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond }),
  });

  it.each([
    ['absent (the stage default only)', undefined, undefined, false],
    ['a number', 5, 5, false],
    ['a DynamoDB number as the authorizer reads it', new DynamoNumber('12'), 12, false],
    ['a numeric string typed in the console', ' 7 ', 7, false],
    ['a fraction, rounded down', 2.9, 2, false],
    ['0: no request at all', 0, 0, false],
    ['a negative number: held to 0', -1, 0, true],
    ['NULL: held to 0', null, 0, true],
    ['text: held to 0', 'ten', 0, true],
    ['an empty string: held to 0', '', 0, true],
    ['a list: held to 0', [5], 0, true],
  ])('%s', (_name, value, expected, warned) => {
    const reading = readKeyItem(item(value));
    if (!reading.ok) throw new Error('the item should be readable');
    expect(reading.record.rateLimitPerSecond).toBe(expected);
    expect(reading.warnings.some((warning) => warning.includes('rateLimitPerSecond'))).toBe(warned);
  });
});

describe('rateLimitPerSecond in the authorizer context', () => {
  it.each([
    [undefined, ''],
    [0, '0'],
    [25, '25'],
  ])('%j goes out as %j and reads back', (limit, text) => {
    const context = authContextFor({ projectId: 'p', rateLimitPerSecond: limit });
    expect(context.rateLimitPerSecond).toBe(text);
    expect(readAuthContext(context).rateLimitPerSecond).toBe(limit);
  });

  it.each(['-1', '1.5', 'x', ' 2', '1e3'])('fails closed on %j', (rateLimitPerSecond) => {
    const context = { ...authContextFor({ projectId: 'p' }), rateLimitPerSecond };
    expect(() => readAuthContext(context)).toThrow(expect.objectContaining({ code: 'invalid_api_key' }));
  });

  it('fails closed when the field is missing', () => {
    const { rateLimitPerSecond: _dropped, ...context } = authContextFor({ projectId: 'p' });
    expect(() => readAuthContext(context)).toThrow(expect.objectContaining({ code: 'invalid_api_key' }));
  });
});

describe('the frame holds a limited key to its limit', () => {
  function setUp(send: (command: unknown) => Promise<unknown>) {
    const handler = vi.fn(async () => ({ ok: true }));
    const documents = { send: vi.fn(send) } as unknown as Documents;
    const frame = {
      ...UNLIMITED_FRAME,
      rateLimits: { documents, dataTable: 'Data', now: () => new Date('2026-11-24T14:30:00.250Z') },
    };
    const log = { error: vi.fn() };
    const serve = createServiceHandler('account', trivialRoutes('account', handler), log, frame);
    const event = (rateLimitPerSecond: number | undefined) =>
      proxyEvent({
        method: 'GET',
        resource: '/v1/projects',
        authorizer: authContextFor({ projectId: 'p', rateLimitPerSecond }),
      });
    return { serve, event, handler, send: documents.send as ReturnType<typeof vi.fn>, log };
  }

  it('admits with one conditional UpdateItem on the window of the current second', async () => {
    const { serve, event, handler, send } = setUp(async () => ({}));
    const result = await serve(event(3));
    expect(result.statusCode).toBe(200);
    expect(handler).toHaveBeenCalledOnce();
    expect(send).toHaveBeenCalledOnce();
    const { input } = send.mock.calls[0]?.[0] as { input: Record<string, unknown> };
    expect(input).toMatchObject({
      TableName: 'Data',
      Key: { pk: 'RATE#AAAAAAAAAAAA', sk: '1795530600' },
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
      ExpressionAttributeValues: { ':one': 1, ':limit': 3, ':ttl': 1795530660 },
    });
  });

  it('refuses with 429 rate_limited and Retry-After when the condition fails; the handler never runs', async () => {
    const refusal = Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' });
    const { serve, event, handler } = setUp(() => Promise.reject(refusal));
    const result = await serve(event(3));
    expect(result.statusCode).toBe(429);
    expect(result.headers).toMatchObject({ 'retry-after': '1' });
    expect(JSON.parse(result.body)).toMatchObject({
      error_code: 'rate_limited',
      message: 'This API key is limited to 3 requests per second.',
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('a limit of 0 refuses without a write', async () => {
    const { serve, event, handler, send } = setUp(async () => ({}));
    expect((await serve(event(0))).statusCode).toBe(429);
    expect(send).not.toHaveBeenCalled();
    expect(handler).not.toHaveBeenCalled();
  });

  it.each([
    ['a throttle', Object.assign(new Error('slow down'), { name: 'ThrottlingException' })],
    ['access denied', Object.assign(new Error('no'), { name: 'AccessDeniedException' })],
  ])('fails closed with 503 when the counter cannot be written (%s)', async (_name, failure) => {
    const { serve, event, handler, log } = setUp(() => Promise.reject(failure));
    const result = await serve(event(3));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toMatchObject({ error_code: 'upstream_unavailable' });
    expect(handler).not.toHaveBeenCalled();
    expect(log.error).toHaveBeenCalled();
  });

  it('a key without a limit never reaches the store', async () => {
    const { serve, event, handler, send } = setUp(async () => ({}));
    expect((await serve(event(undefined))).statusCode).toBe(200);
    expect(send).not.toHaveBeenCalled();
    expect(handler).toHaveBeenCalledOnce();
  });

  it('the shared test frame refuses to be reached, so unlimited tests prove they cost nothing', async () => {
    await expect(UNLIMITED_FRAME.rateLimits.documents.send({} as never)).rejects.toThrow(/rate limit/);
  });
});
