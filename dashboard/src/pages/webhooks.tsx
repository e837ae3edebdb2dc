/** Webhooks: list, register (secret shown once), detail with deliveries, test, re-enable, rotate, delete. */
import { useState } from 'preact/hooks';
import type { EventType } from '../../../lambdas/shared/event-types';
import { answer, type Schemas } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { EventsPicker } from '../components/events-picker';
import { SecretOnce } from '../components/secret-once';
import { run } from '../errors';
import { when } from '../format';
import { href } from '../router';
import { useClient, useResource } from '../use-resource';
import { Status } from './domains';

export function WebhooksPage({ id }: { id: string | undefined }) {
  return id === undefined ? <WebhookList /> : <WebhookDetail id={id} />;
}

function WebhookList() {
  const client = useClient();
  const webhooks = useResource(
    (api) => answer(api.GET('/v1/webhooks', { params: { query: { limit: 100 } } })),
    [],
  );
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<EventType[]>([]);
  const [created, setCreated] = useState<Schemas['WebhookWithSecret'] | undefined>(undefined);
  const register = async (event: Event) => {
    event.preventDefault();
    const body = {
      url: url.trim(),
      events,
      ...(description.trim() ? { description: description.trim() } : {}),
    };
    const webhook = await run(() => answer(client.POST('/v1/webhooks', { body })));
    // The dashboard sends no Idempotency-Key, so the answer is the 201 with the secret (a replay has none).
    if (!webhook || !('signing_secret' in webhook)) return;
    setCreated(webhook);
    setUrl('');
    setDescription('');
    setEvents([]);
    webhooks.reload();
  };
  return (
    <section>
      <h1>Webhooks</h1>
      {created && (
        <SecretOnce
          label={`Signing secret of ${created.url}`}
          secret={created.signing_secret}
          onDone={() => setCreated(undefined)}
        />
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Status</th>
              <th scope="col">Events</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {(webhooks.value?.data ?? []).map((webhook) => (
              <tr key={webhook.id}>
                <td>
                  <a href={href('webhooks', webhook.id)}>{webhook.url}</a>
                </td>
                <td>
                  <Status value={webhook.status} />
                </td>
                <td>{webhook.events.length}</td>
                <td>{when(webhook.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {webhooks.value?.data.length === 0 && <p>No webhooks yet.</p>}
      <h2>Register a webhook</h2>
      <form class="stack" onSubmit={register}>
        <div class="field">
          <label for="webhook-url">Endpoint URL</label>
          <input
            id="webhook-url"
            type="url"
            value={url}
            placeholder="https://example.com/hooks"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="webhook-description">Description</label>
          <input
            id="webhook-description"
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        <EventsPicker value={events} onChange={setEvents} />
        <div class="actions">
          <button type="submit">Register webhook</button>
        </div>
      </form>
    </section>
  );
}

function WebhookDetail({ id }: { id: string }) {
  const client = useClient();
  const path = { params: { path: { id } } };
  const webhook = useResource((api) => answer(api.GET('/v1/webhooks/{id}', path)), [id]);
  const deliveries = useResource(
    (api) =>
      answer(api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 50 } } })),
    [id],
  );
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  const current = webhook.value;
  if (!current) return <p>{webhook.loading ? 'Loading…' : 'Webhook not found.'}</p>;
  const enable = async () => {
    const changed = await run(() =>
      answer(client.PATCH('/v1/webhooks/{id}', { ...path, body: { status: 'enabled' } })),
    );
    if (changed) webhook.reload();
  };
  const test = async () => {
    const sent = await run(() => answer(client.POST('/v1/webhooks/{id}/test', path)));
    if (sent) setNote(`Test event ${sent.id} recorded; its delivery appears below once attempted.`);
  };
  const rotate = async () => {
    const rotated = await run(() => answer(client.POST('/v1/webhooks/{id}/rotate-secret', path)));
    if (rotated) setSecret(rotated.signing_secret);
  };
  const remove = async () => {
    const deleted = await run(() => answer(client.DELETE('/v1/webhooks/{id}', path)));
    if (deleted) location.hash = href('webhooks');
  };
  return (
    <section>
      <p>
        <a href={href('webhooks')}>← Webhooks</a>
      </p>
      <h1 class="break">{current.url}</h1>
      {secret && (
        <SecretOnce label="New signing secret" secret={secret} onDone={() => setSecret(undefined)} />
      )}
      <p>
        Status <Status value={current.status} />
        {current.disabled_reason && <span> — {current.disabled_reason}</span>}
      </p>
      {current.description && <p>{current.description}</p>}
      <p class="break">Events: {current.events.join(', ')}</p>
      <div class="actions">
        {current.status === 'disabled' && (
          <button type="button" onClick={enable}>
            Re-enable
          </button>
        )}
        <button type="button" onClick={test}>
          Send test event
        </button>
        <ConfirmButton
          label="Rotate secret"
          confirmLabel="Rotate (old secret signs 24 h more)"
          onConfirm={rotate}
        />
        <ConfirmButton label="Delete webhook" confirmLabel="Delete it" onConfirm={remove} />
      </div>
      {note && <p role="status">{note}</p>}
      <h2>
        Deliveries{' '}
        <button type="button" class="small" onClick={deliveries.reload}>
          Refresh
        </button>
      </h2>
      <div class="table-wrap">
        <table data-testid="deliveries">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Attempt</th>
              <th scope="col">Status</th>
              <th scope="col">Response</th>
              <th scope="col">Duration</th>
              <th scope="col">Error</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {(deliveries.value?.data ?? []).map((delivery) => (
              <tr key={delivery.id}>
                <td>{delivery.event_type}</td>
                <td>{delivery.attempt}</td>
                <td>
                  <Status value={delivery.status} />
                </td>
                <td>{delivery.response_status ?? '—'}</td>
                <td>{delivery.duration_ms === undefined ? '—' : `${delivery.duration_ms} ms`}</td>
                <td>{delivery.error ?? ''}</td>
                <td>
                  {when(delivery.created_at)}
                  {delivery.next_attempt_at && <> · next {when(delivery.next_attempt_at)}</>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {deliveries.value?.data.length === 0 && <p>No deliveries yet.</p>}
    </section>
  );
}
