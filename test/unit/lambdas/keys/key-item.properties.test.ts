/**
 * Properties of reading an ApiKeys item as the authorizer does (GetItem's AttributeValue map →
 * fromAttributeMap → verifyKey), over random DynamoDB values: every type, nesting, numbers beyond
 * 2^53 or with fractions, empty strings and sets.
 *
 * 1. Nothing in an item makes the read throw: a throw would become a 503 (retry) instead of a refusal.
 * 2. A clean key item with one attribute replaced by a value that cannot be read is never more
 *    permissive than the clean item, on any route.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromAttributeMap } from '../../../../lambdas/aws/attribute-values.js';
import { generateApiKey } from '../../../../lambdas/keys/api-key.js';
import { type Route, ROUTES } from '../../../../lambdas/api/routes.js';
import { isScopeOf, PERMISSIONS, SCOPES_BY_KEY_TYPE, type Scope } from '../../../../lambdas/api/scopes.js';
import { type Verification, verifyKey } from '../../../../lambdas/keys/verify-key.js';
import { toAttributeMap } from '../../../support/attribute-values.js';

const KEY = generateApiKey('live');
const CALLER_IP = '203.0.113.10';
const NOW = new Date('2026-06-01T00:00:00Z');
const KNOWN_SCOPES: readonly string[] = [...SCOPES_BY_KEY_TYPE.general, ...SCOPES_BY_KEY_TYPE.billing];

/** Every route, as the authorizer would decide it for this item. */
async function decisions(item: Record<string, AttributeValue>): Promise<Verification[]> {
  const plain = fromAttributeMap(item);
  return Promise.all(
    ROUTES.map((route) =>
      verifyKey(
        { authorization: `Bearer ${KEY.key}`, sourceIp: CALLER_IP, route },
        {
          environment: 'live',
          getKeyItem: async () => plain,
          now: () => NOW,
          onItemWarning: () => undefined,
        },
      ),
    ),
  );
}

// ---- Random DynamoDB values -------------------------------------------------------------------

const blank = fc.constantFrom('', ' ', '\t', '  \n ');
const text = fc.oneof(fc.string(), blank);
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 38n), max: 10n ** 38n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom('9007199254740993', '90071992547409930.5', '1e400', '-1e-130', '0.1'),
);
const bytes = fc.uint8Array({ maxLength: 8 });

/** Any AttributeValue, nested up to a few levels; sets may be empty (DynamoDB forbids it; the reader must not care). */
const { value: anyValue } = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((S) => ({ S })),
    numberText.map((N) => ({ N })),
    bytes.map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true }),
    fc.array(text, { maxLength: 4 }).map((SS) => ({ SS })),
    fc.array(numberText, { maxLength: 4 }).map((NS) => ({ NS })),
    fc.array(bytes, { maxLength: 3 }).map((BS) => ({ BS })),
    fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L })),
    fc
      .dictionary(
        fc.oneof(fc.string(), fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor')),
        tie('value'),
        {
          maxKeys: 3,
        },
      )
      .map((M) => ({ M })),
    fc.constant({ $unknown: ['XS', 'a type DynamoDB may add'] } as AttributeValue),
  ),
}));

/** A value of any type but these (the ones an attribute can legitimately hold). */
const otherTypeThan = (...types: string[]) =>
  anyValue.filter((value) => !types.includes(Object.keys(value)[0] ?? ''));

const ATTRIBUTE_NAMES = [
  'keyId',
  'keyHash',
  'name',
  'type',
  'teamId',
  'projectId',
  'permission',
  'scopes',
  'allowedIps',
  'allowedDomains',
  'expiresAt',
  'revokedAt',
  'previousKeyHash',
  'rateLimitPerSecond',
  'createdAt',
];

// ---- Clean items and unreadable replacements ------------------------------------------------

const cleanItem = fc.record({
  permission: fc.constantFrom(...PERMISSIONS),
  scopes: fc.subarray([...SCOPES_BY_KEY_TYPE.general]),
  allowedIps: fc.option(fc.constantFrom([CALLER_IP], ['198.51.100.0/24'], [CALLER_IP, '2001:db8::/32']), {
    nil: undefined,
  }),
  allowedDomains: fc.option(fc.constantFrom(['example.com'], ['example.com', 'mail.example.org']), {
    nil: undefined,
  }),
  expiresAt: fc.option(fc.constantFrom('2026-06-01T00:00:01Z', '2099-01-01T00:00:00Z'), { nil: undefined }),
});

