/** The scheduled email's state machine and the sweep's decisions, pure. */
import { describe, expect, it } from 'vitest';
import { EMAIL_STATUSES } from '../../../../lambdas/message-status/email-status.js';
import {
  CLAIM_LOCK_MS,
  decideDue,
  keyRefusal,
  mayChange,
  outcomeOfError,
} from '../../../../lambdas/sending/scheduled-state.js';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const AT = '2026-12-07T09:59:00.000Z';
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('what may change a scheduled email', () => {
  it.each(EMAIL_STATUSES)('%s: PATCH, cancel and claim only from scheduled', (status) => {
    for (const change of ['reschedule', 'cancel', 'claim'] as const) {
      expect(mayChange(status, change)).toBe(status === 'scheduled');
    }
  });
});

describe('decideDue', () => {
  it.each([
    ['a scheduled email at its entry time is sent', { status: 'scheduled', scheduledAt: AT }, 'send'],
    [
      'an entry left behind by a PATCH is dropped',
      { status: 'scheduled', scheduledAt: '2026-12-07T11:00:00.000Z' },
      'drop',
    ],
    [
      'a claim inside its lock is waited for',
      { status: 'sending', scheduledAt: AT, claimedAt: ago(CLAIM_LOCK_MS - 1) },
      'wait',
    ],
    [
      'a claim past its lock is an unknown outcome',
      { status: 'sending', scheduledAt: AT, claimedAt: ago(CLAIM_LOCK_MS) },
      'unknown_outcome',
    ],
    [
      'a claim with no readable time is an unknown outcome',
      { status: 'sending', scheduledAt: AT, claimedAt: 'x' },
      'unknown_outcome',
    ],
    ['a sent email is dropped', { status: 'sent', scheduledAt: AT }, 'drop'],
    ['a canceled email is dropped', { status: 'canceled', scheduledAt: AT }, 'drop'],
    ['a failed email is dropped', { status: 'failed', scheduledAt: AT }, 'drop'],
  ] as const)('%s', (_name, email, action) => {
    expect(decideDue(email, AT, NOW).action).toBe(action);
  });

  it('drops the entry of an email that is gone', () => {
    expect(decideDue(undefined, AT, NOW).action).toBe('drop');
  });

  it('never sends anything but a scheduled email', () => {
    for (const status of EMAIL_STATUSES) {
      const action = decideDue(
        { status, scheduledAt: AT, claimedAt: ago(10 * CLAIM_LOCK_MS) },
        AT,
        NOW,
      ).action;
      if (status !== 'scheduled') expect(action).not.toBe('send');
    }
  });
});

describe('keyRefusal: the scheduling key at send time', () => {
  it.each([
    ['a missing key (deleted) is revoked', undefined, 'key_revoked'],
    ['a revoked key', { keyId: 'k', revokedAt: ago(1) }, 'key_revoked'],
    ['a revoked key with a console NULL', { keyId: 'k', revokedAt: null }, 'key_revoked'],
    ['an expired key', { keyId: 'k', expiresAt: ago(0) }, 'key_expired'],
    ['an unreadable expiry fails closed', { keyId: 'k', expiresAt: 'soon' }, 'key_expired'],
    ['a key expiring later', { keyId: 'k', expiresAt: '2027-01-01T00:00:00Z' }, undefined],
    ['a key that never expires', { keyId: 'k' }, undefined],
  ] as const)('%s', (_name, item, refusal) => {
    expect(keyRefusal(item, NOW)).toBe(refusal);
  });
});

describe('outcomeOfError: what an SES failure makes of a claimed email', () => {
  it.each([
    ['rate_limited', { status: 'scheduled' }],
    ['email_rejected', { status: 'failed', failureReason: 'email_rejected' }],
    ['upstream_unavailable', { status: 'failed', failureReason: 'unknown_outcome' }],
    [undefined, { status: 'failed', failureReason: 'unknown_outcome' }],
  ] as const)('%s', (code, outcome) => {
    expect(outcomeOfError(code)).toEqual(outcome);
  });
});
