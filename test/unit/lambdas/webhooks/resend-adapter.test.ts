import fc from 'fast-check';
import type { WebhookEvent } from 'resend';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { EVENT_TYPES, type EventType } from '../../../../lambdas/shared/event-types.js';
import {
  RESEND_ONLY_EVENTS,
  resendWebhookOf,
  scopegateEventsOf,
  webhookPosition,
} from '../../../../lambdas/webhooks/resend-adapter.js';

function refusal(run: () => unknown): ApiError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  return undefined;
}

describe('scopegateEventsOf', () => {
  it('names every Resend event scopegate lacks: the others are scopegate’s, spelled the same', () => {
    expectTypeOf<Exclude<WebhookEvent, EventType>>().toEqualTypeOf<(typeof RESEND_ONLY_EVENTS)[number]>();
  });

  it('passes any list of scopegate event names through as they are', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EVENT_TYPES)), (events) => {
        expect(scopegateEventsOf(events)).toEqual(events);
      }),
    );
  });

  it('refuses a Resend-only event with invalid_parameter naming its place and the event', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...EVENT_TYPES)),
        fc.constantFrom(...RESEND_ONLY_EVENTS),
        (before, event) => {
          const error = refusal(() => scopegateEventsOf([...before, event, 'email.sent']));
          expect(error?.code).toBe('invalid_parameter');
          expect(error?.message).toContain(`events.${before.length}`);
          expect(error?.message).toContain(event);
        },
      ),
    );
  });

  it('answers any other name as a validation error', () => {
    expect(refusal(() => scopegateEventsOf(['email.nope']))?.code).toBe('validation_error');
  });
});

describe('resendWebhookOf', () => {
  it('answers url as endpoint, without description or a disabled reason', () => {
    expect(
      resendWebhookOf({
        id: 'wh_1',
        url: 'https://example.com/h',
        events: ['email.sent'],
        description: 'mine',
        status: 'disabled',
        disabled_reason: 'HTTP 410.',
        created_at: '2026-01-01T00:00:00.000Z',
      }),
    ).toEqual({
      object: 'webhook',
      id: 'wh_1',
      endpoint: 'https://example.com/h',
      events: ['email.sent'],
      status: 'disabled',
      created_at: '2026-01-01T00:00:00.000Z',
    });
  });
});

describe('webhookPosition', () => {
  it('is the sort key of a webhook id, and nothing for another id', () => {
    expect(webhookPosition('wh_0VbnqK3m8a2Jx7Qp1Zr5Tt')).toBe('WEBHOOK#wh_0VbnqK3m8a2Jx7Qp1Zr5Tt');
    expect(webhookPosition('ct_0VbnqK3m8a2Jx7Qp1Zr5Tt')).toBeUndefined();
    expect(webhookPosition('wh_short')).toBeUndefined();
  });
});
