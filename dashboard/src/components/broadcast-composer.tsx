/**
 * A draft broadcast's form: name, from, content (a template and its variables, or a subject, html and
 * text written here), audience (a list or a segment), and a preview of the email one real contact of
 * that audience would receive, rendered in the page by the sender's own modules (broadcast-preview.ts).
 */
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { answer, apiBaseUrl, type Schemas } from '../api';
import {
  contentTemplate,
  personalContact,
  previewBroadcast,
  previewUnsubscribeUrl,
} from '../broadcast-preview';
import { run } from '../errors';
import { typedValue } from '../template-preview';
import { useClient, useResource } from '../use-resource';
import type { VariableValue } from '../../../lambdas/templates/render';

type ContentKind = 'template' | 'own';
type AudienceKind = 'list' | 'segment';

export interface Draft {
  readonly name: string;
  readonly from: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly contentKind: ContentKind;
  readonly templateId: string;
  /** The template's variables as typed, by key; empty for none (the fallback applies). */
  readonly values: Readonly<Record<string, string>>;
  readonly audienceKind: AudienceKind;
  readonly audienceId: string;
}

export function draftOf(broadcast: Schemas['Broadcast'] | undefined): Draft {
  const audience = broadcast?.audience;
  return {
    name: broadcast?.name ?? '',
    from: broadcast?.from ?? '',
    subject: broadcast?.subject ?? '',
    html: broadcast?.html ?? '',
    text: broadcast?.text ?? '',
    contentKind: broadcast && !broadcast.template ? 'own' : 'template',
    templateId: broadcast?.template?.id ?? '',
    values: Object.fromEntries(
      Object.entries(broadcast?.template?.variables ?? {}).map(([key, value]) => [key, String(value)]),
    ),
    audienceKind: audience && 'segment_id' in audience ? 'segment' : 'list',
    audienceId: audience ? ('segment_id' in audience ? audience.segment_id : audience.list_id) : '',
  };
}

/** The template's variables given a value, typed as declared. */
function givenValues(draft: Draft, template: Schemas['Template'] | undefined): Record<string, VariableValue> {
  const given: Record<string, VariableValue> = {};
  for (const variable of template?.variables ?? []) {
    const value = typedValue(variable.type, draft.values[variable.key] ?? '');
    if (value !== undefined) given[variable.key] = value;
  }
  return given;
}

/** The body of a create: empty optional fields are left out. */
export function createBody(draft: Draft, template: Schemas['Template'] | undefined) {
  const optional = (value: string) => (value === '' ? undefined : value);
  const own = draft.contentKind === 'own';
  return {
    name: draft.name,
    from: draft.from.trim(),
    subject: optional(draft.subject),
    html: own ? optional(draft.html) : undefined,
    text: own ? optional(draft.text) : undefined,
    template: own ? undefined : { id: draft.templateId, variables: givenValues(draft, template) },
    audience:
      draft.audienceKind === 'list' ? { list_id: draft.audienceId } : { segment_id: draft.audienceId },
  };
}

/** The body of an edit: the whole draft, an empty optional field cleared (null). */
export function updateBody(draft: Draft, template: Schemas['Template'] | undefined) {
  const body = createBody(draft, template);
  return {
    ...body,
    subject: body.subject ?? null,
    html: body.html ?? null,
    text: body.text ?? null,
    template: body.template ?? null,
  };
}

