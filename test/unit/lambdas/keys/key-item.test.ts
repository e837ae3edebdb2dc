import { describe, expect, it } from 'vitest';
import { formatRange } from '../../../../lambdas/keys/ip-allowlist.js';
import {
  type KeyItemReading,
  type KeyRecord,
  readKeyItem,
  readStringList,
} from '../../../../lambdas/keys/key-item.js';
import { testKey } from '../../../support/keys.js';

/** The item as lib-dynamodb returns it, with a few attributes changed the way a console edit would. */
const itemWith = (overrides: Record<string, unknown>) => testKey(overrides).item;

function recordOf(reading: KeyItemReading): KeyRecord {
  if (!reading.ok) throw new Error(`expected a readable item, got ${reading.problems.join('; ')}`);
  return reading.record;
}

const warningsOf = (reading: KeyItemReading): readonly string[] => (reading.ok ? reading.warnings : []);

describe('readKeyItem: happy path', () => {
  it('reads an item written by the key code as it is, without warnings', () => {
    const { item, key } = testKey({
      permission: 'custom',
      scopes: new Set(['emails:send', 'templates:read']),
      allowedIps: '203.0.113.50, 198.51.100.0/24',
      allowedDomains: new Set(['example.com']),
      expiresAt: '2030-01-01T00:00:00.000Z',
    });
    const reading = readKeyItem(item);
    expect(warningsOf(reading)).toEqual([]);
    const record = recordOf(reading);
    expect(record).toMatchObject({
      keyId: key.keyId,
      keyHash: key.keyHash,
      name: 'test key',
      type: 'general',
      teamId: 'team_test',
      projectId: 'proj_test',
      permission: 'custom',
      allowedDomains: ['example.com'],
      revokedAt: undefined,
    });
    expect([...record.scopes].sort()).toEqual(['emails:send', 'templates:read']);
    expect(record.expiresAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));
    expect(record.allowedIps.ok && record.allowedIps.ranges.map(formatRange)).toEqual([
      '203.0.113.50',
      '198.51.100.0/24',
    ]);
  });

  it('absent optional attributes mean: custom, no scopes, any IP, any domain, never expires, not revoked', () => {
    const { item } = testKey({ permission: undefined, type: undefined });
    const record = recordOf(readKeyItem(item));
    expect(record).toMatchObject({
      type: 'general',
      permission: 'custom',
      scopes: [],
      allowedIps: { ok: true, ranges: [] },
      allowedDomains: undefined,
      expiresAt: undefined,
      revokedAt: undefined,
    });
  });
});

