/**
 * Suppressions, pure: how addresses compare, the drop-and-refuse rule every send follows, and which
 * SES events suppress which addresses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressesOf, dropSuppressed, normaliseAddress } from '../../../lambdas/suppressions/address.js';
import { suppressionsOfEvent } from '../../../lambdas/suppressions/from-ses-events.js';

const localPart = fc
  .stringMatching(/^[A-Za-z0-9._+-]{1,20}$/)
  .filter((s) => !s.startsWith('.') && !s.endsWith('.') && !s.includes('..'));
const domain = fc.stringMatching(/^[A-Za-z0-9]{1,12}\.[A-Za-z]{2,6}$/);
const address = fc.tuple(localPart, domain).map(([local, host]) => `${local}@${host}`);

describe('normaliseAddress', () => {
  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['Ada@Example.COM', 'ada@example.com'],
    ['  ada@example.com  ', 'ada@example.com'],
    ['Ada Lovelace <Ada@Example.com>', 'ada@example.com'],
    ['"Lovelace, Ada" <ADA@example.com>', 'ada@example.com'],
    ['not an address', undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(normaliseAddress(input)).toBe(expected);
  });

  it('is the same for every casing and display name of one address', () => {
    fc.assert(
      fc.property(address, fc.boolean(), (plain, named) => {
        const variant = plain.toUpperCase();
        const written = named ? `Someone <${variant}>` : variant;
        expect(normaliseAddress(written)).toBe(plain.toLowerCase());
      }),
    );
  });
});

describe('dropSuppressed', () => {
  const suppressed = new Set(['gone@example.com', 'bounced@example.org']);

  it('drops suppressed recipients from to, cc and bcc, whatever their case or display name', () => {
    const result = dropSuppressed(
      {
        to: ['Gone <GONE@example.com>', 'ada@example.com'],
        cc: ['bounced@example.org'],
        bcc: ['grace@example.com', 'gone@example.com'],
      },
      suppressed,
    );
    expect(result).toEqual({
      kept: { to: ['ada@example.com'], cc: [], bcc: ['grace@example.com'] },
      suppressed: ['gone@example.com', 'bounced@example.org'],
      empty: false,
    });
  });

  it('keeps a send with no suppressed recipient unchanged', () => {
    expect(dropSuppressed({ to: ['ada@example.com'] }, suppressed)).toEqual({
      kept: { to: ['ada@example.com'] },
      suppressed: [],
      empty: false,
    });
  });

  it('refuses (empty) a send whose every recipient is suppressed', () => {
    const result = dropSuppressed({ to: ['gone@example.com'], bcc: ['Bounced@Example.org'] }, suppressed);
    expect(result.empty).toBe(true);
    expect(result.suppressed).toEqual(['gone@example.com', 'bounced@example.org']);
  });

  it('keeps exactly the recipients not suppressed, and is empty exactly when none is left', () => {
    fc.assert(
      fc.property(
        fc.array(address, { minLength: 1, maxLength: 8 }),
        fc.array(address, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (to, bcc, picks) => {
          const all = [...to, ...bcc];
          const set = new Set(picks.map((pick) => (all[pick % all.length] ?? '').toLowerCase()));
          const result = dropSuppressed({ to, bcc }, set);
          const kept = [...result.kept.to, ...(result.kept.bcc ?? [])];
          expect(kept).toEqual(all.filter((mailbox) => !set.has(mailbox.toLowerCase())));
          expect(result.empty).toBe(kept.length === 0);
          for (const dropped of result.suppressed) expect(set.has(dropped)).toBe(true);
          expect(new Set(result.suppressed).size).toBe(result.suppressed.length);
        },
      ),
    );
  });
});

describe('addressesOf', () => {
  it('lists each normalised recipient once', () => {
    expect(
      addressesOf({ to: ['Ada <ada@example.com>', 'ADA@example.com'], cc: ['b@example.com'], bcc: [] }),
    ).toEqual(['ada@example.com', 'b@example.com']);
  });
});

describe('suppressionsOfEvent', () => {
  it.each([
    [
      'a Permanent bounce',
      'email.bounced',
      { bounce_type: 'Permanent', recipients: ['X@Example.com'] },
      { reason: 'bounce', addresses: ['x@example.com'] },
    ],
    [
      'a Transient bounce',
      'email.bounced',
      { bounce_type: 'Transient', recipients: ['x@example.com'] },
      undefined,
    ],
    [
      'an Undetermined bounce',
      'email.bounced',
      { bounce_type: 'Undetermined', recipients: ['x@example.com'] },
      undefined,
    ],
    [
      'a complaint',
      'email.complained',
      { recipients: ['x@example.com', 'X@example.com'] },
      { reason: 'complaint', addresses: ['x@example.com'] },
    ],
    ['a delivery', 'email.delivered', { recipients: ['x@example.com'] }, undefined],
    [
      'a bounce naming no readable recipient',
      'email.bounced',
      { bounce_type: 'Permanent', recipients: [42] },
      undefined,
    ],
  ] as const)('%s', (_name, type, details, expected) => {
    expect(suppressionsOfEvent({ type, details })).toEqual(expected);
  });
});
