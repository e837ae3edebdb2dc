import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressOfReference,
  originOf,
  resendSuppressionJson,
  suppressionIdOf,
} from '../../../../lambdas/suppressions/resend-adapter.js';

describe("Resend's suppression ids", () => {
  it('name the address they were made from, as the address itself does', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_+-]{0,19}@[A-Za-z0-9]{1,20}\.[A-Za-z]{2,6}$/),
        (email) => {
          const address = email.toLowerCase();
          expect(addressOfReference(suppressionIdOf(address))).toBe(address);
          expect(addressOfReference(email)).toBe(address);
        },
      ),
    );
  });

  it.each(['sup_', 'sup_bm90LWFuLWFkZHJlc3M', 'em_0000000000000000000000', ''])(
    'name no address for %j',
    (reference) => {
      expect(addressOfReference(reference)).toBeUndefined();
    },
  );
});

describe('originOf', () => {
  it.each([
    ['bounce', 'bounce'],
    ['complaint', 'complaint'],
    ['manual', 'manual'],
    ['unsubscribe', 'manual'],
  ] as const)('reads %s as %s', (reason, origin) => {
    expect(originOf(reason)).toBe(origin);
  });
});

describe('resendSuppressionJson', () => {
  it("is a /v1 suppression in Resend's shape", () => {
    expect(
      resendSuppressionJson({
        email: 'ada@example.org',
        reason: 'bounce',
        source_email_id: 'em_1',
        created_at: '2026-12-07T00:00:00.000Z',
      }),
    ).toEqual({
      object: 'suppression',
      id: suppressionIdOf('ada@example.org'),
      email: 'ada@example.org',
      origin: 'bounce',
      source_id: 'em_1',
      created_at: '2026-12-07T00:00:00.000Z',
    });
  });
});
