/** Segments: list, the filter builder (new and edit), a preview of the contacts a segment matches, delete. */
import { useState } from 'preact/hooks';
import type { MatchMode } from '../../../lambdas/audience/filter';
import { answer, type Schemas } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { FilterBuilder } from '../components/filter-builder';
import { run } from '../errors';
import { when } from '../format';
import { href, navigate } from '../router';
import { type ConditionDraft, draftProblem, fromCondition, newDraft, toCondition } from '../segment-filter';
import { useClient, useResource } from '../use-resource';
import { ContactsTable } from './contacts';

export function SegmentsPage({ id }: { id: string | undefined }) {
  if (id === 'new') return <SegmentEditor />;
  return id === undefined ? <SegmentList /> : <SegmentDetail id={id} />;
}

function SegmentList() {
  const segments = useResource(
    (api) => answer(api.GET('/v1/segments', { params: { query: { limit: 100 } } })),
    [],
  );
  return (
    <section>
      <h1>Segments</h1>
      <p>
        <a class="button" href={href('segments', 'new')}>
          New segment
        </a>
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Conditions</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {(segments.value?.data ?? []).map((segment) => (
              <tr key={segment.id}>
                <td>
                  <a href={href('segments', segment.id)}>{segment.name}</a>
                </td>
                <td>
                  {segment.filter.conditions.length} ({segment.filter.match})
                </td>
                <td>{when(segment.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {segments.value?.data.length === 0 && <p>No segments yet.</p>}
    </section>
  );
}

function SegmentDetail({ id }: { id: string }) {
  const loaded = useResource(
    (api) => answer(api.GET('/v1/segments/{id}', { params: { path: { id } } })),
    [id],
  );
  const segment = loaded.value;
  if (!segment || segment.id !== id) return <p>{loaded.loading ? 'Loading…' : 'Segment not found.'}</p>;
  return (
    <>
      <SegmentEditor key={segment.updated_at} segment={segment} onSaved={loaded.reload} />
      <SegmentPreview id={id} version={segment.updated_at} />
    </>
  );
}

function SegmentEditor({ segment, onSaved }: { segment?: Schemas['Segment']; onSaved?: () => void }) {
  const client = useClient();
  const [name, setName] = useState(segment?.name ?? '');
  const [match, setMatch] = useState<MatchMode>(segment?.filter.match ?? 'all');
  const [drafts, setDrafts] = useState<ConditionDraft[]>(
    segment ? segment.filter.conditions.map(fromCondition) : [newDraft()],
  );
  const save = async (event: Event) => {
    event.preventDefault();
    const filter = { match, conditions: drafts.map(toCondition) };
    if (segment === undefined) {
      const created = await run(() =>
        answer(client.POST('/v1/segments', { body: { name: name.trim(), filter } })),
      );
      if (created) navigate('segments', created.id);
      return;
    }
    const saved = await run(() =>
      answer(
        client.PATCH('/v1/segments/{id}', {
          params: { path: { id: segment.id } },
          body: { name: name.trim(), filter },
        }),
      ),
    );
    if (saved) onSaved?.();
  };
  const remove = async () => {
    if (!segment) return;
    const deleted = await run(() =>
      answer(client.DELETE('/v1/segments/{id}', { params: { path: { id: segment.id } } })),
    );
    if (deleted) navigate('segments');
  };
  const invalid = drafts.some((draft) => draftProblem(draft) !== undefined);
  return (
    <section>
      <p>
        <a href={href('segments')}>← Segments</a>
      </p>
      <h1>{segment ? segment.name : 'New segment'}</h1>
      {segment && (
        <p>
          <code>{segment.id}</code> · created {when(segment.created_at)}
        </p>
      )}
      <form class="stack" onSubmit={save}>
        <div class="field">
          <label for="segment-name">Segment name</label>
          <input id="segment-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <FilterBuilder match={match} onMatch={setMatch} drafts={drafts} onChange={setDrafts} />
        <div class="actions">
          <button type="submit" disabled={invalid}>
            {segment ? 'Save segment' : 'Create segment'}
          </button>
          {segment && (
            <ConfirmButton
              label="Delete segment"
              confirmLabel={`Delete ${segment.name}`}
              onConfirm={remove}
            />
          )}
        </div>
      </form>
    </section>
  );
}

/**
 * The contacts the saved segment matches now. A page may hold fewer than asked (the API examines a
 * bounded number of contacts per request) while has_more is true, so "Load more" follows the cursor.
 */
function SegmentPreview({ id, version }: { id: string; version: string }) {
  const client = useClient();
  const first = useResource(
    (api) =>
      answer(api.GET('/v1/segments/{id}/contacts', { params: { path: { id }, query: { limit: 50 } } })),
    [id, version],
  );
  const [more, setMore] = useState<{ for: unknown; contacts: Schemas['Contact'][]; cursor: string | null }>({
    for: undefined,
    contacts: [],
    cursor: null,
  });
  const page = first.value;
  const extra = more.for === page ? more : { contacts: [], cursor: page?.next_cursor ?? null };
  const loadMore = async () => {
    const cursor = extra.cursor;
    if (!cursor) return;
    const next = await run(() =>
      answer(
        client.GET('/v1/segments/{id}/contacts', {
          params: { path: { id }, query: { limit: 50, cursor } },
        }),
      ),
    );
    if (next) setMore({ for: page, contacts: [...extra.contacts, ...next.data], cursor: next.next_cursor });
  };
  const contacts = [...(page?.data ?? []), ...extra.contacts];
  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">Contacts it matches now</h2>
      <div class="actions">
        <button type="button" onClick={first.reload}>
          Refresh preview
        </button>
        {extra.cursor && (
          <button type="button" onClick={() => void loadMore()}>
            Load more
          </button>
        )}
      </div>
      <div data-testid="segment-preview">
        <ContactsTable contacts={contacts} />
      </div>
      {page && contacts.length === 0 && (
        <p>{extra.cursor ? 'None yet in what was examined.' : 'No contact matches.'}</p>
      )}
    </section>
  );
}
