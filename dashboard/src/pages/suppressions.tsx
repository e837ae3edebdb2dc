/** Suppressions: the addresses sends drop. List, find by email, add (manual), remove. */
import { useState } from 'preact/hooks';
import { answer } from '../api';
import { run } from '../errors';
import { when } from '../format';
import { useClient, useResource } from '../use-resource';

export function SuppressionsPage() {
  const client = useClient();
  const [search, setSearch] = useState('');
  const [email, setEmail] = useState('');
  const suppressions = useResource(
    (api) =>
      answer(
        api.GET('/v1/suppressions', {
          params: { query: { limit: 100, ...(search === '' ? {} : { email: search }) } },
        }),
      ),
    [search],
  );
  const [query, setQuery] = useState('');
  const find = (event: Event) => {
    event.preventDefault();
    setSearch(query.trim());
  };
  const add = async (event: Event) => {
    event.preventDefault();
    const added = await run(() => answer(client.POST('/v1/suppressions', { body: { email: email.trim() } })));
    if (added) {
      setEmail('');
      suppressions.reload();
    }
  };
  const remove = async (address: string) => {
    const removed = await run(() =>
      answer(client.DELETE('/v1/suppressions/{email}', { params: { path: { email: address } } })),
    );
    if (removed) suppressions.reload();
  };
  return (
    <section>
      <h1>Suppressions</h1>
      <p>
        Sends drop these addresses. Permanent bounces, complaints and unsubscribes add them; an email whose
        every recipient is suppressed is refused.
      </p>
      <h2>Suppress an address</h2>
      <form class="inline" onSubmit={add}>
        <label for="suppression-email">Email</label>
        <input
          id="suppression-email"
          type="email"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <button type="submit">Suppress</button>
      </form>
      <h2>Suppressed addresses</h2>
      <form class="inline" onSubmit={find}>
        <label for="suppression-search">Find by email</label>
        <input
          id="suppression-search"
          type="email"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="submit">Find</button>
        {search !== '' && (
          <button
            type="button"
            onClick={() => {
              setQuery('');
              setSearch('');
            }}
          >
            Show all
          </button>
        )}
      </form>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Reason</th>
              <th scope="col">Source email</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(suppressions.value?.data ?? []).map((suppression) => (
              <tr key={suppression.email}>
                <td>{suppression.email}</td>
                <td>{suppression.reason}</td>
                <td>{suppression.source_email_id ? <code>{suppression.source_email_id}</code> : '—'}</td>
                <td>{when(suppression.created_at)}</td>
                <td>
                  <button type="button" class="small" onClick={() => void remove(suppression.email)}>
                    Remove <span class="visually-hidden">{suppression.email}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {suppressions.value?.data.length === 0 && (
        <p>{search === '' ? 'No suppressed addresses.' : `${search} is not suppressed.`}</p>
      )}
    </section>
  );
}
