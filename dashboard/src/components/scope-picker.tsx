/**
 * A custom key's scopes: one group per resource with None / Read / Full, and each scope as its own
 * checkbox (a mix of them shows as "custom"). Groups, levels and descriptions come from the scope
 * table (dashboard/src/scope-groups.ts).
 */
import { describeScope, type Level, levelOf, levelsOf, SCOPE_GROUPS, withLevel } from '../scope-groups';

const LEVEL_LABELS: Record<Level, string> = { none: 'None', read: 'Read', full: 'Full' };

export function ScopePicker({
  selected,
  onChange,
}: {
  selected: ReadonlySet<string>;
  onChange: (selected: Set<string>) => void;
}) {
  return (
    <fieldset class="scope-picker">
      <legend>Scopes</legend>
      {SCOPE_GROUPS.map((group) => {
        const state = levelOf(group, selected);
        return (
          <fieldset key={group.resource} class="scope-group">
            <legend>
              {group.resource}
              {state === 'mixed' && <span class="help"> (custom)</span>}
            </legend>
            <div class="levels">
              {levelsOf(group).map((level) => (
                <label key={level} class="check">
                  <input
                    type="radio"
                    name={`level-${group.resource}`}
                    checked={state === level}
                    aria-label={`${group.resource}: ${LEVEL_LABELS[level]}`}
                    onChange={() => onChange(withLevel(group, selected, level))}
                  />{' '}
                  {LEVEL_LABELS[level]}
                </label>
              ))}
            </div>
            {group.scopes.map((scope) => (
              <label key={scope} class="check">
                <input
                  type="checkbox"
                  checked={selected.has(scope)}
                  onChange={(e) => {
                    const next = new Set(selected);
                    if (e.currentTarget.checked) next.add(scope);
                    else next.delete(scope);
                    onChange(next);
                  }}
                />{' '}
                <code>{scope}</code> <span class="help">{describeScope(scope)}</span>
              </label>
            ))}
          </fieldset>
        );
      })}
    </fieldset>
  );
}
