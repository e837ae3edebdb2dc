/**
 * A contact's custom properties as rows of name, type and value. The API merges a PATCH's properties
 * (a value sets one, null removes it), so a save sends every row plus null for each removed name.
 */
type Scalar = string | number | boolean;
export type PropertyType = 'text' | 'number' | 'boolean';

export interface PropertyRow {
  readonly name: string;
  readonly type: PropertyType;
  readonly value: string;
}

export function propertyRows(properties: Readonly<Record<string, Scalar>>): PropertyRow[] {
  return Object.entries(properties).map(([name, value]) => ({
    name,
    type: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text',
    value: String(value),
  }));
}

/** The row's value as its type says (a number that does not parse is sent as typed: the API refuses it). */
export function rowValue(row: PropertyRow): Scalar {
  if (row.type === 'boolean') return row.value === 'true';
  if (row.type === 'number' && row.value.trim() !== '' && Number.isFinite(Number(row.value))) {
    return Number(row.value);
  }
  return row.value;
}

export function rowsToChanges(
  before: Readonly<Record<string, Scalar>>,
  rows: readonly PropertyRow[],
): Record<string, Scalar | null> {
  const changes: Record<string, Scalar | null> = {};
  for (const name of Object.keys(before)) changes[name] = null;
  for (const row of rows) if (row.name.trim()) changes[row.name.trim()] = rowValue(row);
  return changes;
}

export function PropertiesEditor({
  rows,
  onChange,
}: {
  rows: readonly PropertyRow[];
  onChange: (rows: PropertyRow[]) => void;
}) {
  const update = (index: number, change: Partial<PropertyRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <fieldset>
      <legend>Properties</legend>
      {rows.map((row, index) => (
        <div class="variable-row" key={index}>
          <label>
            Property name
            <input value={row.name} onInput={(e) => update(index, { name: e.currentTarget.value })} />
          </label>
          <label>
            Type
            <select
              value={row.type}
              onChange={(e) => {
                const type = e.currentTarget.value as PropertyType;
                update(index, { type, value: type === 'boolean' ? 'false' : row.value });
              }}
            >
              <option value="text">text</option>
              <option value="number">number</option>
              <option value="boolean">true / false</option>
            </select>
          </label>
          <label>
            Value
            {row.type === 'boolean' ? (
              <select value={row.value} onChange={(e) => update(index, { value: e.currentTarget.value })}>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                value={row.value}
                inputMode={row.type === 'number' ? 'decimal' : undefined}
                onInput={(e) => update(index, { value: e.currentTarget.value })}
              />
            )}
          </label>
          <button type="button" class="small" onClick={() => onChange(rows.filter((_, at) => at !== index))}>
            Remove property
          </button>
        </div>
      ))}
      <button
        type="button"
        class="small"
        onClick={() => onChange([...rows, { name: '', type: 'text', value: '' }])}
      >
        Add property
      </button>
    </fieldset>
  );
}
