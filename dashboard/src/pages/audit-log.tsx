/** The project's audit log: every mutating call, newest first, paged by the API's cursor. */
import { useState } from 'preact/hooks';
import { answer, type Schemas } from '../api';
import { run } from '../errors';
import { when } from '../format';
import { useClient, useResource } from '../use-resource';

export function AuditLogPage() {
  const client = useClient();
  const first = useResource(
    (api) => answer(api.GET('/v1/audit-log', { params: { query: { limit: 50 } } })),
    [],
  );
  const [more, setMore] = useState<{ entries: Schemas['AuditEntry'][]; cursor: string | null } | undefined>(
    undefined,
  );
  const cursor = more ? more.cursor : (first.value?.next_cursor ?? null);
  const entries = [...(first.value?.data ?? []), ...(more?.entries ?? [])];
  const loadMore = async () => {
    if (!cursor) return;
    const next = await run(() =>
      answer(client.GET('/v1/audit-log', { params: { query: { limit: 50, cursor } } })),
    );
    if (next) setMore({ entries: [...(more?.entries ?? []), ...next.data], cursor: next.next_cursor });
  };
  return (
    <section>
      <h1>Audit log</h1>
      <div class="table-wrap">
        <table data-testid="audit-log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Resource</th>
              <th scope="col">Key</th>
              <th scope="col">IP</th>
              <th scope="col">Status</th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{when(entry.created_at)}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td class="break">{entry.resource_id ?? '—'}</td>
                <td>
                  <code>{entry.key_id}</code>
                </td>
                <td class="break">{entry.source_ip}</td>
                <td>{entry.status}</td>
                <td class="break">
                  <code>{entry.request_id}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {first.value && entries.length === 0 && <p>Nothing recorded yet.</p>}
      {cursor && (
        <button
          type="button"
          onClick={() => {
            void loadMore();
          }}
        >
          Load more
        </button>
      )}
    </section>
  );
}
