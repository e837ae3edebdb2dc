/**
 * API keys: list, create (Full Access / Sending Only / Custom with the scope picker, IP allow-list,
 * allowed domains from the project's verified domains, expiry; the secret shown once), edit, rotate
 * with a grace period, revoke. What the API refuses (permission_escalation among others) goes to the
 * error banner in the API's words.
 */
import { useState } from 'preact/hooks';
import { PERMISSIONS, type Permission } from '../../../lambdas/api/scopes';
import { answer, type Schemas } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { IpField } from '../components/ip-field';
import { ScopePicker } from '../components/scope-picker';
import { SecretOnce } from '../components/secret-once';
import { UsageChart } from '../components/usage-chart';
import { run } from '../errors';
import { when } from '../format';
import { checkIpEntries } from '../ip-entries';
import { href, navigate } from '../router';
import { useClient, useResource } from '../use-resource';
import { Status } from './domains';

type ApiKey = Schemas['ApiKey'];

const PERMISSION_LABELS: Record<Permission, string> = {
  full_access: 'Full Access',
  sending_only: 'Sending Only',
  custom: 'Custom',
};

export function KeysPage({ id }: { id: string | undefined }) {
  if (id === 'new') return <KeyCreate />;
  return id === undefined ? <KeyList /> : <KeyDetail id={id} />;
}

function list(values: readonly string[] | null | undefined, empty: string): string {
  return values && values.length > 0 ? values.join(', ') : empty;
}

