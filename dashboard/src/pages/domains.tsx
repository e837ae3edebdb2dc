/**
 * Sending domains: list, add, the DNS records to publish (copyable), verify, delete, and the
 * domain's open and click tracking (off unless turned on here).
 */
import { useState } from 'preact/hooks';
import { answer, type Schemas } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { CopyButton } from '../components/copy-button';
import { run } from '../errors';
import { when } from '../format';
import { href, navigate } from '../router';
import { useClient, useResource } from '../use-resource';

export function DomainsPage({ id }: { id: string | undefined }) {
  return id === undefined ? <DomainList /> : <DomainDetail id={id} />;
}

function DomainList() {
  const client = useClient();
  const domains = useResource(
    (api) => answer(api.GET('/v1/domains', { params: { query: { limit: 100 } } })),
    [],
  );
  const [name, setName] = useState('');
  const add = async (event: Event) => {
    event.preventDefault();
    const created = await run(() => answer(client.POST('/v1/domains', { body: { name: name.trim() } })));
    if (created) {
      setName('');
      navigate('domains', created.id);
    }
  };
  return (
    <section>
      <h1>Domains</h1>
      <form class="inline" onSubmit={add}>
        <label for="domain-name">Domain name</label>
        <input
          id="domain-name"
          value={name}
          placeholder="mail.example.org"
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit">Add domain</button>
      </form>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Added</th>
            </tr>
          </thead>
          <tbody>
            {(domains.value?.data ?? []).map((domain) => (
              <tr key={domain.id}>
                <td>
                  <a href={href('domains', domain.id)}>{domain.name}</a>
                </td>
                <td>
                  <Status value={domain.status} />
                </td>
                <td>{when(domain.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {domains.value?.data.length === 0 && <p>No domains yet.</p>}
    </section>
  );
}

export function Status({ value }: { value: string }) {
  return <span class={`status status-${value}`}>{value.replace(/_/g, ' ')}</span>;
}

function DomainDetail({ id }: { id: string }) {
  const client = useClient();
  const loaded = useResource(
    (api) => answer(api.GET('/v1/domains/{id}', { params: { path: { id } } })),
    [id],
  );
  const [fresh, setFresh] = useState<Schemas['Domain'] | undefined>(undefined);
  const domain = fresh?.id === id ? fresh : loaded.value;
  if (!domain) return <p>{loaded.loading ? 'Loading…' : 'Domain not found.'}</p>;
  const verify = async () => {
    const verified = await run(() =>
      answer(client.POST('/v1/domains/{id}/verify', { params: { path: { id } } })),
    );
    if (verified) setFresh(verified);
  };
  const remove = async () => {
    const deleted = await run(() => answer(client.DELETE('/v1/domains/{id}', { params: { path: { id } } })));
    if (deleted) navigate('domains');
  };
  // Each switch sends only its own setting.
  const setTracking = async (body: { open_tracking: boolean } | { click_tracking: boolean }) => {
    const updated = await run(() =>
      answer(client.PATCH('/v1/domains/{id}', { params: { path: { id } }, body })),
    );
    if (updated) setFresh(updated);
  };
  return (
    <section>
      <p>
        <a href={href('domains')}>← Domains</a>
      </p>
      <h1>{domain.name}</h1>
      <p>
        Status <Status value={domain.status} /> · verified {when(domain.verified_at)}
        {domain.failure_reason === 'verification_expired'
          ? ' · not verified within 72 hours: the name was freed and its SES identity deleted'
          : domain.failure_reason === 'released'
            ? ' · released by the operator: the name was freed and its SES identity deleted'
            : ''}
      </p>
      <div class="actions">
        <button type="button" onClick={verify}>
          Verify now
        </button>
        <ConfirmButton label="Delete domain" confirmLabel={`Delete ${domain.name}`} onConfirm={remove} />
      </div>
      <fieldset>
        <legend>Tracking</legend>
        <p class="help">
          Off by default. Open tracking adds a pixel to HTML email; click tracking rewrites links through SES.
          Changes apply to the next email sent from this domain.
        </p>
        <label class="check">
          <input
            type="checkbox"
            checked={domain.open_tracking}
            onChange={(e) => void setTracking({ open_tracking: e.currentTarget.checked })}
          />{' '}
          Open tracking
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={domain.click_tracking}
            onChange={(e) => void setTracking({ click_tracking: e.currentTarget.checked })}
          />{' '}
          Click tracking
        </label>
      </fieldset>
      <h2>DNS records to publish</h2>
      <div class="table-wrap">
        <table class="records">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Priority</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {domain.records.map((record) => (
              <tr key={`${record.purpose}-${record.name}-${record.value}`}>
                <td>{record.type}</td>
                <td>
                  <code>{record.name}</code> <CopyButton value={record.name} label="Copy name" />
                </td>
                <td>
                  <code>{record.value}</code> <CopyButton value={record.value} label="Copy value" />
                </td>
                <td>{record.priority ?? ''}</td>
                <td>
                  <Status value={record.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
