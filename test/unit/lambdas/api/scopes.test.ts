import { describe, expect, it } from 'vitest';
import {
  BILLING_SCOPES,
  effectiveScopes,
  GENERAL_SCOPES,
  isPermission,
  isScopeOf,
  KEY_TYPES,
  normaliseScopes,
  PERMISSIONS,
  SCOPES_BY_KEY_TYPE,
  type Scope,
} from '../../../../lambdas/api/scopes.js';

/** The documented scope table (docs/keys.md, docs/architecture.md), copied: the code's list must be exactly this. */
const DOCUMENTED_GENERAL_SCOPES = [
  'emails:send',
  'emails:read',
  'templates:read',
  'templates:write',
  'domains:read',
  'domains:write',
  'webhooks:read',
  'webhooks:write',
  'projects:read',
  'sms:send',
  'whatsapp:send',
  'audience:read',
  'audience:write',
  'broadcasts:read',
  'broadcasts:write',
  'suppressions:read',
  'suppressions:write',
];
const DOCUMENTED_BILLING_SCOPES = ['billing:read', 'billing:write'];
const DOCUMENTED_SENDING_ONLY = ['emails:send', 'sms:send', 'whatsapp:send'];

const sorted = (values: readonly string[]): string[] => [...values].sort();

describe('scope catalogue', () => {
  it('lists exactly the 17 general scopes of the design', () => {
    expect(sorted(Object.keys(GENERAL_SCOPES))).toEqual(sorted(DOCUMENTED_GENERAL_SCOPES));
  });

  it('lists exactly the two billing scopes', () => {
    expect(sorted(Object.keys(BILLING_SCOPES))).toEqual(sorted(DOCUMENTED_BILLING_SCOPES));
  });

  it('keeps general and billing scopes disjoint per key type', () => {
    expect(SCOPES_BY_KEY_TYPE.general.some((scope) => scope.startsWith('billing:'))).toBe(false);
    expect(SCOPES_BY_KEY_TYPE.billing.every((scope) => scope.startsWith('billing:'))).toBe(true);
  });

  it.each(['full_access', 'sending_only', 'custom'])('knows the permission %s', (permission) => {
    expect(isPermission(permission)).toBe(true);
  });

  it.each(['', 'FULL_ACCESS', 'admin', 'full-access', 'read_only'])(
    'refuses the permission %j',
    (permission) => {
      expect(isPermission(permission)).toBe(false);
    },
  );
});

describe('effectiveScopes: presets', () => {
  it('full_access on a general key is all 17 general scopes', () => {
    expect(sorted(effectiveScopes('general', 'full_access', []))).toEqual(sorted(DOCUMENTED_GENERAL_SCOPES));
  });

  it('sending_only on a general key is exactly emails:send, sms:send, whatsapp:send', () => {
    expect(sorted(effectiveScopes('general', 'sending_only', []))).toEqual(sorted(DOCUMENTED_SENDING_ONLY));
  });

  it('a preset ignores whatever the item lists in scopes', () => {
    expect(sorted(effectiveScopes('general', 'sending_only', ['templates:write', 'domains:write']))).toEqual(
      sorted(DOCUMENTED_SENDING_ONLY),
    );
  });

  it('full_access on a billing key is the billing scopes only', () => {
    expect(sorted(effectiveScopes('billing', 'full_access', []))).toEqual(sorted(DOCUMENTED_BILLING_SCOPES));
  });

  it('sending_only on a billing key holds nothing', () => {
    expect(effectiveScopes('billing', 'sending_only', [])).toEqual([]);
  });

  it('returns a copy: a caller cannot widen a preset by mutating it', () => {
    const first = effectiveScopes('general', 'sending_only', []);
    first.push('templates:write');
    expect(sorted(effectiveScopes('general', 'sending_only', []))).toEqual(sorted(DOCUMENTED_SENDING_ONLY));
  });
});

describe('effectiveScopes: custom', () => {
  it('holds exactly the listed scopes', () => {
    expect(sorted(effectiveScopes('general', 'custom', ['templates:read', 'emails:send']))).toEqual([
      'emails:send',
      'templates:read',
    ]);
  });

  it('an empty custom list holds nothing (never "everything")', () => {
    expect(effectiveScopes('general', 'custom', [])).toEqual([]);
    expect(effectiveScopes('billing', 'custom', [])).toEqual([]);
  });

  it('drops duplicates', () => {
    expect(effectiveScopes('general', 'custom', ['emails:send', 'emails:send'])).toEqual(['emails:send']);
  });

  it('a general key never holds billing scopes, even when listed', () => {
    const listed: Scope[] = ['billing:read', 'billing:write', 'emails:read'];
    expect(effectiveScopes('general', 'custom', listed)).toEqual(['emails:read']);
  });

  it('a billing key never holds general scopes, even when listed', () => {
    const listed: Scope[] = ['emails:send', 'templates:write', 'billing:read'];
    expect(effectiveScopes('billing', 'custom', listed)).toEqual(['billing:read']);
  });

  it.each(KEY_TYPES.flatMap((type) => PERMISSIONS.map((permission) => [type, permission] as const)))(
    'a %s key with %s only ever holds scopes of its type',
    (type, permission) => {
      const everything = [...DOCUMENTED_GENERAL_SCOPES, ...DOCUMENTED_BILLING_SCOPES] as Scope[];
      for (const scope of effectiveScopes(type, permission, everything))
        expect(isScopeOf(type, scope)).toBe(true);
    },
  );
});

describe('normaliseScopes (console hand edits)', () => {
  it.each([
    ['trims and lower-cases', ['  Emails:Send ', 'TEMPLATES:READ'], ['emails:send', 'templates:read'], []],
    [
      'ignores unknown entries and reports them as written',
      ['emails:send', 'emails:delete'],
      ['emails:send'],
      ['emails:delete'],
    ],
    ['skips empty and blank entries silently', ['', '   ', 'sms:send'], ['sms:send'], []],
    [
      'folds duplicates that differ only in case or spaces',
      ['emails:send', ' EMAILS:SEND'],
      ['emails:send'],
      [],
    ],
    ['treats an inner space as unknown', ['emails: send'], [], ['emails: send']],
    [
      'does not read a comma string as several scopes',
      ['emails:send,sms:send'],
      [],
      ['emails:send,sms:send'],
    ],
    ['refuses a wildcard', ['*', 'emails:*'], [], ['*', 'emails:*']],
  ])('%s', (_rule, raw, scopes, unknown) => {
    expect(normaliseScopes('general', raw)).toEqual({ scopes, unknown });
  });

  it('a general key reports billing scopes as unknown', () => {
    expect(normaliseScopes('general', ['billing:read'])).toEqual({ scopes: [], unknown: ['billing:read'] });
  });

  it('a billing key reports general scopes as unknown', () => {
    expect(normaliseScopes('billing', ['Billing:Write', 'emails:send'])).toEqual({
      scopes: ['billing:write'],
      unknown: ['emails:send'],
    });
  });
});