const notATimestamp = fc.oneof(
  blank,
  fc.string().filter((value) => !/^\d{4}-\d{2}-\d{2}T/.test(value)),
  fc.constantFrom('2099-02-30T00:00:00Z', '2099-13-01T00:00:00Z', '2099-01-01', '2099-01-01Tnoon'),
);
/** '#' is in no IP address or range, and a non-blank entry is never "empty". */
const notAnIp = fc.string().map((value) => `${value}#`);
const anyIpText = fc.oneof(fc.constantFrom(CALLER_IP, '0.0.0.0/0', '::/0', '010.0.0.1'), notAnIp);
const notAScope = text.filter((value) => !KNOWN_SCOPES.includes(value.trim().toLowerCase()));
const notAPermission = text.filter(
  (value) => !(PERMISSIONS as readonly string[]).includes(value.trim().toLowerCase()),
);

/** Per attribute: values that cannot be read as what the attribute means. */
const UNREADABLE: Readonly<Record<string, fc.Arbitrary<AttributeValue>>> = {
  expiresAt: fc.oneof(
    otherTypeThan('S'),
    notATimestamp.map((S) => ({ S })),
  ),
  // Present means revoked, whatever the value.
  revokedAt: anyValue,
  // Not "", blanks or an empty list: those mean any IP, as the contract says.
  allowedIps: fc.oneof(
    otherTypeThan('S', 'SS', 'L'),
    notAnIp.map((S) => ({ S })),
    fc.tuple(fc.array(anyIpText, { maxLength: 3 }), notAnIp).map(([rest, bad]) => ({ SS: [...rest, bad] })),
    fc
      .tuple(
        fc.array(
          anyIpText.map((S) => ({ S })),
          { maxLength: 3 },
        ),
        otherTypeThan('S'),
      )
      .map(([rest, bad]) => ({ L: [...rest, bad] })),
  ),
  scopes: fc.oneof(
    otherTypeThan('S', 'SS', 'L'),
    notAScope.map((S) => ({ S })),
    fc.array(notAScope, { maxLength: 4 }).map((SS) => ({ SS })),
    fc
      .tuple(fc.subarray([...SCOPES_BY_KEY_TYPE.general]), otherTypeThan('S'))
      .map(([valid, bad]) => ({ L: [...valid.map((S) => ({ S })), bad] })),
  ),
  permission: fc.oneof(
    otherTypeThan('S'),
    notAPermission.map((S) => ({ S })),
  ),
  allowedDomains: fc.oneof(
    otherTypeThan('S', 'SS', 'L'),
    fc
      .tuple(
        fc.array(
          fc.string().map((S) => ({ S })),
          { maxLength: 2 },
        ),
        otherTypeThan('S'),
      )
      .map(([rest, bad]) => ({
        L: [...rest, bad],
      })),
  ),
};

/** Required attributes: unreadable when blank or not a string (type also when not a known type). */
const UNREADABLE_REQUIRED: Readonly<Record<string, fc.Arbitrary<AttributeValue>>> = {
  keyId: fc.oneof(
    otherTypeThan('S'),
    blank.map((S) => ({ S })),
  ),
  keyHash: fc.oneof(
    otherTypeThan('S'),
    blank.map((S) => ({ S })),
  ),
  teamId: fc.oneof(
    otherTypeThan('S'),
    blank.map((S) => ({ S })),
  ),
  projectId: fc.oneof(
    otherTypeThan('S'),
    blank.map((S) => ({ S })),
  ),
  type: fc.oneof(
    otherTypeThan('S'),
    text.filter((value) => !['general', 'billing'].includes(value.trim().toLowerCase())).map((S) => ({ S })),
  ),
};

type CleanItem = typeof cleanItem extends fc.Arbitrary<infer T> ? T : never;

function wire(clean: CleanItem): Record<string, AttributeValue> {
  return toAttributeMap({
    keyId: KEY.keyId,
    keyHash: KEY.keyHash,
    name: 'property key',
    type: 'general',
    teamId: 'team_p',
    projectId: 'proj_p',
    ...clean,
    scopes: clean.scopes.length > 0 ? new Set(clean.scopes) : [],
    allowedDomains: clean.allowedDomains && new Set(clean.allowedDomains),
  });
}

