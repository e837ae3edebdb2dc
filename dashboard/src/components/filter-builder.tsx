/** A segment's filter as rows: match all/any, then field, op (only those the field takes) and value. */
import { MATCH_MODES, type FilterOp, type MatchMode } from '../../../lambdas/audience/filter';
import { answer } from '../api';
import {
  BUILDER_FIELDS,
  type BuilderField,
  type ConditionDraft,
  draftProblem,
  newDraft,
  opsFor,
  takesList,
  takesValue,
  type ValueType,
  withField,
} from '../segment-filter';
import { useResource } from '../use-resource';

const FIELD_LABELS: Record<BuilderField, string> = {
  email: 'email',
  first_name: 'first name',
  last_name: 'last name',
  unsubscribed: 'unsubscribed',
  list: 'list',
  property: 'property…',
};

export function FilterBuilder({
  match,
  onMatch,
  drafts,
  onChange,
}: {
  match: MatchMode;
  onMatch: (match: MatchMode) => void;
  drafts: readonly ConditionDraft[];
  onChange: (drafts: ConditionDraft[]) => void;
}) {
  const lists = useResource((api) => answer(api.GET('/v1/lists', { params: { query: { limit: 100 } } })), []);
  const update = (index: number, draft: ConditionDraft) =>
    onChange(drafts.map((row, at) => (at === index ? draft : row)));
  return (
    <fieldset class="filter-builder">
      <legend>Filter</legend>
      <div class="field">
        <label for="filter-match">Contacts match when</label>
        <select id="filter-match" value={match} onChange={(e) => onMatch(e.currentTarget.value as MatchMode)}>
          {MATCH_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {mode === 'all' ? 'all conditions hold' : 'any condition holds'}
            </option>
          ))}
        </select>
      </div>
      {drafts.map((draft, index) => {
        const problem = draftProblem(draft);
        const n = index + 1;
        const problemId = `condition-${n}-problem`;
        return (
          <div class="condition" key={index} aria-label={`Condition ${n}`} role="group">
            <label>
              Field {n}
              <select
                value={draft.field}
                onChange={(e) => update(index, withField(draft, e.currentTarget.value as BuilderField))}
              >
                {BUILDER_FIELDS.map((field) => (
                  <option key={field} value={field}>
                    {FIELD_LABELS[field]}
                  </option>
                ))}
              </select>
            </label>
            {draft.field === 'property' && (
              <label>
                Property name {n}
                <input
                  value={draft.property}
                  onInput={(e) => update(index, { ...draft, property: e.currentTarget.value })}
                />
              </label>
            )}
            <label>
              Operator {n}
              <select
                value={draft.op}
                onChange={(e) => update(index, { ...draft, op: e.currentTarget.value as FilterOp })}
              >
                {opsFor(draft.field).map((op) => (
                  <option key={op} value={op}>
                    {op.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
            </label>
            {takesValue(draft.op) && (
              <ValueInput
                n={n}
                draft={draft}
                problemId={problem ? problemId : undefined}
                lists={lists.value?.data ?? []}
                onChange={(next) => update(index, next)}
              />
            )}
            <button
              type="button"
              class="small"
              disabled={drafts.length === 1}
              onClick={() => onChange(drafts.filter((_, at) => at !== index))}
            >
              Remove condition {n}
            </button>
            {problem && (
              <p class="problems" id={problemId}>
                {problem}
              </p>
            )}
          </div>
        );
      })}
      <button type="button" class="small" onClick={() => onChange([...drafts, newDraft()])}>
        Add condition
      </button>
    </fieldset>
  );
}

function ValueInput({
  n,
  draft,
  problemId,
  lists,
  onChange,
}: {
  n: number;
  draft: ConditionDraft;
  problemId: string | undefined;
  lists: readonly { id: string; name: string }[];
  onChange: (draft: ConditionDraft) => void;
}) {
  const label = takesList(draft.op) ? `Values ${n} (comma-separated)` : `Value ${n}`;
  if (draft.field === 'unsubscribed') {
    return (
      <label>
        {label}
        <select value={draft.value} onChange={(e) => onChange({ ...draft, value: e.currentTarget.value })}>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      </label>
    );
  }
  if (draft.field === 'list') {
    // Lists are named by id in a filter; the page offers them by name.
    const chosen = draft.value.split(',').map((item) => item.trim());
    return (
      <label>
        {takesList(draft.op) ? `Lists ${n}` : `List ${n}`}
        <select
          multiple={takesList(draft.op)}
          aria-describedby={problemId}
          value={takesList(draft.op) ? undefined : draft.value}
          onChange={(e) =>
            onChange({
              ...draft,
              value: Array.from(e.currentTarget.selectedOptions, (option) => option.value).join(', '),
            })
          }
        >
          {!takesList(draft.op) && <option value="">choose a list</option>}
          {lists.map((list) => (
            <option key={list.id} value={list.id} selected={takesList(draft.op) && chosen.includes(list.id)}>
              {list.name}
            </option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <>
      {draft.field === 'property' && (
        <label>
          Value type {n}
          <select
            value={draft.valueType}
            onChange={(e) => onChange({ ...draft, valueType: e.currentTarget.value as ValueType })}
          >
            <option value="text">text</option>
            <option value="number">number</option>
            <option value="boolean">true / false</option>
          </select>
        </label>
      )}
      <label>
        {label}
        <input
          value={draft.value}
          aria-invalid={problemId ? true : undefined}
          aria-describedby={problemId}
          onInput={(e) => onChange({ ...draft, value: e.currentTarget.value })}
        />
      </label>
    </>
  );
}
