/**
 * Broadcasts: a list with status and counts; a draft composed (and previewed with a real contact),
 * sent now or scheduled, or deleted; a broadcast's counts and recipients followed live while it is
 * open and sending; cancel. A key that may not change broadcasts sees them read-only.
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { answer, type Schemas } from '../api';
import { refreshDelay, settledCount } from '../broadcast-progress';
import { BroadcastComposer } from '../components/broadcast-composer';
import { ConfirmButton } from '../components/confirm-button';
import { run } from '../errors';
import { when } from '../format';
import { keyAllows } from '../own-key';
import { href, navigate } from '../router';
import { useClient, useResource } from '../use-resource';
import { Status } from './domains';

type Broadcast = Schemas['Broadcast'];

export function BroadcastsPage({ id }: { id: string | undefined }) {
  if (id === undefined) return <BroadcastList />;
  if (id === 'new') return <NewBroadcast />;
  return <LoadedBroadcast id={id} />;
}

function BroadcastList() {
  const broadcasts = useResource(
    (api) => answer(api.GET('/v1/broadcasts', { params: { query: { limit: 100 } } })),
    [],
  );
  return (
    <section>
      <h1>Broadcasts</h1>
      <p>One email to every contact of a list or segment, each rendered for its contact.</p>
      {keyAllows('createBroadcast') && (
        <p>
          <a class="button" href={href('broadcasts', 'new')}>
            New broadcast
          </a>
        </p>
      )}
      <div class="table-wrap">
        <table data-testid="broadcasts">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Recipients</th>
              <th scope="col">Sent</th>
              <th scope="col">Failed</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {(broadcasts.value?.data ?? []).map((broadcast) => (
              <tr key={broadcast.id}>
                <td>
                  <a href={href('broadcasts', broadcast.id)}>{broadcast.name}</a>
                </td>
                <td>
                  <Status value={broadcast.status} />
                </td>
                <td>{broadcast.counts.recipients}</td>
                <td>{broadcast.counts.sent}</td>
                <td>{broadcast.counts.failed}</td>
                <td>
                  {when(
                    broadcast.completed_at ??
                      broadcast.started_at ??
                      broadcast.scheduled_at ??
                      broadcast.updated_at,
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {broadcasts.value?.data.length === 0 && <p>No broadcasts yet.</p>}
    </section>
  );
}

function NewBroadcast() {
  return (
    <section>
      <p>
        <a href={href('broadcasts')}>← Broadcasts</a>
      </p>
      <h1>New broadcast</h1>
      {keyAllows('createBroadcast') ? (
        <BroadcastComposer broadcast={undefined} onSaved={(saved) => navigate('broadcasts', saved.id)} />
      ) : (
        <p>This key may not create broadcasts.</p>
      )}
    </section>
  );
}

function LoadedBroadcast({ id }: { id: string }) {
  const path = { params: { path: { id } } };
  const broadcast = useResource((api) => answer(api.GET('/v1/broadcasts/{id}', path)), [id]);
  const recipients = useResource(
    (api) =>
      answer(api.GET('/v1/broadcasts/{id}/recipients', { params: { path: { id }, query: { limit: 100 } } })),
    [id],
  );
  const status = broadcast.value?.id === id ? broadcast.value.status : undefined;
  // While the page is open and the broadcast moves, it is read again (counts, recipients).
  useEffect(() => {
    const delay = status === undefined ? undefined : refreshDelay(status);
    if (delay === undefined) return;
    const timer = setInterval(() => {
      broadcast.reload();
      recipients.reload();
    }, delay);
    return () => clearInterval(timer);
  }, [status]);
  const current = broadcast.value;
  if (!current || current.id !== id) return <p>{broadcast.loading ? 'Loading…' : 'Broadcast not found.'}</p>;
  const reload = () => {
    broadcast.reload();
    recipients.reload();
  };
  const editable = current.status === 'draft' && keyAllows('updateBroadcast');
  return (
    <section>
      <p>
        <a href={href('broadcasts')}>← Broadcasts</a>
      </p>
      <h1>{current.name}</h1>
      <p>
        <code>{current.id}</code> ·{' '}
        <span data-testid="broadcast-status">
          <Status value={current.status} />
        </span>
      </p>
      {editable ? (
        <BroadcastComposer
          key={current.updated_at}
          broadcast={current}
          onSaved={reload}
          after={(unsaved) => <SendControls broadcast={current} unsaved={unsaved} onChange={reload} />}
        />
      ) : (
        <BroadcastDetail broadcast={current} recipients={recipients.value?.data ?? []} onChange={reload} />
      )}
    </section>
  );
}

/** A saved draft: send it now, schedule it, or delete it. */
function SendControls({
  broadcast,
  unsaved,
  onChange,
}: {
  broadcast: Broadcast;
  unsaved: boolean;
  onChange: () => void;
}) {
  const client = useClient();
  const [at, setAt] = useState('');
  const path = { params: { path: { id: broadcast.id } } };
  const send = async (scheduledAt: string | undefined) => {
    const sent = await run(() =>
      answer(
        client.POST('/v1/broadcasts/{id}/send', {
          ...path,
          body: scheduledAt === undefined ? {} : { scheduled_at: scheduledAt },
        }),
      ),
    );
    if (sent) onChange();
  };
  const remove = async () => {
    const deleted = await run(() => answer(client.DELETE('/v1/broadcasts/{id}', path)));
    if (deleted) navigate('broadcasts');
  };
  const canSend = keyAllows('sendBroadcast');
  return (
    <section aria-labelledby="send-heading">
      <h2 id="send-heading">Send</h2>
      {unsaved ? (
        <p>Save the draft first: sending sends the saved draft.</p>
      ) : (
        canSend && (
          <>
            <div class="actions">
              <ConfirmButton
                label="Send now"
                confirmLabel="Send it to the audience now"
                onConfirm={() => send(undefined)}
              />
            </div>
            <form
              class="inline"
              onSubmit={(event) => {
                event.preventDefault();
                void send(at.trim());
              }}
            >
              <label for="bc-scheduled-at">Send at</label>
              <input
                id="bc-scheduled-at"
                placeholder="in 2 hours"
                aria-describedby="bc-scheduled-at-help"
                value={at}
                onInput={(e) => setAt(e.currentTarget.value)}
              />
              <button type="submit">Schedule</button>
            </form>
            <p id="bc-scheduled-at-help" class="help">
              ISO 8601 with an offset (2026-12-24T09:00:00+01:00) or <code>in N minutes|hours|days</code>, 1
              minute to 30 days ahead.
            </p>
          </>
        )
      )}
      {keyAllows('deleteBroadcast') && (
        <div class="actions">
          <ConfirmButton label="Delete draft" confirmLabel={`Delete ${broadcast.name}`} onConfirm={remove} />
        </div>
      )}
    </section>
  );
}

