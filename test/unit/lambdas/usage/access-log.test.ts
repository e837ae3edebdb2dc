import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCESS_LOG_FORMAT, type AccessLogRecord } from '../../../../lambdas/api/access-log-format.js';
import { parseAccessLogRecord, type UsageRecord } from '../../../../lambdas/usage/access-log.js';
import { type AttributedRecord, aggregateUsage } from '../../../../lambdas/usage/aggregate.js';
import { accessLogRecord } from '../../../../local/access-log.js';

const KEY = 'AbCdEfGh1234';
const FALLBACK = new Date('2026-11-24T00:00:00.000Z');

/** A record as API Gateway writes it: every field text, `-` where it has no value. */
function line(fields: Partial<AccessLogRecord>): string {
  const blank = Object.fromEntries(Object.keys(ACCESS_LOG_FORMAT).map((name) => [name, '-']));
  return JSON.stringify({
    ...blank,
    requestId: 'b7c2e0f1-0000-4000-8000-000000000001',
    requestTimeEpoch: '1795996800123',
    method: 'POST',
    resourcePath: '/v1/emails',
    ip: '203.0.113.9',
    ...fields,
  });
}

describe('parseAccessLogRecord: real shapes of the access log', () => {
  it.each<[string, Partial<AccessLogRecord>, Partial<UsageRecord> | undefined]>([
    [
      'an allowed call the service answered 200',
      { status: '200', principalId: KEY, projectId: 'proj_a', integrationStatus: '200' },
      {
        keyId: KEY,
        projectId: 'proj_a',
        outcome: 'allowed',
        status: 200,
        errorCode: undefined,
        route: 'POST /v1/emails',
      },
    ],
    [
      'an allowed call the service answered 404 (its code is not in the log)',
      {
        method: 'GET',
        resourcePath: '/v1/emails/{id}',
        status: '404',
        principalId: KEY,
        projectId: 'proj_a',
      },
      { outcome: 'allowed', errorCode: 'http_404', route: 'GET /v1/emails/{id}' },
    ],
    [
      'a Deny from the IP allow-list (no project in a Deny)',
      { status: '403', principalId: KEY, errorType: 'ACCESS_DENIED', denyCode: 'ip_not_allowed' },
      { outcome: 'denied', projectId: undefined, errorCode: 'ip_not_allowed' },
    ],
    [
      'a Deny for a missing scope',
      { status: '403', principalId: KEY, errorType: 'ACCESS_DENIED', denyCode: 'insufficient_scope' },
      { outcome: 'denied', errorCode: 'insufficient_scope' },
    ],
    [
      'a cached Allow that does not cover the route (ACCESS_DENIED without a deny code)',
      { status: '403', principalId: KEY, projectId: 'proj_a', errorType: 'ACCESS_DENIED' },
      { outcome: 'denied', errorCode: 'insufficient_scope' },
    ],
    [
      'a throttle after the authorizer',
      { status: '429', principalId: KEY, projectId: 'proj_a', errorType: 'THROTTLED' },
      { outcome: 'denied', errorCode: 'rate_limited' },
    ],
    [
      'a service that crashed (the integration ran: allowed)',
      { status: '502', principalId: KEY, projectId: 'proj_a', errorType: 'INTEGRATION_FAILURE' },
      { outcome: 'allowed', errorCode: 'integration_failure' },
    ],
    [
      'a service that answered 503 itself',
      { status: '503', principalId: KEY, projectId: 'proj_a' },
      { outcome: 'allowed', errorCode: 'http_503' },
    ],
  ])('%s', (_name, fields, expected) => {
    expect(parseAccessLogRecord(line(fields), FALLBACK)).toMatchObject({
      ...expected,
      at: new Date(1795996800123),
    });
  });

  it.each<[string, string]>([
    [
      'a 401: no principal (missing, malformed, unknown key or wrong secret)',
      line({ status: '401', errorType: 'UNAUTHORIZED' }),
    ],
    ['a 503 from the authorizer failing', line({ status: '503', errorType: 'AUTHORIZER_FAILURE' })],
    [
      'an unknown route (404 before the authorizer)',
      line({ status: '404', resourcePath: '-', errorType: 'MISSING_AUTHENTICATION_TOKEN' }),
    ],
    ['a principal that is not a key id', line({ status: '200', principalId: 'user', projectId: 'p' })],
    ['a status that is not one', line({ status: 'abc', principalId: KEY })],
    ['a method that is not one', line({ status: '200', principalId: KEY, method: 'get me' })],
    ['not JSON', 'START RequestId: 1'],
    ['JSON that is not an object', '[1,2]'],
    ['a number where text belongs', JSON.stringify({ principalId: 12, requestId: 'r', status: 200 })],
  ])('counts nowhere: %s', (_name, message) => {
    expect(parseAccessLogRecord(message, FALLBACK)).toBeUndefined();
  });

  it('takes the log event time when the record has no usable epoch', () => {
    const parsed = parseAccessLogRecord(
      line({ status: '200', principalId: KEY, requestTimeEpoch: '-' }),
      FALLBACK,
    );
    expect(parsed?.at).toEqual(FALLBACK);
  });

  it('reads what the local gateway writes: the same fields as the deployed format', () => {
    const record = accessLogRecord({
      requestId: 'req-1',
      method: 'DELETE',
      path: '/v1/templates/tpl_1',
      status: 403,
      durationMs: 3,
      sourceIp: '127.0.0.1',
      userAgent: undefined,
      responseLength: 10,
      keyPrefix: undefined,
      startedAt: 1795996800123,
      trace: {
        resourcePath: '/v1/templates/{id}',
        principalId: KEY,
        errorType: 'ACCESS_DENIED',
        denyCode: 'key_revoked',
      },
    });
    expect(Object.keys(record).toSorted()).toEqual(Object.keys(ACCESS_LOG_FORMAT).toSorted());
    expect(parseAccessLogRecord(JSON.stringify(record), FALLBACK)).toEqual({
      requestId: 'req-1',
      keyId: KEY,
      projectId: undefined,
      route: 'DELETE /v1/templates/{id}',
      status: 403,
      outcome: 'denied',
      errorCode: 'key_revoked',
      at: new Date(1795996800123),
    });
  });
});

