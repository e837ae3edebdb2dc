import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eventRequirement,
  missingEventAccess,
  subscribableEvents,
} from '../../../../lambdas/webhooks/event-access.js';
import { EVENT_TYPES, type EventType } from '../../../../lambdas/shared/event-types.js';
import { type KeyStanding, mayCall, SECRETS_USED } from '../../../../lambdas/api/route-access.js';
import { requirementLabel } from '../../../../lambdas/api/routes.js';
import {
  KEY_TYPES,
  PERMISSIONS,
  SCOPES_BY_KEY_TYPE,
  effectiveScopes,
} from '../../../../lambdas/api/scopes.js';

/** The rule as the docs state it, written out independently of the module's table. */
const DOCUMENTED: Readonly<Record<string, string | null>> = {
  email: 'emails:read',
  domain: 'domains:read',
  contact: 'audience:read',
  sms: 'sms:send',
  whatsapp: 'whatsapp:send',
  broadcast: 'broadcasts:read',
  api_key: 'permission full_access',
  webhook: null,
};

const documentedFor = (type: EventType): string | null | undefined => DOCUMENTED[type.split('.')[0] ?? ''];

const allScopes = [...SCOPES_BY_KEY_TYPE.general, ...SCOPES_BY_KEY_TYPE.billing];
/** Every key shape: either type, any permission, any set of held scopes. */
const standing = fc.record({
  type: fc.constantFrom(...KEY_TYPES),
  permission: fc.constantFrom(...PERMISSIONS),
  scopes: fc.subarray(allScopes),
  secret: fc.constantFrom(...SECRETS_USED),
});
const eventList = fc.array(fc.constantFrom(...EVENT_TYPES), { maxLength: 8 });

const onlyWebhooksWrite: KeyStanding = {
  type: 'general',
  permission: 'custom',
  scopes: ['webhooks:write'],
  secret: 'current',
};
const presetKey = (permission: 'full_access' | 'sending_only'): KeyStanding => ({
  type: 'general',
  permission,
  scopes: effectiveScopes('general', permission, []),
  secret: 'current',
});

describe('eventRequirement', () => {
  it.each(EVENT_TYPES)('%s needs what the docs say', (type) => {
    const documented = documentedFor(type);
    expect(documented, `${type} has no documented rule`).not.toBeUndefined();
    const requirement = eventRequirement(type);
    expect(requirement === null ? null : requirementLabel(requirement)).toBe(documented);
  });
});

describe('missingEventAccess', () => {
  it('answers the first event, in order, whose requirement the key does not meet', () => {
    fc.assert(
      fc.property(eventList, standing, (events, key) => {
        const expected = events.find((type) => {
          const requirement = eventRequirement(type);
          return requirement !== null && !mayCall(requirement, key);
        });
        const missing = missingEventAccess(events, key);
        expect(missing?.event).toBe(expected);
        if (expected !== undefined) expect(missing?.requirement).toEqual(eventRequirement(expected));
      }),
    );
  });

  it('is monotone: a key that may subscribe to a list may subscribe to every part of it', () => {
    fc.assert(
      fc.property(eventList, eventList, standing, (events, more, key) => {
        if (missingEventAccess([...events, ...more], key) === undefined) {
          expect(missingEventAccess(events, key)).toBeUndefined();
        }
      }),
    );
  });

  it.each(EVENT_TYPES)('%s: a key with only webhooks:write is refused unless it needs nothing', (type) => {
    const missing = missingEventAccess([type], onlyWebhooksWrite);
    expect(missing === undefined).toBe(documentedFor(type) === null);
  });

  it.each(EVENT_TYPES)('%s: webhooks:write plus the required scope (or permission) is enough', (type) => {
    const requirement = eventRequirement(type);
    const key: KeyStanding =
      requirement?.permission !== undefined
        ? presetKey('full_access')
        : { ...onlyWebhooksWrite, scopes: ['webhooks:write', ...(requirement ? [requirement.scope] : [])] };
    expect(missingEventAccess([type], key)).toBeUndefined();
  });

  it('a custom key holding every general scope still may not subscribe to api_key.* events', () => {
    const key: KeyStanding = {
      type: 'general',
      permission: 'custom',
      scopes: SCOPES_BY_KEY_TYPE.general,
      secret: 'current',
    };
    expect(missingEventAccess(['email.sent', 'api_key.created'], key)).toEqual({
      event: 'api_key.created',
      requirement: { permission: 'full_access' },
    });
  });

  it("a full_access key's previous secret (rotation grace) may not subscribe to api_key.* events", () => {
    const key: KeyStanding = { ...presetKey('full_access'), secret: 'previous' };
    expect(missingEventAccess(['email.sent', 'api_key.rotated'], key)).toEqual({
      event: 'api_key.rotated',
      requirement: { permission: 'full_access' },
    });
  });

  it('an empty scope list subscribes to nothing that carries data', () => {
    const key: KeyStanding = { type: 'general', permission: 'custom', scopes: [], secret: 'current' };
    expect(subscribableEvents(key)).toEqual(['webhook.test']);
  });
});

describe('subscribableEvents', () => {
  it('a full_access key may subscribe to every event type', () => {
    expect(subscribableEvents(presetKey('full_access'))).toEqual([...EVENT_TYPES]);
  });

  it('a sending-only key may subscribe to its own channels’ events and webhook.test only', () => {
    expect(
      subscribableEvents(presetKey('sending_only')).every((type) =>
        ['sms', 'whatsapp', 'webhook'].includes(type.split('.')[0] ?? ''),
      ),
    ).toBe(true);
    expect(subscribableEvents(presetKey('sending_only'))).toContain('sms.delivered');
  });
});