const COUNTS = ['recipients', 'sent', 'failed', 'suppressed', 'unsubscribed', 'skipped'] as const;

function BroadcastDetail({
  broadcast,
  recipients,
  onChange,
}: {
  broadcast: Broadcast;
  recipients: readonly Schemas['BroadcastRecipient'][];
  onChange: () => void;
}) {
  const client = useClient();
  const { audience, counts } = broadcast;
  const cancelable =
    (broadcast.status === 'scheduled' || broadcast.status === 'sending') && keyAllows('cancelBroadcast');
  const cancel = async () => {
    const canceled = await run(() =>
      answer(client.POST('/v1/broadcasts/{id}/cancel', { params: { path: { id: broadcast.id } } })),
    );
    if (canceled) onChange();
  };
  return (
    <>
      <dl class="facts">
        <dt>From</dt>
        <dd>{broadcast.from}</dd>
        <dt>Subject</dt>
        <dd>{broadcast.subject ?? (broadcast.template ? 'the template’s' : '—')}</dd>
        <dt>Template</dt>
        <dd>
          {broadcast.template ? (
            <a href={href('templates', broadcast.template.id)}>
              <code>{broadcast.template.id}</code>
            </a>
          ) : (
            '—'
          )}
        </dd>
        <dt>Audience</dt>
        <dd>
          {'list_id' in audience ? (
            <a href={href('lists', audience.list_id)}>
              list <code>{audience.list_id}</code>
            </a>
          ) : (
            <a href={href('segments', audience.segment_id)}>
              segment <code>{audience.segment_id}</code>
            </a>
          )}
        </dd>
        <dt>Scheduled</dt>
        <dd>{when(broadcast.scheduled_at)}</dd>
        <dt>Started</dt>
        <dd>{when(broadcast.started_at)}</dd>
        <dt>Completed</dt>
        <dd>{when(broadcast.completed_at)}</dd>
        {broadcast.failure_reason && (
          <>
            <dt>Failure</dt>
            <dd>{broadcast.failure_reason}</dd>
          </>
        )}
      </dl>
      {cancelable && (
        <div class="actions">
          <ConfirmButton label="Cancel broadcast" confirmLabel="Stop it: no more emails" onConfirm={cancel} />
        </div>
      )}
      <h2>Progress</h2>
      <progress
        aria-label="Recipients with an outcome"
        max={Math.max(counts.recipients, 1)}
        value={settledCount(counts)}
      />
      <dl class="facts" data-testid="broadcast-counts">
        {COUNTS.map((name) => (
          <Fragment key={name}>
            <dt>{name}</dt>
            <dd data-testid={`count-${name}`}>{counts[name]}</dd>
          </Fragment>
        ))}
      </dl>
      <h2>Recipients</h2>
      <div class="table-wrap">
        <table data-testid="recipients">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Status</th>
              <th scope="col">Failure</th>
            </tr>
          </thead>
          <tbody>
            {recipients.map((recipient) => (
              <tr key={recipient.contact_id}>
                <td>
                  {recipient.email_id ? (
                    <a href={href('emails', recipient.email_id)}>{recipient.email}</a>
                  ) : (
                    recipient.email
                  )}
                </td>
                <td>
                  <Status value={recipient.status} />
                </td>
                <td>{recipient.failure_reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {recipients.length === 0 && <p>No recipients yet: the audience is read when sending starts.</p>}
    </>
  );
}
