/**
 * Picks webhook event types from the API's own list (lambdas/shared/event-types.ts), grouped by resource.
 * Each group names what subscribing to it needs (lambdas/webhooks/event-access.ts): the dashboard's
 * full_access key holds all of it, and the hint tells what a narrower key would need.
 */
import { EVENT_FAMILY_REQUIREMENTS, eventFamilyOf } from '../../../lambdas/webhooks/event-access';
import { EVENT_TYPES, type EventType } from '../../../lambdas/shared/event-types';
import { requirementLabel } from '../../../lambdas/api/routes';

/** `needs emails:read` for a group, or nothing when the group needs no more than webhooks:write. */
export function groupRequirementHint(type: EventType): string {
  const requirement = EVENT_FAMILY_REQUIREMENTS[eventFamilyOf(type)];
  return requirement === null ? '' : ` (needs ${requirementLabel(requirement)})`;
}

/** `email.sent` → `email`: the groups, in the list's order. */
export function eventGroups(): [string, EventType[]][] {
  const groups = new Map<string, EventType[]>();
  for (const type of EVENT_TYPES) {
    const group = type.split('.')[0] ?? type;
    groups.set(group, [...(groups.get(group) ?? []), type]);
  }
  return [...groups];
}

export function EventsPicker({
  value,
  onChange,
}: {
  value: readonly EventType[];
  onChange: (next: EventType[]) => void;
}) {
  const chosen = new Set(value);
  const toggle = (types: readonly EventType[], on: boolean) => {
    const next = new Set(chosen);
    for (const type of types) {
      if (on) next.add(type);
      else next.delete(type);
    }
    onChange(EVENT_TYPES.filter((type) => next.has(type)));
  };
  return (
    <fieldset class="events-picker">
      <legend>Events</legend>
      {eventGroups().map(([group, types]) => (
        <fieldset key={group} class="event-group">
          <legend>
            <label>
              <input
                type="checkbox"
                checked={types.every((type) => chosen.has(type))}
                onChange={(e) => toggle(types, e.currentTarget.checked)}
              />{' '}
              {group}: all
            </label>
            {types[0] ? <small class="hint">{groupRequirementHint(types[0])}</small> : null}
          </legend>
          {types.map((type) => (
            <label key={type} class="check">
              <input
                type="checkbox"
                value={type}
                checked={chosen.has(type)}
                onChange={(e) => toggle([type], e.currentTarget.checked)}
              />{' '}
              {type}
            </label>
          ))}
        </fieldset>
      ))}
    </fieldset>
  );
}
