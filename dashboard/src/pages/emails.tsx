/** Sent emails: a paged list and one email with its event timeline. */
import { useState } from 'preact/hooks';
import { answer } from '../api';
import { when } from '../format';
import { href } from '../router';
import { useResource } from '../use-resource';
import { Status } from './domains';

export function EmailsPage({ id }: { id: string | undefined }) {
  return id === undefined ? <EmailList /> : <EmailDetail id={id} />;
}

function EmailList() {
  // The cursors of the pages seen so far: "Older" pushes, "Newer" pops.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const page = useResource(
    (api) =>
      answer(api.GET('/v1/emails', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } })),
    [cursor],
  );
  return (
    <section>
      <h1>Emails</h1>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">To</th>
              <th scope="col">Status</th>
              <th scope="col">Sent</th>
            </tr>
          </thead>
          <tbody>
            {(page.value?.data ?? []).map((email) => (
              <tr key={email.id}>
                <td>
                  <a href={href('emails', email.id)}>{email.subject || '(no subject)'}</a>
                </td>
                <td>{email.to.join(', ')}</td>
                <td>
                  <Status value={email.status} />
                </td>
                <td>{when(email.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.value?.data.length === 0 && <p>No emails yet.</p>}
      <div class="actions">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
        )}
        {page.value?.has_more && page.value.next_cursor && (
          <button type="button" onClick={() => setCursors([...cursors, page.value?.next_cursor ?? ''])}>
            Older
          </button>
        )}
      </div>
    </section>
  );
}

function EmailDetail({ id }: { id: string }) {
  const path = { params: { path: { id } } };
  const email = useResource((api) => answer(api.GET('/v1/emails/{id}', path)), [id]);
  const events = useResource(
    (api) => answer(api.GET('/v1/emails/{id}/events', { params: { path: { id }, query: { limit: 100 } } })),
    [id],
  );
  const current = email.value;
  if (!current) return <p>{email.loading ? 'Loading…' : 'Email not found.'}</p>;
  return (
    <section>
      <p>
        <a href={href('emails')}>← Emails</a>
      </p>
      <h1>{current.subject || '(no subject)'}</h1>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{current.id}</code>
        </dd>
        <dt>From</dt>
        <dd>{current.from}</dd>
        <dt>To</dt>
        <dd>{current.to.join(', ')}</dd>
        {current.suppressed.length > 0 && (
          <>
            <dt>Not sent to (suppressed)</dt>
            <dd>{current.suppressed.join(', ')}</dd>
          </>
        )}
        <dt>Status</dt>
        <dd>
          <Status value={current.status} />
        </dd>
        <dt>Sent</dt>
        <dd>{when(current.created_at)}</dd>
      </dl>
      <h2>
        Events{' '}
        <button type="button" class="small" onClick={events.reload}>
          Refresh
        </button>
      </h2>
      <ol class="timeline" data-testid="timeline">
        {(events.value?.data ?? []).map((event, index) => (
          <li key={`${event.type}-${event.created_at}-${index}`}>
            <strong>{event.type}</strong> <time dateTime={event.created_at}>{when(event.created_at)}</time>
            {Object.keys(event.details).length > 0 && <pre>{JSON.stringify(event.details, null, 2)}</pre>}
          </li>
        ))}
      </ol>
      {events.value?.data.length === 0 && <p>No events yet.</p>}
    </section>
  );
}
