/**
 * Resend's emails methods — send, batch, get, list, update, cancel — called with Resend's own SDK
 * against the local stack's `/resend` surface: what is sent reaches the local SES, is recorded like a
 * `/v1` send and audited under its surface; scheduled emails' events reach a webhook receiver.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalQueue, type WebhookPipeline } from '../../../../local/webhook-pipeline.js';
import { call } from '../../../support/http-client.js';
import { startTestPipeline } from '../../../support/webhook-pipeline.js';
import { sentEmails } from '../../../support/local-aws.js';
import { startTestStack, TEST_DOMAIN, type TestStack } from '../../../support/local-stack.js';
import { resendClient } from '../../../support/resend-client.js';
import { type Receiver, startReceiver } from '../../../support/webhook-receiver.js';

let stack: TestStack;
let key: string;
beforeAll(async () => {
  stack = await startTestStack();
  key = (await stack.putKey({ permission: 'full_access' })).key.key;
});
afterAll(async () => {
  await stack?.close();
});

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2)}`;

describe('resend.emails.send', () => {
  it('sends through SES with every field, answers a scopegate email id, and records and audits the send', async () => {
    // Arrange
    const resend = resendClient(stack.url, key);
    const subject = `Resend ${unique()}`;
    // Act
    const { data, error } = await resend.emails.send({
      from: `Scopegate <hello@${TEST_DOMAIN}>`,
      to: 'to@example.org',
      cc: ['cc@example.org'],
      bcc: 'bcc@example.org',
      replyTo: 'reply@example.org',
      subject,
      html: '<p>Hello from Resend</p>',
      text: 'Hello from Resend',
      headers: { 'X-Entity-Ref-ID': 'ref-1' },
      tags: [{ name: 'kind', value: 'welcome' }],
      attachments: [{ filename: 'hello.txt', content: Buffer.from('hi') }],
    });
    // Assert
    expect(error).toBeNull();
    const id = String(data?.id);
    expect(id).toMatch(/^em_[0-9A-Za-z]{22}$/);
    const delivered = (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === subject);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.from).toContain(`hello@${TEST_DOMAIN}`);
    expect(delivered[0]).toMatchObject({
      destination: { to: ['to@example.org'], cc: ['cc@example.org'] },
      replyTo: ['reply@example.org'],
      body: { html: '<p>Hello from Resend</p>', text: 'Hello from Resend' },
    });
    const stored = await call(stack.url, { path: `/v1/emails/${id}`, key });
    expect(stored.json).toMatchObject({
      id,
      to: ['to@example.org'],
      bcc: ['bcc@example.org'],
      reply_to: ['reply@example.org'],
      subject,
      tags: [{ name: 'kind', value: 'welcome' }],
      headers: { 'X-Entity-Ref-ID': 'ref-1' },
      ses_message_id: delivered[0]?.messageId,
    });
    const audit = await call(stack.url, { path: '/v1/audit-log?limit=100', key });
    const entries = audit.json.data as Record<string, unknown>[];
    expect(entries.find((entry) => entry.resource_id === id)).toMatchObject({
      action: 'email.send',
      surface: 'resend',
      status: 200,
    });
  });

  it('shares the /v1 send’s Idempotency-Key claims: the same key and body send once', async () => {
    const resend = resendClient(stack.url, key);
    const idempotencyKey = `resend-${unique()}`;
    const email = {
      from: `hello@${TEST_DOMAIN}`,
      to: 'to@example.org',
      subject: `Once ${unique()}`,
      text: 'x',
    };
    const first = await resend.emails.send(email, { idempotencyKey });
    const again = await call(stack.url, {
      method: 'POST',
      path: '/v1/emails',
      key,
      body: email,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
    expect(first.error).toBeNull();
    expect(again.json.id).toBe(first.data?.id);
    expect(
      (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === email.subject),
    ).toHaveLength(1);
  });

  it("answers a key without emails:send with the SDK's restricted_api_key error", async () => {
    const reader = (
      await stack.putKey({ type: 'general', permission: 'custom', scopes: new Set(['emails:read']) })
    ).key.key;
    const { data, error } = await resendClient(stack.url, reader).emails.send({
      from: `hello@${TEST_DOMAIN}`,
      to: 'to@example.org',
      subject: 'never sent',
      text: 'x',
    });
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 403, name: 'restricted_api_key' });
    expect(error?.message).toBeTruthy();
  });

  it.each([
    ['topicId', { topicId: 'tp_1' }, 'topic_id'],
    [
      'an attachment fetched from a URL',
      { attachments: [{ filename: 'a.pdf', path: 'https://example.org/a.pdf' }] },
      'attachments.0.path',
    ],
  ])(
    'answers %s with an invalid_parameter error naming it, and sends nothing',
    async (_case, extra, field) => {
      const subject = `Unsupported ${unique()}`;
      const { data, error } = await resendClient(stack.url, key).emails.send({
        from: `hello@${TEST_DOMAIN}`,
        to: 'to@example.org',
        subject,
        text: 'x',
        ...extra,
      });
      expect(data).toBeNull();
      expect(error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
      expect(error?.message).toContain(field);
      expect(
        (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => sent.subject === subject),
      ).toHaveLength(0);
    },
  );

  it('answers a missing field 422 missing_required_field, as Resend does', async () => {
    const { error } = await resendClient(stack.url, key).emails.send({
      from: `hello@${TEST_DOMAIN}`,
      to: 'to@example.org',
      text: 'x',
    } as Parameters<ReturnType<typeof resendClient>['emails']['send']>[0]);
    expect(error).toMatchObject({
      statusCode: 422,
      name: 'missing_required_field',
      message: 'subject is required.',
    });
  });

  it.each(['/resend/nothing', '/resend/emails/em_1/nothing', '/sendgrid/v3/nothing'])(
    'answers an unknown path %s 404 not_found',
    async (path) => {
      const response = await call(stack.url, { method: 'POST', path, key, body: {} });
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ statusCode: 404, name: 'not_found', error_code: 'not_found' });
    },
  );
});

const subjectsSent = async (subjects: readonly string[]) =>
  (await sentEmails(stack.aws.sesEndpoint)).filter((sent) => subjects.includes(String(sent.subject)));

describe('resend.batch.send', () => {
  const email = (subject: string) => ({
    from: `hello@${TEST_DOMAIN}`,
    to: 'to@example.org',
    subject,
    text: 'x',
  });

  it('sends every email (strict by default), answers their ids in order, and records each', async () => {
    const subjects = [`Batch A ${unique()}`, `Batch B ${unique()}`];
    const { data, error } = await resendClient(stack.url, key).batch.send(subjects.map(email));
    expect(error).toBeNull();
    expect(data).toStrictEqual({ data: [{ id: expect.any(String) }, { id: expect.any(String) }] });
    expect((await subjectsSent(subjects)).map((sent) => sent.subject).sort()).toEqual([...subjects].sort());
    for (const [index, { id }] of (data?.data ?? []).entries()) {
      const stored = await call(stack.url, { path: `/v1/emails/${id}`, key });
      expect(stored.json).toMatchObject({ subject: subjects[index], status: expect.any(String) });
    }
  });

  it('refuses the whole strict batch for one invalid email, naming it, and sends nothing', async () => {
    const subject = `Strict ${unique()}`;
    const { data, error } = await resendClient(stack.url, key).batch.create([
      email(subject),
      { from: `hello@${TEST_DOMAIN}`, to: 'not an address', subject, text: 'x' },
    ]);
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(error?.message).toContain('Item 1: to');
    expect(await subjectsSent([subject])).toHaveLength(0);
  });

  it('in permissive mode sends the valid emails and lists the others by position', async () => {
    const good = [`Permissive 0 ${unique()}`, `Permissive 3 ${unique()}`];
    const refused = `Permissive refused ${unique()}`;
    const { data, error } = await resendClient(stack.url, key).batch.send(
      [
        email(good[0] ?? ''),
        { from: `hello@${TEST_DOMAIN}`, to: 'to@example.org', text: 'x' } as ReturnType<typeof email>,
        { ...email(refused), from: 'hello@unverified.example' },
        email(good[1] ?? ''),
      ],
      { batchValidation: 'permissive' },
    );
    expect(error).toBeNull();
    expect(data?.data).toHaveLength(2);
    expect(data?.errors).toEqual([
      { index: 1, message: 'subject is required.' },
      { index: 2, message: expect.stringContaining('verified domain') },
    ]);
    const sent = await subjectsSent([...good, refused]);
    expect(sent.map((one) => one.subject).sort()).toEqual([...good].sort());
    const first = await call(stack.url, { path: `/v1/emails/${String(data?.data[0]?.id)}`, key });
    expect(first.json.subject).toBe(good[0]);
  });

  it('refuses a field scopegate cannot honour in any email, even in permissive mode, and sends nothing', async () => {
    const subject = `Topic ${unique()}`;
    const { error } = await resendClient(stack.url, key).batch.send(
      [email(subject), { ...email(subject), topicId: 'tp_1' }],
      { batchValidation: 'permissive' },
    );
    expect(error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
    expect(error?.message).toContain('1.topic_id');
    expect(await subjectsSent([subject])).toHaveLength(0);
  });

  it('answers a replay of the same Idempotency-Key and body with the same ids, sending once', async () => {
    const subject = `Batch once ${unique()}`;
    const idempotencyKey = `batch-${unique()}`;
    const resend = resendClient(stack.url, key);
    const first = await resend.batch.send([email(subject)], { idempotencyKey });
    const again = await resend.batch.send([email(subject)], { idempotencyKey });
    expect(again.data).toEqual(first.data);
    expect(await subjectsSent([subject])).toHaveLength(1);
  });
});

describe('resend.batch.send permissive, retried with its Idempotency-Key', () => {
  it('answers the same ids and errors for the same verdicts, and 409 once a verdict changed', async () => {
    const project = await stack.freshProject();
    const resend = resendClient(stack.url, project.key);
    const subject = `Permissive once ${unique()}`;
    const recipient = `later-suppressed-${unique()}@example.org`;
    const batch = [
      { from: `a@${project.domain}`, to: recipient, subject, text: 'x' },
      { from: `a@${project.domain}`, to: 'b@example.org', text: 'x' } as unknown as Parameters<
        typeof resend.batch.send
      >[0][number],
    ];
    const options = { batchValidation: 'permissive', idempotencyKey: `permissive-${unique()}` } as const;
    const first = await resend.batch.send(batch, options);
    const again = await resend.batch.send(batch, options);
    expect(first.data?.data).toHaveLength(1);
    expect(again.data).toEqual(first.data);
    expect(await subjectsSent([subject])).toHaveLength(1);
    // The first email would now be refused: the same key cannot answer the first outcome.
    await call(stack.url, {
      method: 'POST',
      path: '/v1/suppressions',
      key: project.key,
      body: { email: recipient },
    });
    const changed = await resend.batch.send(batch, options);
    expect(changed.error).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });
    expect(await subjectsSent([subject])).toHaveLength(1);
  });
});

describe('resend.emails.get', () => {
  it("answers Resend's shape of a sent email, its message id SES's", async () => {
    const resend = resendClient(stack.url, key);
    const subject = `Get ${unique()}`;
    const sent = await resend.emails.send({
      from: `hello@${TEST_DOMAIN}`,
      to: ['to@example.org'],
      cc: 'cc@example.org',
      replyTo: 'reply@example.org',
      subject,
      html: '<p>x</p>',
      tags: [{ name: 'kind', value: 'get' }],
    });
    const id = String(sent.data?.id);
    const { data, error } = await resend.emails.get(id);
    expect(error).toBeNull();
    const [delivered] = await subjectsSent([subject]);
    expect(data).toStrictEqual({
      object: 'email',
      id,
      from: `hello@${TEST_DOMAIN}`,
      to: ['to@example.org'],
      cc: ['cc@example.org'],
      bcc: [],
      reply_to: ['reply@example.org'],
      subject,
      html: null,
      text: null,
      created_at: expect.any(String),
      scheduled_at: null,
      last_event: expect.stringMatching(/^(queued|sent|delivered)$/),
      message_id: delivered?.messageId,
      tags: [{ name: 'kind', value: 'get' }],
    });
  });

  it("answers another project's email, or none, 404 not_found", async () => {
    const theirs = await stack.freshProject();
    const sent = await resendClient(stack.url, theirs.key).emails.send({
      from: `a@${theirs.domain}`,
      to: 'b@example.org',
      subject: 'theirs',
      text: 'x',
    });
    for (const id of [String(sent.data?.id), 'em_0000000000000000000000', 'metrics']) {
      const { error } = await resendClient(stack.url, key).emails.get(id);
      expect(error).toMatchObject({ statusCode: 404, name: 'not_found' });
    }
  });
});

describe('resend.emails.list', () => {
  it('pages newest first with limit, after and before, only the project’s own emails', async () => {
    const project = await stack.freshProject();
    const resend = resendClient(stack.url, project.key);
    const ids: string[] = [];
    for (const n of [0, 1, 2]) {
      const sent = await resend.emails.send({
        from: `a@${project.domain}`,
        to: 'b@example.org',
        subject: `List ${n}`,
        text: 'x',
      });
      ids.push(String(sent.data?.id));
    }
    const newestFirst = [...ids].reverse();
    const first = await resend.emails.list({ limit: 2 });
    expect(first.error).toBeNull();
    expect(first.data?.object).toBe('list');
    expect(first.data?.data.map((email) => email.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.data?.has_more).toBe(true);
    expect(first.data?.data[0]).toMatchObject({ subject: 'List 2', to: ['b@example.org'] });
    expect(first.data?.data[0]).not.toHaveProperty('html');
    const rest = await resend.emails.list({ limit: 2, after: newestFirst[1] });
    expect(rest.data?.data.map((email) => email.id)).toEqual(newestFirst.slice(2));
    expect(rest.data?.has_more).toBe(false);
    const back = await resend.emails.list({ limit: 1, before: newestFirst[2] });
    expect(back.data?.data.map((email) => email.id)).toEqual([newestFirst[1]]);
    expect(back.data?.has_more).toBe(true);
  });

  it('refuses a limit past 100 and an after that is not an email id, 422', async () => {
    const resend = resendClient(stack.url, key);
    expect((await resend.emails.list({ limit: 101 })).error).toMatchObject({
      statusCode: 422,
      name: 'validation_error',
    });
    const { error } = await resend.emails.list({ after: 'tpl_0000000000000000000000' });
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(error?.message).toContain('after');
  });
});

describe('scheduled sends: resend.emails.send with scheduledAt, emails.update, emails.cancel', () => {
  let queue: LocalQueue;
  let pipeline: WebhookPipeline;
  let receiver: Receiver;
  beforeAll(async () => {
    ({ queue, pipeline } = await startTestPipeline(stack));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await queue?.stop();
  });

  /** The events arrive after the answers (as deployed): drains the pipeline until `count` arrived. */
  async function deliveries(secret: string, count: number) {
    const deadline = Date.now() + 10_000;
    while (receiver.received.length < count && Date.now() < deadline) {
      await pipeline.drain();
      if (receiver.received.length < count) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const webhook = new Webhook(secret);
    return receiver.received.map(
      (delivery) =>
        webhook.verify(delivery.body, delivery.headers as Record<string, string>) as {
          type: string;
          data: Record<string, unknown>;
        },
    );
  }

  it('schedules, moves and cancels an email: nothing reaches SES, and email.scheduled and email.canceled are delivered', async () => {
    const project = await stack.freshProject();
    const hook = await call(stack.url, {
      method: 'POST',
      path: '/v1/webhooks',
      key: project.key,
      body: { url: receiver.url, events: ['email.scheduled', 'email.canceled'] },
    });
    expect(hook.status).toBe(201);
    const resend = resendClient(stack.url, project.key);
    const subject = `Scheduled ${unique()}`;
    const sent = await resend.emails.send({
      from: `a@${project.domain}`,
      to: 'b@example.org',
      subject,
      text: 'x',
      scheduledAt: 'in 1 hour',
    });
    expect(sent.error).toBeNull();
    const id = String(sent.data?.id);
    const scheduled = await resend.emails.get(id);
    expect(scheduled.data).toMatchObject({ id, last_event: 'scheduled', scheduled_at: expect.any(String) });
    expect(scheduled.data).not.toHaveProperty('message_id');

    const later = new Date(Date.now() + 2 * 3600_000);
    later.setUTCMilliseconds(0);
    const moved = await resend.emails.update({ id, scheduledAt: later.toISOString() });
    expect(moved).toMatchObject({ data: { object: 'email', id }, error: null });
    expect((await resend.emails.get(id)).data?.scheduled_at).toBe(later.toISOString());

    const canceled = await resend.emails.cancel(id);
    expect(canceled).toMatchObject({ data: { object: 'email', id }, error: null });
    expect((await resend.emails.get(id)).data?.last_event).toBe('canceled');
    const stored = await call(stack.url, { path: `/v1/emails/${id}`, key: project.key });
    expect(stored.json.status).toBe('canceled');
    expect(await subjectsSent([subject])).toHaveLength(0);

    const again = await resend.emails.cancel(id);
    expect(again.error).toMatchObject({ statusCode: 409, name: 'validation_error' });
    const moveCanceled = await resend.emails.update({ id, scheduledAt: 'in 2 hours' });
    expect(moveCanceled.error).toMatchObject({ statusCode: 409 });

    const events = await deliveries(String(hook.json.signing_secret), 2);
    // Each event is its own delivery: they may arrive in either order.
    expect(events.map((event) => event.type).sort()).toEqual(['email.canceled', 'email.scheduled']);
    expect(events.every((event) => JSON.stringify(event.data).includes(id))).toBe(true);
    const audit = await call(stack.url, { path: '/v1/audit-log?limit=100', key: project.key });
    const entries = audit.json.data as Record<string, unknown>[];
    expect(entries.find((entry) => entry.action === 'email.cancel' && entry.status === 200)).toMatchObject({
      surface: 'resend',
      resource_id: id,
    });
  });

  it('schedules the emails of a batch with scheduled_at, sending none now', async () => {
    const subject = `Scheduled batch ${unique()}`;
    const resend = resendClient(stack.url, key);
    const { data, error } = await resend.batch.send([
      { from: `hello@${TEST_DOMAIN}`, to: 'to@example.org', subject, text: 'x', scheduledAt: 'in 1 day' },
    ]);
    expect(error).toBeNull();
    const got = await resend.emails.get(String(data?.data[0]?.id));
    expect(got.data).toMatchObject({ last_event: 'scheduled', scheduled_at: expect.any(String) });
    expect(await subjectsSent([subject])).toHaveLength(0);
  });
});