describe('readKeyItem: console hand edits read leniently', () => {
  it.each([
    [
      'upper case and spaces in an SS',
      new Set([' Emails:Send', 'TEMPLATES:READ ']),
      ['emails:send', 'templates:read'],
    ],
    ['an L instead of an SS', ['emails:send', 'templates:read'], ['emails:send', 'templates:read']],
    ['a single S', 'emails:send', ['emails:send']],
    ['an empty L', [], []],
  ])('scopes as %s', (_case, scopes, expected) => {
    const reading = readKeyItem(itemWith({ permission: 'custom', scopes }));
    expect(warningsOf(reading)).toEqual([]);
    expect([...recordOf(reading).scopes].sort()).toEqual(expected);
  });

  it('ignores unknown scopes and warns with them', () => {
    const reading = readKeyItem(
      itemWith({ permission: 'custom', scopes: ['emails:send', 'emails:delete', 'admin'] }),
    );
    expect(recordOf(reading).scopes).toEqual(['emails:send']);
    expect(warningsOf(reading)).toEqual(['ignored unknown scopes: emails:delete, admin']);
  });

  it('a general key listing billing scopes holds none of them (warned)', () => {
    const reading = readKeyItem(itemWith({ permission: 'custom', scopes: ['billing:read', 'emails:read'] }));
    expect(recordOf(reading).scopes).toEqual(['emails:read']);
    expect(warningsOf(reading)).toEqual(['ignored unknown scopes: billing:read']);
  });

  it('a billing key listing general scopes holds none of them (warned)', () => {
    const reading = readKeyItem(
      itemWith({ type: 'billing', permission: 'custom', scopes: ['emails:send', 'billing:read'] }),
    );
    expect(recordOf(reading).scopes).toEqual(['billing:read']);
    expect(warningsOf(reading)).toEqual(['ignored unknown scopes: emails:send']);
  });

  it.each([
    ['a number', 42],
    ['a map', { 'emails:send': true }],
    ['a boolean', true],
    ['a number set', new Set([1, 2])],
    ['a list with a number in it', ['emails:send', 7]],
  ])('scopes as %s: treated as empty, with a warning', (_case, scopes) => {
    const reading = readKeyItem(itemWith({ permission: 'custom', scopes }));
    expect(recordOf(reading).scopes).toEqual([]);
    expect(warningsOf(reading)).toContain('scopes is not a string set or list; treated as empty');
  });

  it.each([
    ['full_access', 'full_access'],
    [' Full_Access ', 'full_access'],
    ['SENDING_ONLY', 'sending_only'],
    ['custom', 'custom'],
  ])('permission %j reads as %s', (permission, expected) => {
    const reading = readKeyItem(itemWith({ permission }));
    expect(recordOf(reading).permission).toBe(expected);
    expect(warningsOf(reading)).toEqual([]);
  });

  it('permission missing means custom, silently', () => {
    const reading = readKeyItem(itemWith({ permission: undefined }));
    expect(recordOf(reading).permission).toBe('custom');
    expect(warningsOf(reading)).toEqual([]);
  });

  it.each([['admin'], ['full access'], [''], ['  '], [7], [null], [['full_access']]])(
    'unknown permission %j holds no scope, not even the listed ones (warned)',
    (permission) => {
      // The stale scope list of a former custom key may be wider than the preset that was meant.
      const reading = readKeyItem(itemWith({ permission, scopes: ['emails:send', 'domains:write'] }));
      expect(recordOf(reading)).toMatchObject({ permission: 'custom', scopes: [] });
      expect(warningsOf(reading)).toContainEqual(
        expect.stringMatching(/^unknown permission .+; the key holds no scope$/),
      );
    },
  );

  it.each([
    [undefined, 'general'],
    ['general', 'general'],
    [' Billing ', 'billing'],
  ])('type %j reads as %s', (type, expected) => {
    expect(recordOf(readKeyItem(itemWith({ type }))).type).toBe(expected);
  });

  it.each([
    ['S', '10.0.0.1, 10.0.0.2'],
    ['SS', new Set(['10.0.0.1', '10.0.0.2'])],
    ['L', ['10.0.0.1', '10.0.0.2']],
  ])('allowedIps as %s', (_form, allowedIps) => {
    const { allowedIps: list } = recordOf(readKeyItem(itemWith({ allowedIps })));
    expect(list.ok && list.ranges.map(formatRange)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it.each([
    ['SS with case and spaces', new Set([' Example.COM ', 'mail.example.org'])],
    ['L', ['example.com', 'mail.example.org']],
    ['a comma-separated S, as typed in the console', 'example.com, Mail.Example.org'],
  ])('allowedDomains as %s: trimmed and lower-cased', (_form, allowedDomains) => {
    expect(recordOf(readKeyItem(itemWith({ allowedDomains }))).allowedDomains).toEqual([
      'example.com',
      'mail.example.org',
    ]);
  });

  it('allowedDomains absent means any of the project domains', () => {
    expect(recordOf(readKeyItem(itemWith({ allowedDomains: undefined }))).allowedDomains).toBeUndefined();
  });

  it.each([
    ['an empty S', ''],
    ['blanks', '  '],
    ['an empty L', []],
  ])('allowedIps as %s means any IP (the contract: absent or empty)', (_case, allowedIps) => {
    expect(recordOf(readKeyItem(itemWith({ allowedIps }))).allowedIps).toEqual({ ok: true, ranges: [] });
  });
});

describe('readKeyItem: fails closed where a hand edit is not harmless', () => {
  it.each([
    ['keyHash as a number', { keyHash: 12345 }, 'keyHash'],
    ['keyHash empty', { keyHash: '' }, 'keyHash'],
    ['projectId blank', { projectId: '  ' }, 'projectId'],
    ['teamId empty', { teamId: '' }, 'teamId'],
    ['projectId missing', { projectId: undefined }, 'projectId'],
    ['projectId as a number', { projectId: 7 }, 'projectId'],
    ['projectId as a list', { projectId: ['proj_a'] }, 'projectId'],
    ['teamId missing', { teamId: undefined }, 'teamId'],
    ['keyId as a number', { keyId: 1 }, 'keyId'],
  ])('%s: not readable', (_case, overrides, attribute) => {
    const reading = readKeyItem(itemWith(overrides));
    expect(reading.ok).toBe(false);
    expect(reading.ok ? [] : reading.problems).toEqual([`${attribute} is missing or not a string`]);
  });

  it.each([['admin'], [7], [null], ['']])(
    'type %j: not readable (a key of unknown kind never works)',
    (type) => {
      expect(readKeyItem(itemWith({ type })).ok).toBe(false);
    },
  );

  it.each([
    ['one invalid entry in S', '10.0.0.1, 010.0.0.2'],
    ['one invalid entry in SS', new Set(['10.0.0.1', '10.0.0.0/33'])],
    ['a number', 10],
    ['a map', { ip: '10.0.0.1' }],
    ['a list with a number', ['10.0.0.1', 5]],
    ['NULL (a present value, not an empty one)', null],
    ['a map with a toString attribute', { toString: 'x' }],
  ])('allowedIps with %s: the list is invalid (key denied) and warned', (_case, allowedIps) => {
    const reading = readKeyItem(itemWith({ allowedIps }));
    expect(recordOf(reading).allowedIps.ok).toBe(false);
    expect(
      warningsOf(reading).some((warning) => warning.startsWith('invalid allowedIps entries (key denied)')),
    ).toBe(true);
  });

  it.each([
    ['a date without time', '2030-01-01'],
    ['a sentence', 'next tuesday'],
    ['epoch seconds as a string', '1893456000'],
    ['epoch seconds as a number', 1893456000],
    ['a boolean', true],
    ['a time that is not one', '2030-01-01Tnoon'],
    ['an impossible day (would roll over into March)', '2030-02-30T00:00:00Z'],
    ['month 13', '2030-13-01T00:00:00Z'],
    ['an empty string', ''],
    ['blanks', ' \t '],
    ['NULL', null],
    ['a list', ['2030-01-01T00:00:00Z']],
  ])('expiresAt as %s: invalid, treated as expired, warned', (_case, expiresAt) => {
    const reading = readKeyItem(itemWith({ expiresAt }));
    expect(recordOf(reading).expiresAt).toBe('invalid');
    expect(warningsOf(reading)).toContain('expiresAt is not an ISO 8601 timestamp (key treated as expired)');
  });

  it.each([
    ['UTC', '2030-01-01T00:00:00Z', '2030-01-01T00:00:00.000Z'],
    ['an offset', '2030-01-01T01:00:00+01:00', '2030-01-01T00:00:00.000Z'],
    ['a leap day', '2028-02-29T12:00:00Z', '2028-02-29T12:00:00.000Z'],
  ])('expiresAt with %s is read exactly', (_case, expiresAt, iso) => {
    const expires = recordOf(readKeyItem(itemWith({ expiresAt }))).expiresAt;
    expect(expires instanceof Date ? expires.toISOString() : expires).toBe(iso);
  });

  it.each([
    ['an ISO timestamp', '2024-05-01T00:00:00Z'],
    ['an empty string', ''],
    ['NULL', null],
    ['false', false],
    ['a number', 0],
    ['garbage', 'no'],
    ['a map with a toString attribute (String() would throw)', { toString: 'x' }],
    ['a BigInt', 2n ** 70n],
  ])('revokedAt as %s: revoked (present means revoked)', (_case, revokedAt) => {
    expect(recordOf(readKeyItem(itemWith({ revokedAt }))).revokedAt).toBeDefined();
  });

  it.each([
    ['a number', 42],
    ['NULL', null],
  ])('allowedDomains as %s allows no domain rather than any (warned)', (_case, allowedDomains) => {
    const reading = readKeyItem(itemWith({ allowedDomains }));
    expect(recordOf(reading).allowedDomains).toEqual([]);
    expect(warningsOf(reading).some((warning) => warning.startsWith('allowedDomains'))).toBe(true);
  });

  it('a BigInt permission (what lib-dynamodb makes of a huge number) is warned about, not thrown on', () => {
    const reading = readKeyItem(itemWith({ permission: 2n ** 70n }));
    expect(warningsOf(reading)).toContain('unknown permission a bigint; the key holds no scope');
  });

  it('warnings and problems never carry the key hash', () => {
    const { item, key } = testKey({
      permission: 'admin',
      scopes: 42,
      allowedIps: '010.0.0.1',
      expiresAt: 'x',
    });
    expect(JSON.stringify(readKeyItem(item))).not.toContain(key.key);
    expect(JSON.stringify(warningsOf(readKeyItem(item)))).not.toContain(key.keyHash);
    expect(JSON.stringify(readKeyItem({ ...item, projectId: 1 }))).not.toContain(key.keyHash);
  });
});

describe('readStringList', () => {
  it.each([
    [undefined, []],
    [null, []],
    ['a', ['a']],
    [
      ['a', 'b'],
      ['a', 'b'],
    ],
    [new Set(['a']), ['a']],
    [[1], undefined],
    [{ a: 1 }, undefined],
    [3, undefined],
  ])('%j → %j', (value, expected) => {
    expect(readStringList(value)).toEqual(expected);
  });

  it('does not warn about stray scopes on a preset key (they are not used)', () => {
    const reading = readKeyItem(itemWith({ permission: 'full_access', scopes: ['nonsense'] }));
    expect(reading.ok && reading.warnings).toEqual([]);
  });
});
