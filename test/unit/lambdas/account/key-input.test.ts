import { describe, expect, it } from 'vitest';
import {
  KeyInputError,
  parseAllowedDomains,
  parseAllowedIps,
  parseApiAllowedDomains,
  parseExpiresAt,
  parseName,
  parseRateLimit,
  parseScopes,
  RATE_LIMIT_MAX,
  resolveAccess,
  validateKeyChanges,
  validateNewKey,
} from '../../../../lambdas/account/key-input.js';
import { GENERAL_SCOPES } from '../../../../lambdas/api/scopes.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');

describe('parseName', () => {
  it.each([
    ['deploy bot', 'deploy bot'],
    ['  padded  ', 'padded'],
    ['x'.repeat(100), 'x'.repeat(100)],
    ['clé d’envoi ✉️', 'clé d’envoi ✉️'],
  ])('accepts %j', (raw, name) => {
    expect(parseName(raw)).toEqual({ value: name });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['x'.repeat(101), /at most 100/],
    ['line\nbreak', /control characters/],
    ['bell\u0007', /control characters/],
  ])('refuses %j', (raw, message) => {
    const result = parseName(raw);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('parseScopes', () => {
  it.each([
    ['emails:send', ['emails:send']],
    [' Emails:Send , TEMPLATES:read ', ['emails:send', 'templates:read']],
    [
      ['templates:read', 'emails:send', 'emails:send'],
      ['emails:send', 'templates:read'],
    ],
    ['emails:send,,', ['emails:send']],
    ['', []],
  ])('reads %j in canonical order, trimmed, lower-cased and de-duplicated', (raw, scopes) => {
    expect(parseScopes(raw)).toEqual({ value: scopes });
  });

  it.each([
    ['emails:sned', /unknown scope "emails:sned"/],
    ['emails:send,foo,bar', /unknown scopes "foo", "bar"/],
    ['billing:read', /unknown scope "billing:read"/],
    ['*', /unknown scope "\*"/],
  ])('refuses %j and lists the valid scopes', (raw, message) => {
    const result = parseScopes(raw);
    expect('error' in result).toBe(true);
    if (!('error' in result)) return;
    expect(result.error).toMatch(message);
    for (const scope of Object.keys(GENERAL_SCOPES)) expect(result.error).toContain(scope);
  });
});

describe('resolveAccess', () => {
  const fresh = { permission: 'full_access', scopes: [] } as const;
  const customKey = { permission: 'custom', scopes: ['emails:send'] } as const;

  it.each([
    ['nothing given: the fallback (full_access for a new key)', {}, fresh, 'full_access', []],
    ['a preset', { permission: 'sending_only' }, fresh, 'sending_only', []],
    ['a preset, any case', { permission: ' Full_Access ' }, customKey, 'full_access', []],
    ['scopes alone mean custom', { scopes: 'templates:read' }, fresh, 'custom', ['templates:read']],
    ['custom with scopes', { permission: 'custom', scopes: 'emails:read' }, fresh, 'custom', ['emails:read']],
    ['custom keeps the current scopes', { permission: 'custom' }, customKey, 'custom', ['emails:send']],
    ['a preset drops stored scopes', { permission: 'sending_only' }, customKey, 'sending_only', []],
    [
      'empty scopes with an explicit preset are harmless',
      { permission: 'full_access', scopes: '' },
      fresh,
      'full_access',
      [],
    ],
  ] as const)('%s', (_case, input, fallback, permission, scopes) => {
    expect(resolveAccess(input, fallback)).toEqual({ value: { permission, scopes } });
  });

  it.each([
    [
      'an unknown permission',
      { permission: 'admin' },
      fresh,
      'permission',
      /one of full_access, sending_only, custom/,
    ],
    ['custom without scopes', { permission: 'custom' }, fresh, undefined, /at least one scope/],
    // `--scopes "$SCOPES"` with the variable unset must never yield an unrestricted key (docs/architecture.md, "The key model").
    ['an empty --scopes alone', { scopes: '' }, fresh, undefined, /at least one scope/],
    ['a --scopes of blanks alone', { scopes: ' , ' }, fresh, undefined, /at least one scope/],
    [
      'custom with an empty list',
      { permission: 'custom', scopes: ' , ' },
      fresh,
      undefined,
      /at least one scope/,
    ],
    ['clearing a custom key’s scopes', { scopes: '' }, customKey, undefined, /at least one scope/],
    [
      'scopes on a preset',
      { permission: 'full_access', scopes: 'emails:send' },
      fresh,
      undefined,
      /only .* custom/,
    ],
    ['an unknown scope', { permission: 'custom', scopes: 'nope' }, fresh, 'scopes', /unknown scope "nope"/],
  ] as const)('refuses %s', (_case, input, fallback, path, message) => {
    const result = resolveAccess(input, fallback);
    if ('errors' in result) {
      expect(result.errors).toEqual([
        expect.objectContaining({ path, message: expect.stringMatching(message) }),
      ]);
    } else {
      expect(path).toBeUndefined();
      expect('error' in result && result.error).toMatch(message);
    }
  });
});

describe('parseAllowedIps', () => {
  it.each([
    ['203.0.113.50, 198.51.100.0/24, 10.0.0.1', ['203.0.113.50', '198.51.100.0/24', '10.0.0.1']],
    [
      ['2001:db8::/32', '::1'],
      ['2001:db8::/32', '::1'],
    ],
    ['::ffff:10.0.0.0/104', ['10.0.0.0/8']],
    ['1.2.3.4,1.2.3.4/32', ['1.2.3.4']],
    ['0.0.0.0/0', ['0.0.0.0/0']],
    ['', []],
  ])('accepts %j as %j', (raw, entries) => {
    expect(parseAllowedIps(raw)).toEqual({ value: entries });
  });

  it.each([
    ['010.0.0.1', /"010\.0\.0\.1"/],
    ['1.2.3.4, 256.0.0.1', /"256\.0\.0\.1"/],
    ['10.0.0.0/33', /"10\.0\.0\.0\/33"/],
    ['example.com', /"example\.com"/],
    ['fe80::1%eth0', /"fe80::1%eth0"/],
    ['1.2.3.4/24/1, nope', /addresses or CIDR ranges "1\.2\.3\.4\/24\/1", "nope"/],
  ])('refuses %j, naming the bad entry', (raw, message) => {
    const result = parseAllowedIps(raw);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('parseAllowedDomains', () => {
  it.each([
    ['example.com', ['example.com']],
    [' Mail.Example.COM. , example.org ', ['mail.example.com', 'example.org']],
    [['a.co', 'a.co'], ['a.co']],
    ['', null],
    [null, null],
  ])('accepts %j as %j', (raw, domains) => {
    expect(parseAllowedDomains(raw)).toEqual({ value: domains });
  });

  it.each(['localhost', 'exa mple.com', '-bad.com', 'a..com', 'http://example.com', `${'a'.repeat(64)}.com`])(
    'refuses %j',
    (raw) => {
      const result = parseAllowedDomains(raw);
      expect('error' in result && result.error).toMatch(/invalid domain/);
    },
  );
});

describe('parseApiAllowedDomains: the API’s allowed_domains, which means the same as the item', () => {
  it.each([
    ['example.com', ['example.com']],
    [
      ['Example.com', 'b.example.org'],
      ['example.com', 'b.example.org'],
    ],
    [null, null],
  ])('accepts %j as %j', (raw, domains) => {
    expect(parseApiAllowedDomains(raw)).toEqual({ value: domains });
  });

  // In the item an empty list allows no domain; over the API it used to mean any. Now it is refused.
  it.each([[[]], [''], ['  '], [' , '], [['', ' ']]])(
    'refuses %j, pointing at null for any domain',
    (raw) => {
      const result = parseApiAllowedDomains(raw);
      expect('error' in result && result.error).toMatch(/at least one domain; send null/);
    },
  );

  it('still refuses an invalid domain with the shared rule', () => {
    const result = parseApiAllowedDomains(['localhost']);
    expect('error' in result && result.error).toMatch(/invalid domain/);
  });
});

describe('parseExpiresAt', () => {
  it.each([
    ['2030-01-31T12:00:00Z', '2030-01-31T12:00:00.000Z'],
    ['2030-01-31T12:00Z', '2030-01-31T12:00:00.000Z'],
    ['2030-01-31T12:00:00.5+02:00', '2030-01-31T10:00:00.500Z'],
    ['2030-01-31', '2030-01-31T00:00:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
    [null, null],
    ['', null],
    ['never', null],
    [' Never ', null],
  ])('reads %j as %j', (raw, expiresAt) => {
    expect(parseExpiresAt(raw, NOW)).toEqual({ value: expiresAt });
  });

  it.each([
    ['2026-06-01T12:00:00Z', /in the future/],
    ['2020-01-01', /in the future/],
    ['2030-01-31T12:00:00', /time zone/],
    ['tomorrow', /not an ISO 8601/],
    ['1893456000', /not an ISO 8601/],
    ['2030-02-30', /not a valid date/],
    ['2029-02-29', /not a valid date/],
    ['2030-13-01', /not a valid date/],
    ['2030-01-01T24:00:00Z', /not a valid date/],
  ])('refuses %j', (raw, message) => {
    const result = parseExpiresAt(raw, NOW);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('validateNewKey', () => {
  it('defaults to a full_access key that any IP may use, on any domain, forever', () => {
    expect(validateNewKey({ name: 'ci' }, NOW)).toEqual({
      ok: true,
      value: {
        name: 'ci',
        type: 'general',
        permission: 'full_access',
        scopes: [],
        allowedIps: [],
        allowedDomains: undefined,
        expiresAt: undefined,
        rateLimitPerSecond: undefined,
      },
    });
  });

  it('normalises every field', () => {
    const result = validateNewKey(
      {
        name: ' ci ',
        scopes: 'Emails:Send',
        allowedIps: '203.0.113.50, 198.51.100.0/24',
        allowedDomains: 'Example.com',
        expiresAt: '2030-01-01',
        rateLimitPerSecond: ' 25 ',
      },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'ci',
        type: 'general',
        rateLimitPerSecond: 25,
        permission: 'custom',
        scopes: ['emails:send'],
        allowedIps: ['203.0.113.50', '198.51.100.0/24'],
        allowedDomains: ['example.com'],
        expiresAt: '2030-01-01T00:00:00.000Z',
      },
    });
  });

  it('reports every invalid field at once, by API field name', () => {
    const result = validateNewKey(
      { permission: 'root', allowedIps: '1.2.3', allowedDomains: 'nope', expiresAt: '2000-01-01' },
      NOW,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.path)).toEqual([
      'name',
      'permission',
      'allowed_ips',
      'allowed_domains',
      'expires_at',
    ]);
  });
});

describe('validateKeyChanges', () => {
  const current = { permission: 'custom', scopes: ['emails:send'] } as const;

  it.each([
    ['nothing', {}, {}],
    ['a name', { name: ' renamed ' }, { name: 'renamed' }],
    [
      'more scopes',
      { scopes: 'emails:send,emails:read' },
      { permission: 'custom', scopes: ['emails:send', 'emails:read'] },
    ],
    ['a preset', { permission: 'sending_only' }, { permission: 'sending_only', scopes: [] }],
    ['cleared IPs', { allowedIps: '' }, { allowedIps: [] }],
    ['cleared domains', { allowedDomains: '' }, { allowedDomains: null }],
    ['cleared expiry', { expiresAt: 'never' }, { expiresAt: null }],
    ['cleared expiry (null)', { expiresAt: null }, { expiresAt: null }],
    ['a new expiry', { expiresAt: '2031-01-01T00:00:00Z' }, { expiresAt: '2031-01-01T00:00:00.000Z' }],
  ] as const)('sets only what is given: %s', (_case, input, changes) => {
    expect(validateKeyChanges(input, current, NOW)).toEqual({ ok: true, value: changes });
  });

  it.each([
    ['an empty name', { name: '' }, 'name'],
    ['no scopes left', { scopes: '' }, 'scopes'],
    ['a bad IP', { allowedIps: '1.2.3.4/40' }, 'allowed_ips'],
    ['a past expiry', { expiresAt: '2001-01-01' }, 'expires_at'],
  ] as const)('refuses %s', (_case, input, path) => {
    const result = validateKeyChanges(input, current, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.path)).toEqual([path]);
  });
});

describe('KeyInputError', () => {
  it('carries the field errors and says them in its message', () => {
    const error = new KeyInputError([{ path: 'scopes', message: 'unknown scope "x"' }]);
    expect(error.errors).toEqual([{ path: 'scopes', message: 'unknown scope "x"' }]);
    expect(error.message).toBe('scopes: unknown scope "x"');
  });
});

describe('rate limits, per-resource levels and billing keys', () => {
  it.each([
    [1, 1],
    ['10000', 10_000],
    [null, null],
    ['', null],
    ['none', null],
  ] as const)('reads rate limit %j as %j', (raw, expected) => {
    expect(parseRateLimit(raw)).toEqual({ value: expected });
  });

  it.each([0, -1, 1.5, 10_001, '1e3', 'fast', '0x10'])('refuses rate limit %j', (raw) => {
    expect(parseRateLimit(raw)).toEqual({ error: `must be a whole number from 1 to ${RATE_LIMIT_MAX}` });
  });

  it('expands per-resource levels into a custom key', () => {
    const result = validateNewKey({ name: 'ci', permissions: { templates: 'full', emails: 'read' } }, NOW);
    expect(result.ok && { permission: result.value.permission, scopes: result.value.scopes }).toEqual({
      permission: 'custom',
      scopes: ['emails:read', 'templates:read', 'templates:write'],
    });
  });

  it.each([
    [
      { permissions: { emails: 'full' }, scopes: ['emails:send'] },
      'permissions',
      'must not be given together with scopes',
    ],
    [{ permissions: { templates: 'none' } }, 'scopes', 'a custom key needs at least one scope'],
    [
      { permissions: { emails: 'full' }, permission: 'full_access' },
      'scopes',
      'can only be set with permission custom',
    ],
    [{ permissions: { billing: 'read' } }, 'permissions.billing', 'is not a resource'],
  ])('refuses %j at %s', (input, path, message) => {
    const result = validateNewKey({ name: 'ci', ...input }, NOW);
    expect(result.ok ? [] : result.errors).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it('makes a billing key of billing scopes only, and never a preset', () => {
    const billing = validateNewKey({ name: 'finance', type: 'billing', scopes: 'billing:read' }, NOW);
    expect(billing.ok && [billing.value.type, billing.value.permission, billing.value.scopes]).toEqual([
      'billing',
      'custom',
      ['billing:read'],
    ]);
    const refusals = [
      [{ type: 'billing' }, 'scopes', 'a custom key needs at least one scope; valid scopes: billing:read'],
      [{ type: 'billing', scopes: 'emails:send' }, 'scopes', 'for a billing key'],
      [
        { type: 'billing', permission: 'full_access', scopes: 'billing:read' },
        'permission',
        'must be custom',
      ],
      [
        { type: 'billing', permissions: { emails: 'full' } },
        'permissions',
        'cannot be given for a billing key',
      ],
      [{ scopes: 'billing:read' }, 'scopes', 'unknown scope'],
      [{ type: 'admin' }, 'type', 'must be one of general, billing'],
    ] as const;
    for (const [input, path, message] of refusals) {
      const result = validateNewKey({ name: 'finance', ...input }, NOW);
      expect(result.ok ? [] : result.errors).toEqual([{ path, message: expect.stringContaining(message) }]);
    }
  });

  it('refuses a change of type on update', () => {
    const result = validateKeyChanges({ type: 'billing' }, { permission: 'full_access', scopes: [] }, NOW);
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'type', message: 'cannot be changed; create a new key instead' },
    ]);
  });

  it('sets and clears a rate limit on update', () => {
    const current = { permission: 'full_access', scopes: [] } as const;
    expect(validateKeyChanges({ rateLimitPerSecond: 5 }, current, NOW)).toEqual({
      ok: true,
      value: { rateLimitPerSecond: 5 },
    });
    expect(validateKeyChanges({ rateLimitPerSecond: null }, current, NOW)).toEqual({
      ok: true,
      value: { rateLimitPerSecond: null },
    });
  });
});