const scopesOf = (decision: Verification): readonly Scope[] =>
  decision.ok ? decision.scopes : decision.code === 'insufficient_scope' ? decision.scopes : [];

/** No route is allowed that the clean item refuses, and no allowed route gets wider domains. */
function expectNoMorePermissive(mangled: Verification[], clean: Verification[]): void {
  mangled.forEach((decision, index) => {
    const reference = clean[index];
    if (!decision.ok) return;
    expect(reference?.ok, `route ${ROUTES[index]?.method} ${ROUTES[index]?.path}`).toBe(true);
    if (!reference?.ok) return;
    expect(reference.scopes).toEqual(expect.arrayContaining([...scopesOf(decision)]));
    const domains = decision.key.allowedDomains;
    const allowed = reference.key.allowedDomains;
    if (allowed !== undefined) expect(allowed).toEqual(expect.arrayContaining([...(domains ?? ['(any)'])]));
  });
}

describe('reading an ApiKeys item never throws', () => {
  it('for random attribute maps, with or without a matching key id and hash', async () => {
    const randomItem = fc.tuple(
      fc.dictionary(fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES), fc.string()), anyValue, { maxKeys: 10 }),
      fc.boolean(),
    );
    await fc.assert(
      fc.asyncProperty(randomItem, async ([item, matching]) => {
        const withKey = matching ? { ...item, keyId: { S: KEY.keyId }, keyHash: { S: KEY.keyHash } } : item;
        // Rejections fail the property: a resolved array of decisions is the whole claim here.
        const result = await decisions(withKey);
        expect(result).toHaveLength(ROUTES.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('one unreadable attribute never makes a key more permissive', () => {
  it.each(Object.keys(UNREADABLE))('%s', async (attribute) => {
    const unreadable = UNREADABLE[attribute];
    if (!unreadable) throw new Error(`no generator for ${attribute}`);
    await fc.assert(
      fc.asyncProperty(cleanItem, unreadable, async (clean, value) => {
        const item = wire(clean);
        expectNoMorePermissive(await decisions({ ...item, [attribute]: value }), await decisions(item));
      }),
      { numRuns: 200 },
    );
  });

  it.each(Object.keys(UNREADABLE_REQUIRED))(
    '%s (required): the key is refused as invalid',
    async (attribute) => {
      const unreadable = UNREADABLE_REQUIRED[attribute];
      if (!unreadable) throw new Error(`no generator for ${attribute}`);
      await fc.assert(
        fc.asyncProperty(cleanItem, unreadable, async (clean, value) => {
          const result = await decisions({ ...wire(clean), [attribute]: value });
          expect(result.map((decision) => decision.ok || decision.code)).toEqual(
            ROUTES.map(() => 'invalid_api_key'),
          );
        }),
        { numRuns: 100 },
      );
    },
  );

  it('expiresAt: unreadable counts as expired on every route, whatever else the item says', async () => {
    // The comparison above holds at one instant only; an unreadable expiry must not mean "never".
    const unreadable = UNREADABLE.expiresAt;
    if (!unreadable) throw new Error('no generator for expiresAt');
    await fc.assert(
      fc.asyncProperty(cleanItem, unreadable, async (clean, value) => {
        const result = await decisions({ ...wire(clean), expiresAt: value });
        expect(result.map((decision) => decision.ok || decision.code)).toEqual(
          ROUTES.map(() => 'key_expired'),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('the clean items themselves are allowed somewhere (the comparison is not vacuous)', async () => {
    const item = wire({
      permission: 'full_access',
      scopes: [],
      allowedIps: [CALLER_IP],
      allowedDomains: undefined,
      expiresAt: undefined,
    });
    // Every route a general key may call at all (billing routes serve billing keys only).
    const generalRoutes = (ROUTES as readonly Route[]).map(
      (route) => route.scope === undefined || !isScopeOf('billing', route.scope),
    );
    const decided = await decisions(item);
    expect(decided.filter((_, index) => generalRoutes[index]).every((decision) => decision.ok)).toBe(true);
    expect(generalRoutes.filter(Boolean).length).toBeGreaterThan(0);
  });
});