const recordArbitrary: fc.Arbitrary<AttributedRecord> = fc.record({
  requestId: fc.uuid(),
  keyId: fc.constantFrom('AAAAAAAAAAAA', 'BBBBBBBBBBBB', 'CCCCCCCCCCCC'),
  projectId: fc.constantFrom('proj_a', 'proj_b'),
  route: fc.constantFrom('GET /v1/emails', 'POST /v1/emails', 'DELETE /v1/templates/{id}'),
  status: fc.constantFrom(200, 201, 403, 404, 429),
  outcome: fc.constantFrom('allowed' as const, 'denied' as const),
  errorCode: fc.option(fc.constantFrom('ip_not_allowed', 'http_404', 'rate_limited'), { nil: undefined }),
  at: fc.date({
    min: new Date('2026-01-01T00:00:00Z'),
    max: new Date('2026-01-04T23:59:59Z'),
    noInvalidDate: true,
  }),
});

describe('aggregateUsage', () => {
  it('counts of a random batch equal the per-key, per-day sums of its records', () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { maxLength: 200 }), (records) => {
        const { days, lastUsed } = aggregateUsage(records);
        const of = (record: AttributedRecord) =>
          days.find(
            (day) =>
              day.keyId === record.keyId &&
              day.projectId === record.projectId &&
              day.date === record.at.toISOString().slice(0, 10),
          );
        for (const record of records) expect(of(record)).toBeDefined();
        for (const day of days) {
          const mine = records.filter((record) => of(record) === day);
          expect(day.allowed).toBe(mine.filter((record) => record.outcome === 'allowed').length);
          expect(day.denied).toBe(mine.filter((record) => record.outcome === 'denied').length);
          expect(Object.values(day.byRoute).reduce((a, b) => a + b, 0)).toBe(mine.length);
          for (const [route, count] of Object.entries(day.byRoute)) {
            expect(count).toBe(mine.filter((record) => record.route === route).length);
          }
          for (const [code, count] of Object.entries(day.byError)) {
            expect(count).toBe(mine.filter((record) => record.errorCode === code).length);
          }
          expect(Object.values(day.byError).reduce((a, b) => a + b, 0)).toBe(
            mine.filter((record) => record.errorCode !== undefined).length,
          );
        }
        expect(days.reduce((sum, day) => sum + day.allowed + day.denied, 0)).toBe(records.length);
        for (const { keyId, at } of lastUsed) {
          const latest = Math.max(
            ...records.filter((record) => record.keyId === keyId).map((r) => r.at.getTime()),
          );
          expect(at).toBe(new Date(latest).toISOString());
        }
        expect(lastUsed.map(({ keyId }) => keyId)).toEqual(
          [...new Set(records.map((r) => r.keyId))].toSorted(),
        );
      }),
    );
  });

  it('is the same whatever the order of the batch (chunks of a re-delivered batch line up)', () => {
    fc.assert(
      fc.property(
        fc
          .array(recordArbitrary, { maxLength: 50 })
          .chain((records) =>
            fc.tuple(fc.constant(records), fc.shuffledSubarray(records, { minLength: records.length })),
          ),
        ([records, shuffled]) => {
          expect(aggregateUsage(shuffled)).toEqual(aggregateUsage(records));
        },
      ),
    );
  });
});
