/** The pure parts of the delivery pipeline: outbox records, fan-out rules, jobs and decisions. */
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../../lambdas/shared/event-types.js';
import type { DeliveryResult } from '../../../../lambdas/deliveries/attempt.js';
import {
  FAILED_DELIVERIES_BEFORE_DISABLE,
  decideAfterAttempt,
  disableReasonAfterFailures,
} from '../../../../lambdas/deliveries/decisions.js';
import { type Subscriber, deliveryJobsFor, subscribersOf } from '../../../../lambdas/fan-out/fan-out.js';
import {
  MAX_SQS_DELAY_SECONDS,
  delaySecondsFor,
  encodeJob,
  parseJob,
} from '../../../../lambdas/deliveries/job.js';
import {
  outboxEventFromItem,
  outboxEventFromStreamRecord,
} from '../../../../lambdas/fan-out/outbox-stream.js';
import { MAX_ATTEMPTS } from '../../../../lambdas/deliveries/schedule.js';

const EVT = `evt_${'0VbnqK3m8a2'.repeat(2)}`;
const WH = `wh_${'Jx7Qp1Zr5Tt'.repeat(2)}`;

const webhook = (overrides: Partial<Subscriber> = {}): Subscriber => ({
  id: WH,
  projectId: 'p1',
  status: 'enabled',
  events: ['email.sent'],
  ...overrides,
});

describe('subscribersOf', () => {
  it.each([
    ['subscribed and enabled', webhook(), 'email.sent', true],
    ['not subscribed to the type', webhook(), 'email.bounced', false],
    ['disabled', webhook({ status: 'disabled' }), 'email.sent', false],
    ['of another project', webhook({ projectId: 'p2' }), 'email.sent', false],
  ] as const)('%s → %s', (_name, subscriber, type, expected) => {
    const event = { projectId: 'p1', eventId: EVT, type };
    expect(subscribersOf(event, [subscriber])).toEqual(expected ? [subscriber] : []);
  });

  it('sends webhook.test only to the webhook it names, whatever it subscribes to', () => {
    const named = webhook({ id: 'wh_named', events: ['email.sent'] });
    const other = webhook({ id: 'wh_other', events: [...EVENT_TYPES] });
    const event = { projectId: 'p1', eventId: EVT, type: 'webhook.test', webhookId: 'wh_named' };
    expect(subscribersOf(event, [named, other])).toEqual([named]);
    expect(subscribersOf({ ...event, webhookId: undefined }, [named, other])).toEqual([]);
  });

  it('never selects a webhook of another project, or a disabled one (property)', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              id: fc.string(),
              projectId: fc.constantFrom('p1', 'p2', 'p3'),
              status: fc.constantFrom('enabled' as const, 'disabled' as const),
              events: fc.subarray([...EVENT_TYPES]),
            }),
          ),
          fc.constantFrom(...EVENT_TYPES),
          (webhooks, type) => {
            const selected = subscribersOf({ projectId: 'p1', eventId: EVT, type, webhookId: 'x' }, webhooks);
            return selected.every((w) => w.projectId === 'p1' && w.status === 'enabled');
          },
        ),
      ),
    ).not.toThrow();
  });

  it('makes one first-attempt job per subscriber, due now', () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    expect(deliveryJobsFor({ projectId: 'p1', eventId: EVT, type: 'email.sent' }, [webhook()], now)).toEqual([
      { projectId: 'p1', webhookId: WH, eventId: EVT, attempt: 1, dueAt: now.toISOString() },
    ]);
  });
});

describe('outbox records', () => {
  const image = {
    pk: { S: 'PROJECT#p1' },
    sk: { S: `EVENT#${EVT}` },
    id: { S: EVT },
    type: { S: 'webhook.test' },
    data: { M: { webhook_id: { S: WH } } },
  };
  const record = (overrides: Partial<DynamoDBRecord> = {}): DynamoDBRecord => ({
    eventName: 'INSERT',
    dynamodb: { NewImage: image, SequenceNumber: '1' },
    ...overrides,
  });

  it('reads an inserted event item', () => {
    expect(outboxEventFromStreamRecord(record())).toEqual({
      projectId: 'p1',
      eventId: EVT,
      type: 'webhook.test',
      webhookId: WH,
    });
  });

  it.each([
    ['a MODIFY', record({ eventName: 'MODIFY' })],
    ['a REMOVE', record({ eventName: 'REMOVE' })],
    ['no new image', record({ dynamodb: {} })],
    ['another kind of item', record({ dynamodb: { NewImage: { ...image, sk: { S: 'WEBHOOK#x' } } } })],
    ['an id that is not its key', record({ dynamodb: { NewImage: { ...image, id: { S: 'evt_other' } } } })],
    ['no type', record({ dynamodb: { NewImage: { ...image, type: { S: '' } } } })],
    ['no project', record({ dynamodb: { NewImage: { ...image, pk: { S: 'TEAM#t' } } } })],
  ])('ignores %s', (_name, input) => {
    expect(outboxEventFromStreamRecord(input)).toBeUndefined();
  });

  it('reads the same event from a document item', () => {
    const item = {
      pk: 'PROJECT#p1',
      sk: `EVENT#${EVT}`,
      id: EVT,
      type: 'webhook.test',
      data: { webhook_id: WH },
    };
    expect(outboxEventFromItem(item)).toEqual(outboxEventFromStreamRecord(record()));
  });
});

