/** Contact lists: list, create, members (add by email, remove), rename, delete with confirmation. */
import { useState } from 'preact/hooks';
import { answer } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { run } from '../errors';
import { when } from '../format';
import { href, navigate } from '../router';
import { useClient, useResource } from '../use-resource';
import { ContactsTable } from './contacts';

export function ListsPage({ id }: { id: string | undefined }) {
  return id === undefined ? <ListOfLists /> : <ListDetail id={id} />;
}

function ListOfLists() {
  const client = useClient();
  const lists = useResource((api) => answer(api.GET('/v1/lists', { params: { query: { limit: 100 } } })), []);
  const [name, setName] = useState('');
  const create = async (event: Event) => {
    event.preventDefault();
    const created = await run(() => answer(client.POST('/v1/lists', { body: { name: name.trim() } })));
    if (created) navigate('lists', created.id);
  };
  return (
    <section>
      <h1>Lists</h1>
      <form class="inline" onSubmit={create}>
        <label for="list-name">List name</label>
        <input id="list-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit">Create list</button>
      </form>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Contacts</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {(lists.value?.data ?? []).map((list) => (
              <tr key={list.id}>
                <td>
                  <a href={href('lists', list.id)}>{list.name}</a>
                </td>
                <td>{list.contact_count}</td>
                <td>{when(list.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {lists.value?.data.length === 0 && <p>No lists yet.</p>}
    </section>
  );
}

function ListDetail({ id }: { id: string }) {
  const client = useClient();
  const path = { params: { path: { id } } };
  const list = useResource((api) => answer(api.GET('/v1/lists/{id}', path)), [id]);
  const members = useResource(
    (api) => answer(api.GET('/v1/lists/{id}/contacts', { params: { path: { id }, query: { limit: 100 } } })),
    [id],
  );
  const [email, setEmail] = useState('');
  const current = list.value;
  if (!current || current.id !== id) return <p>{list.loading ? 'Loading…' : 'List not found.'}</p>;
  const reload = () => {
    list.reload();
    members.reload();
  };
  const add = async (event: Event) => {
    event.preventDefault();
    const added = await run(async () => {
      // The API adds by contact id; the page finds the contact by its email first.
      const found = await answer(
        client.GET('/v1/contacts', { params: { query: { email: email.trim(), limit: 1 } } }),
      );
      const contact = found.data[0];
      if (!contact) throw new Error(`No contact has the email ${email.trim()}.`);
      return answer(
        client.PUT('/v1/lists/{id}/contacts/{contact_id}', {
          params: { path: { id, contact_id: contact.id } },
        }),
      );
    });
    if (added) {
      setEmail('');
      reload();
    }
  };
  const removeMember = async (contactId: string) => {
    const removed = await run(() =>
      answer(
        client.DELETE('/v1/lists/{id}/contacts/{contact_id}', {
          params: { path: { id, contact_id: contactId } },
        }),
      ),
    );
    if (removed) reload();
  };
  const remove = async () => {
    const deleted = await run(() => answer(client.DELETE('/v1/lists/{id}', path)));
    if (deleted) navigate('lists');
  };
  return (
    <section>
      <p>
        <a href={href('lists')}>← Lists</a>
      </p>
      <h1>{current.name}</h1>
      <p>
        <code>{current.id}</code> · {current.contact_count} contacts · created {when(current.created_at)}
      </p>
      {current.description && <p>{current.description}</p>}
      <div class="actions">
        <ConfirmButton
          label="Delete list"
          confirmLabel={`Delete ${current.name} (its contacts stay)`}
          onConfirm={remove}
        />
      </div>
      <h2>Add a contact</h2>
      <form class="inline" onSubmit={add}>
        <label for="member-email">Contact email</label>
        <input
          id="member-email"
          type="email"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <button type="submit">Add to list</button>
      </form>
      <h2>Contacts in this list</h2>
      <ContactsTable
        contacts={members.value?.data ?? []}
        action={(contact) => (
          <button type="button" class="small" onClick={() => void removeMember(contact.id)}>
            Remove <span class="visually-hidden">{contact.email}</span>
          </button>
        )}
      />
      {members.value?.data.length === 0 && <p>No contacts in this list yet.</p>}
    </section>
  );
}
