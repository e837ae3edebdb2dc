/**
 * The scope picker's model, derived from the server's scope table (lambdas/api/scopes.ts): scopes
 * grouped by resource (the part before `:`), and per resource the levels None, Read (its `:read`
 * scope) and Full (all its scopes). A scope added to the table appears in the picker by itself.
 */
import { GENERAL_SCOPES, type GeneralScope } from '../../lambdas/api/scopes';

export interface ScopeGroup {
  readonly resource: string;
  readonly scopes: readonly GeneralScope[];
}

export type Level = 'none' | 'read' | 'full';
/** `mixed`: some scopes of the resource, but not exactly a level's (individual checkboxes). */
export type LevelState = Level | 'mixed';

export function groupScopes(scopes: readonly GeneralScope[]): ScopeGroup[] {
  const groups = new Map<string, GeneralScope[]>();
  for (const scope of scopes) {
    const resource = scope.split(':')[0] ?? scope;
    groups.set(resource, [...(groups.get(resource) ?? []), scope]);
  }
  return [...groups].map(([resource, grouped]) => ({ resource, scopes: grouped }));
}

export const SCOPE_GROUPS: readonly ScopeGroup[] = groupScopes(Object.keys(GENERAL_SCOPES) as GeneralScope[]);

export function describeScope(scope: GeneralScope): string {
  return GENERAL_SCOPES[scope];
}

function scopesAt(group: ScopeGroup, level: Level): readonly GeneralScope[] {
  if (level === 'none') return [];
  if (level === 'full') return group.scopes;
  return group.scopes.filter((scope) => scope.endsWith(':read'));
}

/** The levels a resource offers: Read only when it has a read scope and something beyond it. */
export function levelsOf(group: ScopeGroup): Level[] {
  const read = scopesAt(group, 'read').length;
  return read > 0 && read < group.scopes.length ? ['none', 'read', 'full'] : ['none', 'full'];
}

export function levelOf(group: ScopeGroup, selected: ReadonlySet<string>): LevelState {
  const held = group.scopes.filter((scope) => selected.has(scope));
  for (const level of levelsOf(group)) {
    const at = scopesAt(group, level);
    if (at.length === held.length && at.every((scope) => selected.has(scope))) return level;
  }
  return 'mixed';
}

/** The selection with the resource's scopes set to exactly the level's; other resources untouched. */
export function withLevel(group: ScopeGroup, selected: ReadonlySet<string>, level: Level): Set<string> {
  const next = new Set([...selected].filter((scope) => !(group.scopes as readonly string[]).includes(scope)));
  for (const scope of scopesAt(group, level)) next.add(scope);
  return next;
}
