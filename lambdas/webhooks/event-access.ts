/**
 * Events are read scopes: a webhook subscribed to an event type receives that data, so subscribing
 * needs what reading the data needs. The rule is data (an event type's family → what a key must
 * hold) checked with the route rule (`mayCall`), so a subscription and a route can never disagree
 * about what a requirement means.
 */
import { EVENT_TYPES, type EventType } from '../shared/event-types.js';
import { type KeyStanding, mayCall } from '../api/route-access.js';
import type { RouteRequirement } from '../api/routes.js';

/** `email.sent` → `email`: the part of an event type before the first dot. */
export type EventFamily = EventType extends `${infer Family}.${string}` ? Family : never;

/**
 * What subscribing to each family needs; `null`: nothing beyond the webhook route's own scope.
 * The compiler demands an entry for every family in EVENT_TYPES, so a new family cannot be
 * subscribed to without a decision here. When the broadcast events arrive, their line is
 * `broadcast: { scope: 'broadcasts:read' },`.
 */
export const EVENT_FAMILY_REQUIREMENTS: Readonly<Record<EventFamily, RouteRequirement | null>> = {
  email: { scope: 'emails:read' },
  domain: { scope: 'domains:read' },
  contact: { scope: 'audience:read' },
  sms: { scope: 'sms:send' },
  whatsapp: { scope: 'whatsapp:send' },
  broadcast: { scope: 'broadcasts:read' },
  // Key metadata is readable only by keys that may manage keys.
  api_key: { permission: 'full_access' },
  // Sent only by `POST /v1/webhooks/{id}/test`, carrying nothing but the webhook's own id.
  webhook: null,
};

export function eventFamilyOf(type: EventType): EventFamily {
  return type.slice(0, type.indexOf('.')) as EventFamily;
}

/** What a key must hold to subscribe to `type`; `null`: nothing more than the webhook route's scope. */
export function eventRequirement(type: EventType): RouteRequirement | null {
  return EVENT_FAMILY_REQUIREMENTS[eventFamilyOf(type)];
}

export interface MissingEventAccess {
  readonly event: EventType;
  readonly requirement: RouteRequirement;
}

/**
 * The first of `events` (in the order given) that `key` may not subscribe to, with what it lacks;
 * `undefined` when it may subscribe to them all.
 */
export function missingEventAccess(
  events: readonly EventType[],
  key: KeyStanding,
): MissingEventAccess | undefined {
  for (const event of events) {
    const requirement = eventRequirement(event);
    if (requirement !== null && !mayCall(requirement, key)) return { event, requirement };
  }
  return undefined;
}

/** The event types `key` may subscribe to, in the list's order (the dashboard's picker reads it). */
export function subscribableEvents(key: KeyStanding): EventType[] {
  return EVENT_TYPES.filter((type) => missingEventAccess([type], key) === undefined);
}
