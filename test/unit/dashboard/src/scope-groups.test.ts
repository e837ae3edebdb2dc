/** The scope picker's groups and levels, from the server's scope table; the IP field's check. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENERAL_SCOPES, type GeneralScope } from '../../../../lambdas/api/scopes.js';
import { checkIpEntries } from '../../../../dashboard/src/ip-entries.js';
import { levelOf, levelsOf, SCOPE_GROUPS, withLevel } from '../../../../dashboard/src/scope-groups.js';

const group = (resource: string) => {
  const found = SCOPE_GROUPS.find((candidate) => candidate.resource === resource);
  if (!found) throw new Error(`no ${resource} group`);
  return found;
};

describe('scope groups', () => {
  it('hold every general scope exactly once, grouped by resource', () => {
    const flat = SCOPE_GROUPS.flatMap(({ resource, scopes }) => scopes.map((scope) => [resource, scope]));
    expect(flat.map(([, scope]) => scope).toSorted()).toEqual(Object.keys(GENERAL_SCOPES).toSorted());
    for (const [resource, scope] of flat) expect(scope?.startsWith(`${resource}:`)).toBe(true);
  });

  it.each([
    ['emails', ['none', 'read', 'full']],
    ['templates', ['none', 'read', 'full']],
    ['projects', ['none', 'full']],
    ['sms', ['none', 'full']],
  ])('%s offers %j', (resource, levels) => {
    expect(levelsOf(group(resource))).toEqual(levels);
  });

  it.each<[string, string[], string]>([
    ['templates', [], 'none'],
    ['templates', ['templates:read'], 'read'],
    ['templates', ['templates:read', 'templates:write'], 'full'],
    ['templates', ['templates:write'], 'mixed'],
    ['emails', ['emails:send'], 'mixed'],
    ['projects', ['projects:read'], 'full'],
  ])('%s with %j is %s', (resource, selected, level) => {
    expect(levelOf(group(resource), new Set(selected))).toBe(level);
  });

  it('setting a level changes only that resource, and reads back as that level', () => {
    const all = Object.keys(GENERAL_SCOPES) as GeneralScope[];
    fc.assert(
      fc.property(
        fc.subarray(all),
        fc.constantFrom(...SCOPE_GROUPS),
        fc.constantFrom('none', 'read', 'full'),
        (selected, chosen, level) => {
          fc.pre(levelsOf(chosen).includes(level));
          const next = withLevel(chosen, new Set(selected), level);
          expect(levelOf(chosen, next)).toBe(level);
          const others = (scopes: Iterable<string>) =>
            [...scopes].filter((scope) => !(chosen.scopes as readonly string[]).includes(scope)).toSorted();
          expect(others(next)).toEqual(others(selected));
        },
      ),
    );
  });
});

describe('the IP field', () => {
  it.each<[string, string[], string[]]>([
    ['', [], []],
    ['203.0.113.50, 198.51.100.0/24', ['203.0.113.50', '198.51.100.0/24'], []],
    ['2001:db8::/32', ['2001:db8::/32'], []],
    [
      '10.0.0.1/33, 010.0.0.1, nope',
      ['10.0.0.1/33', '010.0.0.1', 'nope'],
      ['10.0.0.1/33', '010.0.0.1', 'nope'],
    ],
  ])('%j', (text, entries, invalid) => {
    expect(checkIpEntries(text)).toEqual({ entries, invalid });
  });
});
