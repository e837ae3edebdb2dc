import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideClaim,
  familyOf,
  isLapsed,
  type NameClaim,
  namesOverlap,
  VERIFICATION_WINDOW_MS,
} from '../../../../lambdas/domains/domain-claims.js';

const HOUR = 60 * 60 * 1000;
const NOW = new Date('2026-12-07T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

const label = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const name = fc
  .array(label, { minLength: 1, maxLength: 3 })
  .map((labels) => `${labels.join('.')}.example.com`);

function claim(overrides: Partial<NameClaim> = {}): NameClaim {
  return { name: 'example.com', projectId: 'proj_a', domainId: 'dom_a', createdAt: ago(HOUR), ...overrides };
}

describe('namesOverlap', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['mail.example.com', 'example.com', true],
    ['example.com', 'a.b.example.com', true],
    ['badexample.com', 'example.com', false],
    ['example.com.evil.org', 'example.com', false],
    ['a.example.com', 'b.example.com', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(namesOverlap(a, b)).toBe(expected);
    expect(namesOverlap(b, a)).toBe(expected);
  });

  it('is exactly "equal, or one ends with a dot and the other", label by label', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        const labelsA = a.split('.').reverse();
        const labelsB = b.split('.').reverse();
        const shorter = Math.min(labelsA.length, labelsB.length);
        const prefixEqual = labelsA.slice(0, shorter).join('.') === labelsB.slice(0, shorter).join('.');
        expect(namesOverlap(a, b)).toBe(prefixEqual);
      }),
    );
  });

  it('overlapping names share a family, so one Query finds them', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        if (namesOverlap(a, b)) expect(familyOf(a)).toBe(familyOf(b));
      }),
    );
  });
});

describe('familyOf', () => {
  it.each([
    ['mail.example.co.uk', 'example.co.uk'],
    ['example.com', 'example.com'],
    ['a.b.you.github.io', 'you.github.io'],
    ['x.theirs.invalid', 'theirs.invalid'],
  ])('%s → %s', (input, family) => {
    expect(familyOf(input)).toBe(family);
  });
});

describe('isLapsed', () => {
  it('lapses exactly at 72 hours after the create, unless verified', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 * HOUR }), fc.boolean(), (age, verified) => {
        const record = { createdAt: ago(age), ...(verified ? { verifiedAt: ago(0) } : {}) };
        expect(isLapsed(record, NOW)).toBe(!verified && age >= VERIFICATION_WINDOW_MS);
      }),
    );
  });

  it('an unreadable create time never lapses (nothing is freed on data that cannot be read)', () => {
    expect(isLapsed({ createdAt: '' }, NOW)).toBe(false);
    expect(isLapsed({ createdAt: 'yesterday' }, NOW)).toBe(false);
  });
});

describe('decideClaim', () => {
  it.each([
    ['the same name, another project', claim(), 'example.com', false],
    ['the same name, the same project', claim(), 'example.com', false],
    ['a parent of their name', claim({ name: 'mail.example.com' }), 'example.com', false],
    ['a subdomain of their name', claim(), 'mail.example.com', false],
    ['a sibling of their name', claim({ name: 'a.example.com' }), 'b.example.com', true],
    ['their lapsed name', claim({ createdAt: ago(73 * HOUR) }), 'mail.example.com', true],
    [
      'below their verified old name',
      claim({ createdAt: ago(999 * HOUR), verifiedAt: ago(998 * HOUR) }),
      'mail.example.com',
      false,
    ],
  ])('another project claiming %s: %s', (_case, existing, wanted, allowed) => {
    const projectId = _case.includes('same project') ? existing.projectId : 'proj_b';
    expect(decideClaim(wanted, projectId, [existing], NOW).ok).toBe(allowed);
  });

  it('a project may hold names above and below its own', () => {
    expect(decideClaim('mail.example.com', 'proj_a', [claim()], NOW).ok).toBe(true);
    expect(decideClaim('example.com', 'proj_a', [claim({ name: 'x.example.com' })], NOW).ok).toBe(true);
  });

  it('a lapsed claim on the very same name is answered, to be lapsed before the claim', () => {
    const lapsed = claim({ createdAt: ago(72 * HOUR) });
    expect(decideClaim('example.com', 'proj_b', [lapsed], NOW)).toEqual({ ok: true, lapsed });
  });

  it('is refused exactly when a held claim overlaps: the same name by anyone, another project’s parent or subdomain', () => {
    const claims = fc.array(
      fc.record({
        name,
        projectId: fc.constantFrom('proj_a', 'proj_b'),
        domainId: fc.constant('dom_x'),
        createdAt: fc.integer({ min: 0, max: 100 * HOUR }).map(ago),
        verifiedAt: fc.option(fc.constant(ago(0)), { nil: undefined }),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(name, fc.constantFrom('proj_a', 'proj_b'), claims, (wanted, projectId, existing) => {
        const blocking = existing.some(
          (held) =>
            !isLapsed(held, NOW) &&
            (held.name === wanted || (held.projectId !== projectId && namesOverlap(held.name, wanted))),
        );
        expect(decideClaim(wanted, projectId, existing, NOW).ok).toBe(!blocking);
      }),
    );
  });
});
