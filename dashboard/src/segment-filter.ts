/**
 * The filter builder's rows and the API's conditions, both ways. Which ops a field offers and whether
 * a condition is valid come from the server's own filter module (lambdas/audience/filter.ts), so the
 * builder offers exactly what the API accepts and words a problem as the API would.
 */
import {
  type Condition,
  conditionProblem,
  FIXED_FIELDS,
  type FilterOp,
  type FixedField,
  ruleOf,
  type Scalar,
} from '../../lambdas/audience/filter';

export const BUILDER_FIELDS = [...FIXED_FIELDS, 'property'] as const;
export type BuilderField = (typeof BUILDER_FIELDS)[number];
export type ValueType = 'text' | 'number' | 'boolean';

export interface ConditionDraft {
  readonly field: BuilderField;
  /** The property's name when field is `property`. */
  readonly property: string;
  readonly op: FilterOp;
  /** As typed; a list of values is comma-separated. */
  readonly value: string;
  /** How a property's value is read (fixed fields have one kind each). */
  readonly valueType: ValueType;
}

/** Any valid property name: every property field takes the same ops. */
const SOME_PROPERTY = 'properties.p';

function fieldName(draft: Pick<ConditionDraft, 'field' | 'property'>): string {
  return draft.field === 'property' ? `properties.${draft.property.trim()}` : draft.field;
}

export function opsFor(field: BuilderField): readonly FilterOp[] {
  return ruleOf(field === 'property' ? SOME_PROPERTY : field)?.ops ?? [];
}

export function takesValue(op: FilterOp): boolean {
  return op !== 'exists' && op !== 'not_exists';
}

export function takesList(op: FilterOp): boolean {
  return op === 'in_list' || op === 'not_in_list';
}

export function newDraft(field: BuilderField = 'email'): ConditionDraft {
  return { field, property: '', op: opsFor(field)[0] ?? 'eq', value: '', valueType: 'text' };
}

/** A field change keeps the op when the new field takes it, else takes the field's first. */
export function withField(draft: ConditionDraft, field: BuilderField): ConditionDraft {
  const ops = opsFor(field);
  return {
    ...draft,
    field,
    op: ops.includes(draft.op) ? draft.op : (ops[0] ?? 'eq'),
    value: field === 'unsubscribed' ? 'true' : draft.value,
  };
}

function scalarOf(draft: ConditionDraft, text: string): Scalar {
  const kind = ruleOf(fieldName(draft))?.value ?? 'scalar';
  if (kind === 'boolean') return text === 'true';
  if (kind === 'string') return text;
  if (draft.valueType === 'boolean') return text === 'true';
  if (draft.valueType === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) {
    return Number(text);
  }
  return text;
}

export function toCondition(draft: ConditionDraft): Condition {
  const field = fieldName(draft);
  if (!takesValue(draft.op)) return { field, op: draft.op };
  if (takesList(draft.op)) {
    const values = draft.value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => scalarOf(draft, item));
    return { field, op: draft.op, value: values };
  }
  return { field, op: draft.op, value: scalarOf(draft, draft.value) };
}

export function fromCondition(condition: Condition): ConditionDraft {
  const isProperty = condition.field.startsWith('properties.');
  const field: BuilderField = isProperty ? 'property' : (condition.field as FixedField);
  const values = Array.isArray(condition.value)
    ? (condition.value as readonly Scalar[])
    : condition.value === undefined
      ? []
      : [condition.value as Scalar];
  const first = values[0];
  return {
    field,
    property: isProperty ? condition.field.slice('properties.'.length) : '',
    op: condition.op,
    value: values.map(String).join(', '),
    valueType: typeof first === 'number' ? 'number' : typeof first === 'boolean' ? 'boolean' : 'text',
  };
}

/** The API's words for what is wrong with the row, or undefined when the API would accept it. */
export function draftProblem(draft: ConditionDraft): string | undefined {
  const problem = conditionProblem(toCondition(draft));
  return problem && `${problem.part} ${problem.message}`;
}
