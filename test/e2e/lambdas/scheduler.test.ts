/**
 * Scheduled emails over HTTP through the local gateway: schedule → GET shows it scheduled → the
 * local sweeper (the deployed sweep's code on the local timer, its clock moved by the test instead
 * of waited for) sends it once into the local SES; PATCH, cancel and their 409s; 400s naming
 * `scheduled_at`; Idempotency-Key and batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sesSender } from '../../../lambdas/sending/ses-sender.js';
import { silentLog } from '../../../local/handlers.js';
import type { JobTimer } from '../../../local/job-timer.js';
import { startScheduledEmailsTimer } from '../../../local/scheduled-emails-timer.js';
import { withLocalSesEvents } from '../../../local/ses-events-feed.js';
import type { SweepSummary } from '../../../lambdas/scheduler/sweep.js';
import { call } from '../../support/http-client.js';
import { sentEmails } from '../../support/local-aws.js';
import { startTestStack, type TestStack } from '../../support/local-stack.js';

let clock = new Date();
const now = () => clock;
const advance = (minutes: number) => {
  clock = new Date(clock.getTime() + minutes * 60_000);
};

let stack: TestStack;
let key: string;
let sweeper: JobTimer<SweepSummary>;
beforeAll(async () => {
  stack = await startTestStack({ now });
  key = (await stack.putKey({ permission: 'full_access' })).key.key;
  const store = { documents: stack.aws.documents, dataTable: stack.aws.tables.data };
  sweeper = startScheduledEmailsTimer({
    deps: {
      ...store,
      apiKeysTable: stack.aws.tables.apiKeys,
      send: withLocalSesEvents(sesSender(stack.aws.ses), { ...store, now }, silentLog),
      now,
    },
    intervalSeconds: 0,
    onError: (error) => {
      throw error;
    },
  });
});
afterAll(async () => {
  await sweeper?.stop();
  await stack?.close();
});

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2)}`;
const email = (overrides: Record<string, unknown> = {}) => ({
  from: 'hello@example.com',
  to: `to-${unique()}@example.com`,
  subject: `Scheduled ${unique()}`,
  text: 'Hello later',
  ...overrides,
});
const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(stack.url, { method, path, key, headers, ...(body === undefined ? {} : { body }) });
const delivered = async (subject: string) =>
  (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === subject);

describe('a scheduled email, end to end', () => {
  it('is stored as scheduled, sent once when due into the local SES, and then reads as sent', async () => {
    const body = email({ scheduled_at: 'in 5 minutes' });
    const scheduled = await api('POST', '/v1/emails', body);
    expect(scheduled.status).toBe(200);
    const id = String(scheduled.json.id);
    const shown = await api('GET', `/v1/emails/${id}`);
    expect(shown.json).toMatchObject({
      status: 'scheduled',
      scheduled_at: new Date(clock.getTime() + 5 * 60_000).toISOString(),
      ses_message_id: null,
    });

    await sweeper.run();
    expect(await delivered(body.subject)).toHaveLength(0);

    advance(5);
    const run = await sweeper.run();
    expect(run?.sent).toContain(id);
    expect(await delivered(body.subject)).toHaveLength(1);
    expect((await api('GET', `/v1/emails/${id}`)).json).toMatchObject({
      // The local SES's delivery event may already have moved it on.
      status: expect.stringMatching(/^(sent|delivered)$/) as unknown,
      ses_message_id: expect.any(String),
    });

    advance(10);
    await sweeper.run();
    expect(await delivered(body.subject)).toHaveLength(1);
  });

  it('is moved by PATCH, canceled by POST …/cancel, and answers 409 invalid_state after that', async () => {
    const body = email({ scheduled_at: 'in 10 minutes' });
    const id = String((await api('POST', '/v1/emails', body)).json.id);

    const moved = await api('PATCH', `/v1/emails/${id}`, { scheduled_at: 'in 2 hours' });
    expect(moved.status).toBe(200);
    expect(moved.json.scheduled_at).toBe(new Date(clock.getTime() + 2 * 3_600_000).toISOString());
    advance(11);
    await sweeper.run();
    expect(await delivered(body.subject)).toHaveLength(0);

    const canceled = await api('POST', `/v1/emails/${id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.json.status).toBe('canceled');
    for (const [method, path, patch] of [
      ['POST', `/v1/emails/${id}/cancel`, undefined],
      ['PATCH', `/v1/emails/${id}`, { scheduled_at: 'in 1 hour' }],
    ] as const) {
      const refused = await api(method, path, patch);
      expect(refused.status).toBe(409);
      expect(refused.json).toMatchObject({
        error_code: 'invalid_state',
        name: 'validation_error',
        statusCode: 409,
      });
    }
    advance(3 * 60);
    await sweeper.run();
    expect(await delivered(body.subject)).toHaveLength(0);
  });

  it('answers 409 invalid_state to a PATCH or cancel of an email sent at once', async () => {
    const id = String((await api('POST', '/v1/emails', email())).json.id);
    expect((await api('POST', `/v1/emails/${id}/cancel`)).status).toBe(409);
    expect((await api('PATCH', `/v1/emails/${id}`, { scheduled_at: 'in 1 hour' })).status).toBe(409);
  });

  it.each([
    ['2026-12-07T10:00:00', 'offset'],
    ['in 30 seconds', 'offset'],
    ['in 0 minutes', 'at least 1 minute'],
    ['in 31 days', 'at most 30 days'],
  ])(
    'refuses scheduled_at %j with 400 naming scheduled_at, and sends nothing',
    async (scheduledAt, words) => {
      const body = email({ scheduled_at: scheduledAt });
      const refused = await api('POST', '/v1/emails', body);
      expect(refused.status).toBe(400);
      expect(refused.json.error_code).toBe('validation_error');
      expect(JSON.stringify(refused.json.errors)).toContain('scheduled_at');
      expect(JSON.stringify(refused.json)).toContain(words);
      expect(await delivered(body.subject)).toHaveLength(0);
    },
  );

  it('validates at schedule time as a send does: an unverified from domain is 422, nothing stored', async () => {
    const refused = await api(
      'POST',
      '/v1/emails',
      email({ from: 'a@not-ours.example', scheduled_at: 'in 1 hour' }),
    );
    expect(refused.status).toBe(422);
    expect(refused.json.error_code).toBe('domain_not_verified');
  });

  it('replays the first id for the same Idempotency-Key, and schedules each email of a batch', async () => {
    const body = email({ scheduled_at: 'in 1 hour' });
    const headers = { 'Idempotency-Key': `idem-${unique()}` };
    const first = await api('POST', '/v1/emails', body, headers);
    const again = await api('POST', '/v1/emails', body, headers);
    expect(again.json.id).toBe(first.json.id);
    expect(again.headers['idempotent-replayed']).toBe('true');

    const later = email({ scheduled_at: 'in 3 minutes' });
    const batch = await api('POST', '/v1/emails/batch', [email(), later]);
    expect(batch.status).toBe(200);
    const [nowId, laterId] = (batch.json.data as { id: string }[]).map((item) => item.id);
    expect((await api('GET', `/v1/emails/${nowId}`)).json.scheduled_at).toBeNull();
    expect((await api('GET', `/v1/emails/${laterId}`)).json.status).toBe('scheduled');
    advance(3);
    await sweeper.run();
    expect(await delivered(later.subject)).toHaveLength(1);
  });
});
