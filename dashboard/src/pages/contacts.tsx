/** Contacts: list (or find one by email), add, edit with custom properties, delete. */
import { useState } from 'preact/hooks';
import { answer, type Schemas } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import {
  PropertiesEditor,
  type PropertyRow,
  propertyRows,
  rowsToChanges,
} from '../components/properties-editor';
import { run } from '../errors';
import { when } from '../format';
import { href, navigate } from '../router';
import { useClient, useResource } from '../use-resource';

export function ContactsPage({ id }: { id: string | undefined }) {
  return id === undefined ? <ContactList /> : <ContactDetail id={id} />;
}

export function fullName(contact: Schemas['Contact']): string {
  return [contact.first_name, contact.last_name].filter(Boolean).join(' ');
}

export function ContactsTable({
  contacts,
  action,
}: {
  contacts: readonly Schemas['Contact'][];
  /** An extra cell per row (e.g. "remove from list"). */
  action?: (contact: Schemas['Contact']) => preact.ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Subscribed</th>
            <th scope="col">Added</th>
            {action && <th scope="col">Action</th>}
          </tr>
        </thead>
        <tbody>
          {contacts.map((contact) => (
            <tr key={contact.id}>
              <td class="break">
                <a href={href('contacts', contact.id)}>{contact.email}</a>
              </td>
              <td>{fullName(contact)}</td>
              <td>{contact.unsubscribed ? 'unsubscribed' : 'yes'}</td>
              <td>{when(contact.created_at)}</td>
              {action && <td>{action(contact)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ContactList() {
  const client = useClient();
  const [search, setSearch] = useState('');
  const [searched, setSearched] = useState<string | undefined>(undefined);
  const contacts = useResource(
    (api) =>
      answer(
        api.GET('/v1/contacts', {
          params: { query: { limit: 100, ...(searched ? { email: searched } : {}) } },
        }),
      ),
    [searched],
  );
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const add = async (event: Event) => {
    event.preventDefault();
    const body = {
      email: email.trim(),
      ...(firstName.trim() ? { first_name: firstName.trim() } : {}),
      ...(lastName.trim() ? { last_name: lastName.trim() } : {}),
    };
    const created = await run(() => answer(client.POST('/v1/contacts', { body })));
    if (created) navigate('contacts', created.id);
  };
  return (
    <section>
      <h1>Contacts</h1>
      <form
        class="inline"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setSearched(search.trim() || undefined);
        }}
      >
        <label for="contact-search">Find by email</label>
        <input
          id="contact-search"
          type="search"
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
      </form>
      <ContactsTable contacts={contacts.value?.data ?? []} />
      {contacts.value?.data.length === 0 && (
        <p>{searched ? `No contact has ${searched}.` : 'No contacts yet.'}</p>
      )}
      <h2>Add a contact</h2>
      <form class="stack" onSubmit={add}>
        <div class="field">
          <label for="contact-email">Email</label>
          <input
            id="contact-email"
            type="email"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="contact-first">First name</label>
          <input id="contact-first" value={firstName} onInput={(e) => setFirstName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="contact-last">Last name</label>
          <input id="contact-last" value={lastName} onInput={(e) => setLastName(e.currentTarget.value)} />
        </div>
        <div class="actions">
          <button type="submit">Add contact</button>
        </div>
      </form>
    </section>
  );
}

function ContactDetail({ id }: { id: string }) {
  const loaded = useResource(
    (api) => answer(api.GET('/v1/contacts/{id}', { params: { path: { id } } })),
    [id],
  );
  const contact = loaded.value;
  if (!contact || contact.id !== id) return <p>{loaded.loading ? 'Loading…' : 'Contact not found.'}</p>;
  // Keyed by updated_at: a saved change starts the form again from what the API answered.
  return <ContactForm key={contact.updated_at} contact={contact} onSaved={loaded.reload} />;
}

function ContactForm({ contact, onSaved }: { contact: Schemas['Contact']; onSaved: () => void }) {
  const client = useClient();
  const path = { params: { path: { id: contact.id } } };
  const [email, setEmail] = useState(contact.email);
  const [firstName, setFirstName] = useState(contact.first_name ?? '');
  const [lastName, setLastName] = useState(contact.last_name ?? '');
  const [phone, setPhone] = useState(contact.phone ?? '');
  const [unsubscribed, setUnsubscribed] = useState(contact.unsubscribed);
  const [rows, setRows] = useState<PropertyRow[]>(propertyRows(contact.properties));
  const lists = useResource((api) => answer(api.GET('/v1/lists', { params: { query: { limit: 100 } } })), []);
  const save = async (event: Event) => {
    event.preventDefault();
    const body = {
      email: email.trim(),
      first_name: firstName.trim() || null,
      last_name: lastName.trim() || null,
      phone: phone.trim() || null,
      unsubscribed,
      properties: rowsToChanges(contact.properties, rows),
    };
    const saved = await run(() => answer(client.PATCH('/v1/contacts/{id}', { ...path, body })));
    if (saved) onSaved();
  };
  const remove = async () => {
    const deleted = await run(() => answer(client.DELETE('/v1/contacts/{id}', path)));
    if (deleted) navigate('contacts');
  };
  const listName = (listId: string) => lists.value?.data.find((list) => list.id === listId)?.name ?? listId;
  return (
    <section>
      <p>
        <a href={href('contacts')}>← Contacts</a>
      </p>
      <h1 class="break">{contact.email}</h1>
      <p>
        <code>{contact.id}</code> · added {when(contact.created_at)} · changed {when(contact.updated_at)}
      </p>
      <p>
        Lists:{' '}
        {contact.lists.length === 0
          ? 'none'
          : contact.lists.map((listId, index) => (
              <span key={listId}>
                {index > 0 && ', '}
                <a href={href('lists', listId)}>{listName(listId)}</a>
              </span>
            ))}
      </p>
      <form class="stack" onSubmit={save}>
        <div class="field">
          <label for="edit-email">Email</label>
          <input
            id="edit-email"
            type="email"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="edit-first">First name</label>
          <input id="edit-first" value={firstName} onInput={(e) => setFirstName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="edit-last">Last name</label>
          <input id="edit-last" value={lastName} onInput={(e) => setLastName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="edit-phone">Phone (E.164)</label>
          <input
            id="edit-phone"
            type="tel"
            value={phone}
            placeholder="+14155550123"
            onInput={(e) => setPhone(e.currentTarget.value)}
          />
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={unsubscribed}
            onChange={(e) => setUnsubscribed(e.currentTarget.checked)}
          />{' '}
          Unsubscribed
        </label>
        <PropertiesEditor rows={rows} onChange={setRows} />
        <div class="actions">
          <button type="submit">Save contact</button>
          <ConfirmButton label="Delete contact" confirmLabel={`Delete ${contact.email}`} onConfirm={remove} />
        </div>
      </form>
    </section>
  );
}
