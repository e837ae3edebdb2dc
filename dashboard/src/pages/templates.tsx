/** Templates: list, and an editor with a live preview and a variables form. */
import { useMemo, useState } from 'preact/hooks';
import { answer, type Schemas } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { run } from '../errors';
import { when } from '../format';
import { href, navigate } from '../router';
import { previewTemplate, typedValue } from '../template-preview';
import { useClient, useResource } from '../use-resource';
import type { VariableDeclaration, VariableType, VariableValue } from '../../../lambdas/templates/render';

export function TemplatesPage({ id }: { id: string | undefined }) {
  if (id === undefined) return <TemplateList />;
  if (id === 'new') return <TemplateEditor template={undefined} />;
  return <LoadedTemplate id={id} />;
}

function TemplateList() {
  const templates = useResource(
    (api) => answer(api.GET('/v1/templates', { params: { query: { limit: 100 } } })),
    [],
  );
  return (
    <section>
      <h1>Templates</h1>
      <p>
        <a class="button" href={href('templates', 'new')}>
          New template
        </a>
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Alias</th>
              <th scope="col">Subject</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {(templates.value?.data ?? []).map((template) => (
              <tr key={template.id}>
                <td>
                  <a href={href('templates', template.id)}>{template.name}</a>
                </td>
                <td>{template.alias ? <code>{template.alias}</code> : ''}</td>
                <td>{template.subject ?? ''}</td>
                <td>{when(template.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {templates.value?.data.length === 0 && <p>No templates yet.</p>}
    </section>
  );
}

function LoadedTemplate({ id }: { id: string }) {
  const template = useResource(
    (api) => answer(api.GET('/v1/templates/{id}', { params: { path: { id } } })),
    [id],
  );
  if (!template.value) return <p>{template.loading ? 'Loading…' : 'Template not found.'}</p>;
  return <TemplateEditor key={template.value.id} template={template.value} />;
}

interface VariableRow {
  key: string;
  type: VariableType;
  /** The fallback as typed; empty for none. */
  fallback: string;
}

type TextField = 'name' | 'alias' | 'subject' | 'from' | 'reply_to' | 'html' | 'text';
type Fields = Record<TextField, string>;

function fieldsOf(template: Schemas['Template'] | undefined): Fields {
  return {
    name: template?.name ?? '',
    alias: template?.alias ?? '',
    subject: template?.subject ?? '',
    from: template?.from ?? '',
    reply_to: (template?.reply_to ?? []).join(', '),
    html: template?.html ?? '',
    text: template?.text ?? '',
  };
}

function declarationsOf(rows: readonly VariableRow[]): VariableDeclaration[] {
  return rows
    .filter((row) => row.key.trim() !== '')
    .map((row) => {
      const fallback = typedValue(row.type, row.fallback);
      return fallback === undefined
        ? { key: row.key.trim(), type: row.type }
        : { key: row.key.trim(), type: row.type, fallback };
    });
}

/** The body of a save: empty optional fields are left out of a create and cleared (null) by an edit. */
function saveBody(fields: Fields, rows: readonly VariableRow[], editing: boolean) {
  const optional = (value: string) => (value.trim() === '' ? (editing ? null : undefined) : value);
  const replyTo = fields.reply_to
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
  return {
    name: fields.name,
    alias: optional(fields.alias),
    subject: optional(fields.subject),
    html: optional(fields.html),
    text: optional(fields.text),
    from: optional(fields.from),
    reply_to: replyTo.length > 0 ? replyTo : editing ? null : undefined,
    variables: declarationsOf(rows).map((declaration) => ({
      ...declaration,
      fallback: declaration.fallback ?? null,
    })),
  };
}

function TemplateEditor({ template }: { template: Schemas['Template'] | undefined }) {
  const client = useClient();
  const [fields, setFields] = useState<Fields>(fieldsOf(template));
  const [rows, setRows] = useState<VariableRow[]>(
    (template?.variables ?? []).map((variable) => ({
      key: variable.key,
      type: variable.type,
      fallback: variable.fallback === null ? '' : String(variable.fallback),
    })),
  );
  const [values, setValues] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const set = (field: TextField) => (event: { currentTarget: { value: string } }) =>
    setFields({ ...fields, [field]: event.currentTarget.value });

  const declarations = declarationsOf(rows);
  const preview = useMemo(() => {
    const given: Record<string, VariableValue> = {};
    for (const declaration of declarations) {
      const value = typedValue(declaration.type, values[declaration.key] ?? '');
      if (value !== undefined) given[declaration.key] = value;
    }
    const source = (value: string) => (value === '' ? undefined : value);
    return previewTemplate(
      { subject: source(fields.subject), html: source(fields.html), text: source(fields.text) },
      declarations,
      given,
    );
  }, [fields, rows, values]);

  const save = async (event: Event) => {
    event.preventDefault();
    const body = saveBody(fields, rows, template !== undefined);
    const result = await run(() =>
      template === undefined
        ? answer(client.POST('/v1/templates', { body }))
        : answer(client.PATCH('/v1/templates/{id}', { params: { path: { id: template.id } }, body })),
    );
    if (!result) return;
    setSaved(`Saved at ${new Date().toLocaleTimeString()}.`);
    if (template === undefined) navigate('templates', result.id);
  };
  const remove = async () => {
    if (!template) return;
    const deleted = await run(() =>
      answer(client.DELETE('/v1/templates/{id}', { params: { path: { id: template.id } } })),
    );
    if (deleted) navigate('templates');
  };
  const updateRow = (index: number, change: Partial<VariableRow>) =>
    setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));

  return (
    <section>
      <p>
        <a href={href('templates')}>← Templates</a>
      </p>
      <h1>{template ? template.name : 'New template'}</h1>
      <div class="editor">
        <form class="stack" onSubmit={save}>
          {(['name', 'alias', 'subject', 'from', 'reply_to'] as const).map((field) => (
            <div class="field" key={field}>
              <label for={`tpl-${field}`}>{LABELS[field]}</label>
              <input id={`tpl-${field}`} value={fields[field]} onInput={set(field)} />
            </div>
          ))}
          <div class="field">
            <label for="tpl-html">HTML</label>
            <textarea id="tpl-html" rows={8} value={fields.html} onInput={set('html')} />
          </div>
          <div class="field">
            <label for="tpl-text">Text</label>
            <textarea id="tpl-text" rows={4} value={fields.text} onInput={set('text')} />
          </div>
          <fieldset>
            <legend>Variables</legend>
            {rows.map((row, index) => (
              <div class="variable-row" key={index}>
                <label>
                  Key
                  <input value={row.key} onInput={(e) => updateRow(index, { key: e.currentTarget.value })} />
                </label>
                <label>
                  Type
                  <select
                    value={row.type}
                    onChange={(e) => updateRow(index, { type: e.currentTarget.value as VariableType })}
                  >
                    <option value="string">string</option>
                    <option value="number">number</option>
                    <option value="boolean">boolean</option>
                  </select>
                </label>
                <label>
                  Fallback
                  <input
                    value={row.fallback}
                    onInput={(e) => updateRow(index, { fallback: e.currentTarget.value })}
                  />
                </label>
                <button
                  type="button"
                  class="small"
                  onClick={() => setRows(rows.filter((_, at) => at !== index))}
                >
                  Remove
                </button>
              </div>
            ))}
            <button
              type="button"
              class="small"
              onClick={() => setRows([...rows, { key: '', type: 'string', fallback: '' }])}
            >
              Add variable
            </button>
          </fieldset>
          <div class="actions">
            <button type="submit">{template ? 'Save changes' : 'Create template'}</button>
            {template && (
              <ConfirmButton label="Delete template" confirmLabel="Delete it" onConfirm={remove} />
            )}
            {saved && <span role="status">{saved}</span>}
          </div>
        </form>
        <aside class="preview" aria-label="Preview">
          <h2>Preview</h2>
          {declarations.length > 0 && (
            <fieldset>
              <legend>Try values</legend>
              {declarations.map((declaration) => (
                <label key={declaration.key}>
                  {declaration.key} ({declaration.type})
                  <input
                    data-variable={declaration.key}
                    value={values[declaration.key] ?? ''}
                    placeholder={declaration.fallback === undefined ? '' : String(declaration.fallback)}
                    onInput={(e) => setValues({ ...values, [declaration.key]: e.currentTarget.value })}
                  />
                </label>
              ))}
            </fieldset>
          )}
          {preview.problems.length > 0 && (
            <ul class="problems" data-testid="preview-problems">
              {preview.problems.map((problem) => (
                <li key={`${problem.path}:${problem.message}`}>{problem.message}</li>
              ))}
            </ul>
          )}
          {preview.rendered && (
            <>
              <p>
                <strong>Subject:</strong>{' '}
                <span data-testid="preview-subject">{preview.rendered.subject ?? ''}</span>
              </p>
              {preview.rendered.html !== undefined && (
                // Sandboxed (no scripts, a unique origin) and under this page's CSP: a preview, not a browser.
                <iframe title="HTML preview" class="html-preview" sandbox="" srcdoc={preview.rendered.html} />
              )}
              {preview.rendered.text !== undefined && (
                <pre data-testid="preview-text">{preview.rendered.text}</pre>
              )}
            </>
          )}
        </aside>
      </div>
    </section>
  );
}

const LABELS: Record<TextField, string> = {
  name: 'Name',
  alias: 'Alias',
  subject: 'Subject',
  from: 'From',
  reply_to: 'Reply-To (comma-separated)',
  html: 'HTML',
  text: 'Text',
};