describe('delivery jobs', () => {
  const job = { projectId: 'p1', webhookId: WH, eventId: EVT, attempt: 3, dueAt: '2026-01-01T00:00:00.000Z' };

  it('round-trips through the queue', () => {
    expect(parseJob(encodeJob(job))).toEqual(job);
  });

  it.each([
    ['not JSON', '{'],
    ['an extra field', JSON.stringify({ ...JSON.parse(encodeJob(job)), secret: 'x' })],
    ['a bad webhook id', encodeJob({ ...job, webhookId: 'wh_x' })],
    ['attempt 0', encodeJob({ ...job, attempt: 0 })],
    ['a bad date', encodeJob({ ...job, dueAt: 'tomorrow' })],
  ])('refuses %s', (_name, body) => {
    expect(parseJob(body)).toBeUndefined();
  });

  it.each([
    [-1, 1, 0],
    [0, 1, 0],
    [1, 1, 1],
    [5_000, 1, 5],
    [5_001, 1, 6],
    [15 * 60_000, 1, 900],
    [24 * 3_600_000, 1, MAX_SQS_DELAY_SECONDS],
    [24 * 3_600_000, 3600, 24],
    [24 * 3_600_000, Number.POSITIVE_INFINITY, 0],
  ])('holds a job due in %i ms (time scale %d) for %i s', (remaining, scale, expected) => {
    expect(delaySecondsFor(remaining, scale)).toBe(expected);
  });
});

describe('decideAfterAttempt', () => {
  const at = new Date('2026-01-01T00:00:00.000Z');
  const result = (overrides: Partial<DeliveryResult>): DeliveryResult => ({
    outcome: 'failed',
    durationMs: 10,
    responseBody: '',
    ...overrides,
  });
  const decide = (attempt: number, overrides: Partial<DeliveryResult>) =>
    decideAfterAttempt({ attempt, result: result(overrides), failedAt: at, random: () => 0.5 });

  it('succeeds on a 2xx and resets the run of failures', () => {
    expect(decide(3, { outcome: 'succeeded', status: 204 })).toEqual({
      status: 'succeeded',
      failureRun: 'reset',
    });
  });

  it('disables at once on 410, without retrying', () => {
    expect(decide(1, { outcome: 'gone', status: 410 })).toEqual({
      status: 'failed',
      disableReason: 'The endpoint answered 410 Gone.',
      failureRun: 'keep',
    });
  });

  it.each([
    [1, 5_000],
    [2, 5 * 60_000],
    [MAX_ATTEMPTS - 1, 24 * 3_600_000],
  ])('schedules attempt %i + 1 after %i ms', (attempt, delay) => {
    expect(decide(attempt, { status: 500 })).toEqual({
      status: 'pending',
      nextAttemptAt: new Date(at.getTime() + delay),
      failureRun: 'keep',
    });
  });

  it('honours Retry-After, and treats a refused address like any failure', () => {
    expect(decide(1, { status: 503, retryAfterSeconds: 60 }).nextAttemptAt).toEqual(
      new Date(at.getTime() + 60_000),
    );
    expect(decide(1, { outcome: 'refused' }).status).toBe('pending');
  });

  it('fails after the last attempt and extends the run of failures', () => {
    expect(decide(MAX_ATTEMPTS, { status: 500 })).toEqual({ status: 'failed', failureRun: 'extend' });
  });

  it(`disables after ${FAILED_DELIVERIES_BEFORE_DISABLE} failed deliveries in a row`, () => {
    expect(disableReasonAfterFailures(FAILED_DELIVERIES_BEFORE_DISABLE - 1)).toBeUndefined();
    expect(disableReasonAfterFailures(FAILED_DELIVERIES_BEFORE_DISABLE)).toMatch(/last 5 deliveries failed/);
  });
});