export function BroadcastComposer({
  broadcast,
  onSaved,
  after,
}: {
  broadcast: Schemas['Broadcast'] | undefined;
  onSaved: (saved: Schemas['Broadcast']) => void;
  /** What follows the form (sending a saved draft), told whether the form holds unsaved changes. */
  after?: (unsaved: boolean) => ComponentChildren;
}) {
  const client = useClient();
  const [draft, setDraft] = useState<Draft>(draftOf(broadcast));
  const unsaved = JSON.stringify(draft) !== JSON.stringify(draftOf(broadcast));
  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const templates = useResource(
    (api) => answer(api.GET('/v1/templates', { params: { query: { limit: 100 } } })),
    [],
  );
  const lists = useResource((api) => answer(api.GET('/v1/lists', { params: { query: { limit: 100 } } })), []);
  const segments = useResource(
    (api) => answer(api.GET('/v1/segments', { params: { query: { limit: 100 } } })),
    [],
  );
  const template =
    draft.contentKind === 'template'
      ? templates.value?.data.find((entry) => entry.id === draft.templateId)
      : undefined;
  const options = (draft.audienceKind === 'list' ? lists : segments).value?.data ?? [];

  const save = async (event: Event) => {
    event.preventDefault();
    const saved = await run(() =>
      broadcast === undefined
        ? answer(client.POST('/v1/broadcasts', { body: createBody(draft, template) }))
        : answer(
            client.PATCH('/v1/broadcasts/{id}', {
              params: { path: { id: broadcast.id } },
              body: updateBody(draft, template),
            }),
          ),
    );
    if (saved) onSaved(saved);
  };

  return (
    <div class="editor">
      <div class="stack">
        <form class="stack" onSubmit={save}>
          <div class="field">
            <label for="bc-name">Name</label>
            <input id="bc-name" value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />
          </div>
          <div class="field">
            <label for="bc-from">From</label>
            <input
              id="bc-from"
              placeholder="News <news@mail.example.com>"
              value={draft.from}
              onInput={(e) => set({ from: e.currentTarget.value })}
            />
          </div>
          <fieldset>
            <legend>Content</legend>
            <div class="choices">
              <label class="check">
                <input
                  type="radio"
                  name="bc-content"
                  checked={draft.contentKind === 'template'}
                  onChange={() => set({ contentKind: 'template' })}
                />
                From a template
              </label>
              <label class="check">
                <input
                  type="radio"
                  name="bc-content"
                  checked={draft.contentKind === 'own'}
                  onChange={() => set({ contentKind: 'own' })}
                />
                Written here
              </label>
            </div>
            {draft.contentKind === 'template' && (
              <div class="field">
                <label for="bc-template">Template</label>
                <select
                  id="bc-template"
                  value={draft.templateId}
                  onChange={(e) => set({ templateId: e.currentTarget.value })}
                >
                  <option value="">Choose a template</option>
                  {(templates.value?.data ?? []).map((entry) => (
                    <option key={entry.id} value={entry.id}>
                      {entry.name}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {template?.variables.map((variable) => (
              <div class="field" key={variable.key}>
                <label for={`bc-var-${variable.key}`}>
                  {variable.key} ({variable.type})
                </label>
                <input
                  id={`bc-var-${variable.key}`}
                  value={draft.values[variable.key] ?? ''}
                  placeholder={variable.fallback === null ? '' : String(variable.fallback)}
                  onInput={(e) => set({ values: { ...draft.values, [variable.key]: e.currentTarget.value } })}
                />
              </div>
            ))}
            <div class="field">
              <label for="bc-subject">
                Subject{draft.contentKind === 'template' ? ' (empty: the template’s)' : ''}
              </label>
              <input
                id="bc-subject"
                value={draft.subject}
                onInput={(e) => set({ subject: e.currentTarget.value })}
              />
            </div>
            {draft.contentKind === 'own' && (
              <>
                <div class="field">
                  <label for="bc-html">HTML</label>
                  <textarea
                    id="bc-html"
                    rows={8}
                    value={draft.html}
                    onInput={(e) => set({ html: e.currentTarget.value })}
                  />
                </div>
                <div class="field">
                  <label for="bc-text">Text</label>
                  <textarea
                    id="bc-text"
                    rows={4}
                    value={draft.text}
                    onInput={(e) => set({ text: e.currentTarget.value })}
                  />
                </div>
              </>
            )}
            <p class="help">
              Besides the template’s variables: <code>{'{{contact.first_name}}'}</code>,{' '}
              <code>{'{{contact.properties.plan}}'}</code>, <code>{'{{unsubscribe_url}}'}</code>…
            </p>
          </fieldset>
          <fieldset>
            <legend>Audience</legend>
            <div class="choices">
              <label class="check">
                <input
                  type="radio"
                  name="bc-audience"
                  checked={draft.audienceKind === 'list'}
                  onChange={() => set({ audienceKind: 'list', audienceId: '' })}
                />
                A list
              </label>
              <label class="check">
                <input
                  type="radio"
                  name="bc-audience"
                  checked={draft.audienceKind === 'segment'}
                  onChange={() => set({ audienceKind: 'segment', audienceId: '' })}
                />
                A segment
              </label>
            </div>
            <div class="field">
              <label for="bc-audience-id">{draft.audienceKind === 'list' ? 'List' : 'Segment'}</label>
              <select
                id="bc-audience-id"
                value={draft.audienceId}
                onChange={(e) => set({ audienceId: e.currentTarget.value })}
              >
                <option value="">Choose a {draft.audienceKind}</option>
                {options.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {entry.name}
                  </option>
                ))}
              </select>
            </div>
          </fieldset>
          <div class="actions">
            <button type="submit">{broadcast ? 'Save draft' : 'Create draft'}</button>
          </div>
        </form>
        {after?.(unsaved)}
      </div>
      <Preview draft={draft} template={template} />
    </div>
  );
}

/** The email one contact of the chosen audience would receive, as the sender would render it. */
function Preview({ draft, template }: { draft: Draft; template: Schemas['Template'] | undefined }) {
  const { audienceKind, audienceId } = draft;
  const contacts = useResource(
    (api) =>
      audienceId === ''
        ? Promise.resolve(undefined)
        : audienceKind === 'list'
          ? answer(
              api.GET('/v1/lists/{id}/contacts', {
                params: { path: { id: audienceId }, query: { limit: 50 } },
              }),
            )
          : answer(
              api.GET('/v1/segments/{id}/contacts', {
                params: { path: { id: audienceId }, query: { limit: 50 } },
              }),
            ),
    [audienceKind, audienceId],
  );
  const [chosen, setChosen] = useState('');
  const found = contacts.value?.data ?? [];
  const contact = found.find((entry) => entry.id === chosen) ?? found[0];
  const preview = useMemo(() => {
    if (!contact) return undefined;
    const own = draft.contentKind === 'own';
    const source = (value: string) => (value === '' ? undefined : value);
    return previewBroadcast(
      {
        subject: source(draft.subject),
        html: own ? source(draft.html) : undefined,
        text: own ? source(draft.text) : undefined,
      },
      own || !template ? undefined : contentTemplate(template),
      givenValues(draft, template),
      personalContact(contact),
      previewUnsubscribeUrl(apiBaseUrl(location.href)),
    );
  }, [draft, template, contact]);
  const choosingTemplate = draft.contentKind === 'template' && !template;
  return (
    <aside class="preview" aria-label="Preview">
      <h2>Preview</h2>
      {audienceId === '' && <p>Choose an audience to preview with one of its contacts.</p>}
      {audienceId !== '' && contacts.value && found.length === 0 && <p>This audience has no contact yet.</p>}
      {found.length > 0 && (
        <div class="field">
          <label for="bc-preview-contact">Preview as</label>
          <select
            id="bc-preview-contact"
            value={contact?.id ?? ''}
            onChange={(e) => setChosen(e.currentTarget.value)}
          >
            {found.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.email}
              </option>
            ))}
          </select>
        </div>
      )}
      {choosingTemplate && <p>Choose a template.</p>}
      {preview && !choosingTemplate && preview.problems.length > 0 && (
        <ul class="problems" data-testid="preview-problems">
          {preview.problems.map((problem) => (
            <li key={`${problem.path}:${problem.message}`}>{problem.message}</li>
          ))}
        </ul>
      )}
      {preview?.rendered && !choosingTemplate && (
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
          <p class="help">Each recipient’s unsubscribe link is their own, signed when it is sent.</p>
        </>
      )}
    </aside>
  );
}
