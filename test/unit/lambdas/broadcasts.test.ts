/**
 * The pure rules of broadcasts: pacing arithmetic, backoff, the state table, scheduled_at, rendering
 * for a contact with its unsubscribe headers, what an SES failure means, and the local SES's bucket.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBroadcastName } from '../../../lambdas/templates/broadcast-names.js';
import { nextSlot, Pacer, pacingFor, retryDelaySeconds } from '../../../lambdas/broadcasts/pacing.js';
import {
  broadcastSourceProblems,
  prepareBroadcast,
  renderFor,
  unsubscribeHeaders,
} from '../../../lambdas/broadcasts/personalize.js';
import { parseScheduledAt } from '../../../lambdas/shared/scheduled-at.js';
import { classifySendFailure } from '../../../lambdas/broadcasts/ses-send.js';
import {
  BROADCAST_ACTIONS,
  BROADCAST_STATUSES,
  counterOf,
  nextStatus,
} from '../../../lambdas/broadcasts/state.js';
import { takeToken } from '../../../local/ses-throttle.js';

describe('pacing', () => {
  it('keeps any number of workers together under the account rate, and close to it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 5000, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (rate, workers) => {
          const { intervalMs, stackRate } = pacingFor(rate, workers);
          expect(workers * (1000 / intervalMs)).toBeLessThanOrEqual(rate + 1e-9);
          expect(stackRate).toBeLessThanOrEqual(rate + 1e-9);
          // Rounding to whole milliseconds loses at most one millisecond per interval.
          expect(workers * (1000 / (intervalMs - 1))).toBeGreaterThan(rate - 1e-9);
        },
      ),
    );
  });

  it('never lets a worker that fell behind burst to catch up', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 200 }),
        (gaps, interval) => {
          let now = 0;
          let previous: number | undefined;
          const slots: number[] = [];
          for (const gap of gaps) {
            now += gap;
            previous = nextSlot(previous, now, interval);
            slots.push(previous);
          }
          for (let i = 1; i < slots.length; i++)
            expect((slots[i] ?? 0) - (slots[i - 1] ?? 0)).toBeGreaterThanOrEqual(interval);
        },
      ),
    );
  });

  it('waits for each slot on the injected clock', async () => {
    let clock = 1000;
    const waits: number[] = [];
    const pacer = new Pacer(
      40,
      () => clock,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    );
    await pacer.take();
    await pacer.take();
    await pacer.take();
    expect(waits).toEqual([40, 40]);
  });

  it('refuses rates and worker counts that mean nothing', () => {
    expect(() => pacingFor(0, 2)).toThrow(/maxSendRate/);
    expect(() => pacingFor(10, 0)).toThrow(/workers/);
  });

  it('backs off from 1 s, doubling, capped at 5 minutes with jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (count, r) => {
          const delay = retryDelaySeconds(count, () => r);
          expect(delay).toBeGreaterThanOrEqual(Math.min(2 ** (count - 1), 300));
          expect(delay).toBeLessThanOrEqual(300);
          expect(retryDelaySeconds(count + 1, () => r)).toBeGreaterThanOrEqual(delay);
        },
      ),
    );
  });
});

describe('the broadcast state table', () => {
  it.each([
    ['draft', 'update', 'draft'],
    ['draft', 'send', 'sending'],
    ['draft', 'schedule', 'scheduled'],
    ['scheduled', 'start', 'sending'],
    ['scheduled', 'cancel', 'canceled'],
    ['sending', 'cancel', 'canceled'],
    ['sending', 'complete', 'sent'],
    ['draft', 'delete', null],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  it('refuses everything else: edits and deletes only of drafts, no way out of a settled broadcast', () => {
    for (const status of BROADCAST_STATUSES) {
      for (const action of BROADCAST_ACTIONS) {
        const next = nextStatus(status, action);
        if (['sent', 'canceled', 'failed'].includes(status)) expect(next).toBeUndefined();
        if ((action === 'update' || action === 'delete') && status !== 'draft') expect(next).toBeUndefined();
      }
    }
  });

  it('counts each final recipient status once, and nothing in flight', () => {
    expect(counterOf('sent')).toBe('sent');
    expect(counterOf('canceled')).toBe('skipped');
    expect(counterOf('queued')).toBeUndefined();
    expect(counterOf('sending')).toBeUndefined();
  });
});

describe('scheduled_at', () => {
  const now = new Date('2026-12-01T10:00:00.000Z');
  it.each([
    ['in 5 minutes', '2026-12-01T10:05:00.000Z'],
    ['in 1 hour', '2026-12-01T11:00:00.000Z'],
    ['in 30 days', '2026-12-31T10:00:00.000Z'],
    ['2026-12-01T12:00:00+01:00', '2026-12-01T11:00:00.000Z'],
    ['2026-12-02T09:00:00Z', '2026-12-02T09:00:00.000Z'],
  ])('reads %s', (value, expected) => {
    const parsed = parseScheduledAt(value, now);
    expect(parsed.ok && parsed.at.toISOString()).toBe(expected);
  });

  it.each([
    'in 0 minutes',
    '2026-12-01T10:00:30Z',
    'in 31 days',
    '2026-12-01T12:00:00',
    'tomorrow',
    'in 5 weeks',
  ])('refuses %s', (value) => {
    expect(parseScheduledAt(value, now).ok).toBe(false);
  });
});

describe('rendering for a contact', () => {
  const contact = {
    id: 'ct_1',
    email: 'ada@example.org',
    firstName: 'Ada',
    properties: { plan: 'pro', seats: 3 },
  };

  it('fills contact fields and properties, escapes html, and renders a missing field empty', () => {
    const prepared = prepareBroadcast(
      {
        subject: 'Hi {{contact.first_name}}{{contact.last_name}}',
        html: '<p>{{contact.properties.plan}} <a href="{{unsubscribe_url}}">x</a> {{contact.properties.missing}}</p>',
        text: '{{contact.properties.seats}} seats, {{greeting}}',
      },
      { greeting: '<b>hello</b>' },
    );
    const rendered = renderFor(prepared, contact, 'https://api.example.com/u/t?a=1&b=2');
    expect(rendered.subject).toBe('Hi Ada');
    expect(rendered.html).toBe(
      '<p>pro <a href="https:&#x2F;&#x2F;api.example.com&#x2F;u&#x2F;t?a&#x3D;1&amp;b&#x3D;2">x</a> </p>',
    );
    expect(rendered.text).toBe('3 seats, <b>hello</b>');
  });

  it('finds nothing of Object.prototype through a dotted name', () => {
    const prepared = prepareBroadcast(
      { text: '[{{contact.constructor}}][{{contact.properties.__proto__}}][{{contact.toString}}]' },
      {},
    );
    expect(renderFor(prepared, contact, 'u').text).toBe('[][][]');
  });

  it('accepts contact names and unsubscribe_url, and refuses other undeclared names and raw html', () => {
    expect(isBroadcastName('contact.first_name')).toBe(true);
    expect(isBroadcastName('contact.properties.plan')).toBe(true);
    expect(isBroadcastName('contact.password')).toBe(false);
    expect(isBroadcastName('contact.properties.a.b')).toBe(false);
    expect(
      broadcastSourceProblems({ subject: '{{contact.first_name}} {{unsubscribe_url}}' }, new Set()),
    ).toEqual([]);
    expect(
      broadcastSourceProblems({ html: '{{{contact.first_name}}}' }, new Set()).map((p) => p.path),
    ).toEqual(['html']);
    expect(broadcastSourceProblems({ text: '{{coupon}}' }, new Set())).toHaveLength(1);
    expect(broadcastSourceProblems({ text: '{{coupon}}' }, new Set(['coupon']))).toEqual([]);
  });

  it('carries RFC 8058 one-click unsubscribe headers', () => {
    expect(unsubscribeHeaders('https://x.example/u/t')).toEqual({
      'List-Unsubscribe': '<https://x.example/u/t>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});

describe('what an SES failure means', () => {
  const error = (name: string, status?: number, code?: string) =>
    Object.assign(new Error(name), {
      name,
      ...(status ? { $metadata: { httpStatusCode: status } } : {}),
      ...(code ? { code } : {}),
    });
  it.each([
    [error('ThrottlingException', 429), 'throttled'],
    [error('Throttling', 400), 'throttled'],
    [error('TooManyRequestsException', 429), 'throttled'],
    [error('InternalFailure', 500), 'retry'],
    [error('Error', undefined, 'ECONNREFUSED'), 'retry'],
    [error('MessageRejected', 400), 'rejected'],
    [error('TimeoutError'), 'unknown_outcome'],
    [error('Error', undefined, 'ECONNRESET'), 'unknown_outcome'],
    ['not an error', 'unknown_outcome'],
  ])('%s is %s', (failure, kind) => {
    expect(classifySendFailure(failure).kind).toBe(kind);
  });
});

describe("the local SES's token bucket", () => {
  it('accepts at most R sends in any second after a full bucket, and R per second on average', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }),
        (rate, gaps) => {
          const bucket = { tokens: rate, at: 0 };
          let now = 0;
          const accepted: number[] = [];
          for (const gap of gaps) {
            now += gap;
            if (takeToken(bucket, now, rate)) accepted.push(now);
          }
          // Over the whole run: the first second's burst plus the rate.
          expect(accepted.length).toBeLessThanOrEqual(rate + Math.ceil((now / 1000) * rate) + 1);
        },
      ),
    );
  });
});
