import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXPIRING_THRESHOLDS,
  expiringMarker,
  expiringNotice,
  expiringThresholds,
} from '../../../../lambdas/expiring-keys/expiring-decision.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const EXPIRES = new Date('2026-12-01T00:00:00.000Z');
const before = (ms: number) => new Date(EXPIRES.getTime() - ms);

describe('expiringThresholds', () => {
  it.each([
    ['8 days before', 8 * DAY, []],
    ['just over 7 days before', 7 * DAY + 1, []],
    ['exactly 7 days before', 7 * DAY, ['7d']],
    ['6 days before', 6 * DAY, ['7d']],
    ['just over 1 day before', DAY + 1, ['7d']],
    ['exactly 1 day before', DAY, ['7d', '1d']],
    ['23 hours before', 23 * HOUR, ['7d', '1d']],
    ['1 ms before', 1, ['7d', '1d']],
    ['at expiry', 0, []],
    ['after expiry', -HOUR, []],
  ])('%s', (_label, msBefore, due) => {
    expect(expiringThresholds(EXPIRES, before(msBefore), new Set())).toEqual(due);
  });

  it.each([
    ['7d notified, 6 days before', ['7d'], 6 * DAY, []],
    ['7d notified, 23 hours before', ['7d'], 23 * HOUR, ['1d']],
    ['both notified, 23 hours before', ['7d', '1d'], 23 * HOUR, []],
  ] as const)('%s', (_label, notified, msBefore, due) => {
    const markers = new Set(notified.map((threshold) => expiringMarker(threshold, EXPIRES)));
    expect(expiringThresholds(EXPIRES, before(msBefore), markers)).toEqual(due);
  });

  it('a marker of another expiry does not count: a moved expiresAt notifies again', () => {
    const oldExpiry = new Date('2026-11-20T00:00:00.000Z');
    const markers = new Set([expiringMarker('7d', oldExpiry), expiringMarker('1d', oldExpiry)]);
    expect(expiringThresholds(EXPIRES, before(6 * DAY), markers)).toEqual(['7d']);
  });

  it('due exactly when expiresAt − threshold ≤ now < expiresAt and not yet marked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10 * DAY, max: 10 * DAY }),
        fc.subarray(['7d', '1d'] as const),
        (msBefore, notified) => {
          const now = before(msBefore);
          const markers = new Set(notified.map((threshold) => expiringMarker(threshold, EXPIRES)));
          const due = expiringThresholds(EXPIRES, now, markers);
          for (const { name, ms } of EXPIRING_THRESHOLDS) {
            const expected =
              EXPIRES.getTime() - ms <= now.getTime() && now < EXPIRES && !notified.includes(name);
            expect(due.includes(name)).toBe(expected);
          }
          // Marking what is due leaves nothing due: a second run at the same time emits nothing.
          const after = new Set([...markers, ...due.map((threshold) => expiringMarker(threshold, EXPIRES))]);
          expect(expiringThresholds(EXPIRES, now, after)).toEqual([]);
        },
      ),
    );
  });
});

describe('expiringNotice', () => {
  const general = { type: 'general', revokedAt: undefined, expiresAt: EXPIRES } as const;

  it.each([
    ['a general key 6 days before', general, 6 * DAY, { thresholds: ['7d'], daysLeft: 6 }],
    ['a general key 23 hours before', general, 23 * HOUR, { thresholds: ['7d', '1d'], daysLeft: 1 }],
    ['a general key 6.5 days before', general, 6.5 * DAY, { thresholds: ['7d'], daysLeft: 7 }],
    ['a billing key', { ...general, type: 'billing' }, 6 * DAY, undefined],
    ['a revoked key', { ...general, revokedAt: '2026-11-01T00:00:00Z' }, 6 * DAY, undefined],
    ['a revoked key (blank revokedAt)', { ...general, revokedAt: '' }, 6 * DAY, undefined],
    ['a key that never expires', { ...general, expiresAt: undefined }, 6 * DAY, undefined],
    ['an unreadable expiresAt', { ...general, expiresAt: 'invalid' }, 6 * DAY, undefined],
    ['an expired key', general, -DAY, undefined],
  ] as const)('%s', (_label, key, msBefore, expected) => {
    const notice = expiringNotice(key, new Set(), before(msBefore));
    expect(
      notice === undefined ? undefined : { thresholds: notice.thresholds, daysLeft: notice.daysLeft },
    ).toEqual(expected);
  });
});