function KeyList() {
  const keys = useResource(
    (api) => answer(api.GET('/v1/api-keys', { params: { query: { limit: 100 } } })),
    [],
  );
  return (
    <section>
      <h1>API keys</h1>
      <p>
        <a class="button" href={href('keys', 'new')}>
          New key
        </a>
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Name</th>
              <th scope="col">Permission</th>
              <th scope="col">Scopes</th>
              <th scope="col">IPs</th>
              <th scope="col">Domains</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {(keys.value?.data ?? []).map((key) => (
              <tr key={key.id}>
                <td>
                  <a href={href('keys', key.id)}>
                    <code>{key.prefix}</code>
                  </a>
                </td>
                <td>{key.name}</td>
                <td>{PERMISSION_LABELS[key.permission]}</td>
                <td class="break">{list(key.scopes, 'none')}</td>
                <td class="break">{list(key.allowed_ips, 'any')}</td>
                <td class="break">{list(key.allowed_domains, 'any')}</td>
                <td>{key.expires_at ? when(key.expires_at) : 'never'}</td>
                <td>{when(key.last_used_at)}</td>
                <td>
                  <Status value={key.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** What the create and edit forms hold, as typed. */
interface KeyDraft {
  readonly name: string;
  readonly permission: Permission;
  readonly scopes: ReadonlySet<string>;
  readonly ips: string;
  /** null: any of the project's domains. */
  readonly domains: readonly string[] | null;
  /** `datetime-local` input's value (local time), empty for never. */
  readonly expires: string;
}

function draftOf(key: ApiKey | undefined): KeyDraft {
  return {
    name: key?.name ?? '',
    permission: key?.permission ?? 'custom',
    scopes: new Set(key?.permission === 'custom' ? key.scopes : []),
    ips: key?.allowed_ips.join(', ') ?? '',
    domains: key?.allowed_domains && key.allowed_domains.length > 0 ? key.allowed_domains : null,
    expires: key?.expires_at ? localInputValue(key.expires_at) : '',
  };
}

function localInputValue(iso: string): string {
  const date = new Date(iso);
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 16);
}

function bodyOf(draft: KeyDraft) {
  return {
    name: draft.name.trim(),
    permission: draft.permission,
    ...(draft.permission === 'custom' ? { scopes: [...draft.scopes] } : {}),
    allowed_ips: checkIpEntries(draft.ips).entries,
    allowed_domains: draft.domains && [...draft.domains],
    expires_at: draft.expires ? new Date(draft.expires).toISOString() : null,
  };
}

/**
 * An edit sends only the fields the user changed. A field left alone is not sent, so the API keeps
 * its stored value exactly, even one a hand edit made unreadable (which the form cannot show and
 * would otherwise send back as its widest value).
 */
export function changedFields(initial: KeyDraft, draft: KeyDraft): Partial<ReturnType<typeof bodyOf>> {
  const before = bodyOf(initial);
  const after = bodyOf(draft);
  return Object.fromEntries(
    Object.entries(after).filter(
      ([field, value]) => JSON.stringify(value) !== JSON.stringify(before[field as keyof typeof before]),
    ),
  );
}

function KeyFields({ draft, onChange }: { draft: KeyDraft; onChange: (draft: KeyDraft) => void }) {
  const domains = useResource(
    (api) => answer(api.GET('/v1/domains', { params: { query: { limit: 100 } } })),
    [],
  );
  const verified = (domains.value?.data ?? []).filter((domain) => domain.status === 'verified');
  const set = (change: Partial<KeyDraft>) => onChange({ ...draft, ...change });
  return (
    <>
      <div class="field">
        <label for="key-name">Key name</label>
        <input id="key-name" value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />
      </div>
      <fieldset>
        <legend>Permission</legend>
        {PERMISSIONS.map((permission) => (
          <label key={permission} class="check">
            <input
              type="radio"
              name="permission"
              checked={draft.permission === permission}
              onChange={() => set({ permission })}
            />{' '}
            {PERMISSION_LABELS[permission]}
          </label>
        ))}
      </fieldset>
      {draft.permission === 'custom' && (
        <ScopePicker selected={draft.scopes} onChange={(scopes) => set({ scopes })} />
      )}
      <IpField id="key-ips" value={draft.ips} onInput={(ips) => set({ ips })} />
      <fieldset>
        <legend>Allowed sending domains</legend>
        <p class="help">None chosen: any of the project's verified domains.</p>
        {verified.length === 0 && <p>No verified domains yet.</p>}
        {verified.map((domain) => (
          <label key={domain.id} class="check">
            <input
              type="checkbox"
              checked={draft.domains?.includes(domain.name) ?? false}
              onChange={(e) => {
                const rest = (draft.domains ?? []).filter((name) => name !== domain.name);
                const next = e.currentTarget.checked ? [...rest, domain.name] : rest;
                set({ domains: next.length > 0 ? next : null });
              }}
            />{' '}
            {domain.name}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for="key-expires">Expires (empty: never)</label>
        <input
          id="key-expires"
          type="datetime-local"
          value={draft.expires}
          onInput={(e) => set({ expires: e.currentTarget.value })}
        />
      </div>
    </>
  );
}

function KeyCreate() {
  const client = useClient();
  const [draft, setDraft] = useState<KeyDraft>(draftOf(undefined));
  const [created, setCreated] = useState<Schemas['ApiKeyWithSecret'] | undefined>(undefined);
  const create = async (event: Event) => {
    event.preventDefault();
    const key = await run(() => answer(client.POST('/v1/api-keys', { body: bodyOf(draft) })));
    // The dashboard sends no Idempotency-Key, so the answer is the 201 with the key (a replay has none).
    if (key && 'key' in key) setCreated(key);
  };
  if (created) {
    return (
      <section>
        <h1>Key created</h1>
        <SecretOnce
          label={`Secret of ${created.prefix} (${created.name})`}
          secret={created.key}
          onDone={() => navigate('keys', created.id)}
        />
      </section>
    );
  }
  const invalid = checkIpEntries(draft.ips).invalid.length > 0;
  return (
    <section>
      <p>
        <a href={href('keys')}>← API keys</a>
      </p>
      <h1>New key</h1>
      <form class="stack" onSubmit={create}>
        <KeyFields draft={draft} onChange={setDraft} />
        <div class="actions">
          <button type="submit" disabled={invalid}>
            Create key
          </button>
        </div>
      </form>
    </section>
  );
}

function KeyDetail({ id }: { id: string }) {
  const loaded = useResource(
    (api) => answer(api.GET('/v1/api-keys/{id}', { params: { path: { id } } })),
    [id],
  );
  const key = loaded.value;
  if (!key || key.id !== id) return <p>{loaded.loading ? 'Loading…' : 'Key not found.'}</p>;
  return <KeyEditor key={key.updated_at ?? key.id} apiKey={key} onChanged={loaded.reload} />;
}

function KeyEditor({ apiKey: key, onChanged }: { apiKey: ApiKey; onChanged: () => void }) {
  const client = useClient();
  const path = { params: { path: { id: key.id } } };
  const initial = draftOf(key);
  const [draft, setDraft] = useState<KeyDraft>(initial);
  const [grace, setGrace] = useState('86400');
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const save = async (event: Event) => {
    event.preventDefault();
    const saved = await run(() =>
      answer(client.PATCH('/v1/api-keys/{id}', { ...path, body: changedFields(initial, draft) })),
    );
    if (saved) onChanged();
  };
  const rotate = async () => {
    const rotated = await run(() =>
      answer(
        client.POST('/v1/api-keys/{id}/rotate', {
          ...path,
          body: { grace_period_seconds: Number(grace) },
        }),
      ),
    );
    if (rotated) setSecret(rotated.key);
  };
  const revoke = async () => {
    const revoked = await run(() => answer(client.DELETE('/v1/api-keys/{id}', path)));
    if (revoked) onChanged();
  };
  const revoked = key.revoked_at !== null;
  return (
    <section>
      <p>
        <a href={href('keys')}>← API keys</a>
      </p>
      <h1>{key.name}</h1>
      {secret && (
        <SecretOnce
          label={`New secret of ${key.prefix}`}
          secret={secret}
          onDone={() => setSecret(undefined)}
        />
      )}
      <dl class="facts">
        <dt>Key</dt>
        <dd>
          <code>{key.prefix}</code>
        </dd>
        <dt>Status</dt>
        <dd>
          <Status value={key.status} />
        </dd>
        <dt>Project</dt>
        <dd>
          <code>{key.project_id}</code>
        </dd>
        <dt>Last used</dt>
        <dd>{when(key.last_used_at)}</dd>
        <dt>Scopes</dt>
        <dd class="break">{list(key.scopes, 'none')}</dd>
        {key.malformed.length > 0 && (
          <>
            <dt>Unreadable in the stored item</dt>
            <dd class="break" data-testid="key-malformed">
              {key.malformed.join(', ')} (enforced as narrowly as possible; kept as stored unless you change
              it here)
            </dd>
          </>
        )}
        {key.previous_key_expires_at && (
          <>
            <dt>Old secret works until</dt>
            <dd>{when(key.previous_key_expires_at)}</dd>
          </>
        )}
      </dl>
      <UsageChart id={key.id} />
      {!revoked && (
        <>
          <div class="actions">
            <ConfirmButton label="Revoke key" confirmLabel={`Revoke ${key.prefix} now`} onConfirm={revoke} />
          </div>
          <h2>Rotate</h2>
          <form
            class="inline"
            onSubmit={(event) => {
              event.preventDefault();
              void rotate();
            }}
          >
            <label for="grace">Old secret keeps working for (seconds)</label>
            <input
              id="grace"
              type="number"
              min="0"
              value={grace}
              onInput={(e) => setGrace(e.currentTarget.value)}
            />
            <button type="submit">Rotate secret</button>
          </form>
          <h2>Edit</h2>
          <form class="stack" onSubmit={save}>
            <KeyFields draft={draft} onChange={setDraft} />
            <div class="actions">
              <button
                type="submit"
                disabled={draft.ips !== initial.ips && checkIpEntries(draft.ips).invalid.length > 0}
              >
                Save key
              </button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}
