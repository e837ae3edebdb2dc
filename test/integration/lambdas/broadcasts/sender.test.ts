/**
 * The broadcast sender against DynamoDB Local and fauxqs, with a counting SES: never twice to one
 * contact (two senders given the same messages; a sender dying between its claim and its SES call),
 * cancel within the status bound on an injected clock, throttled sends back on the queue and not
 * lost, and unsubscribed or suppressed contacts counted, not sent.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact } from '../../../../lambdas/audience/contacts.js';
import { addListContact, createList } from '../../../../lambdas/audience/lists.js';
import { AUDIENCE_PAGE } from '../../../../lambdas/broadcasts/audience-pages.js';
import { getBroadcast } from '../../../../lambdas/broadcasts/broadcast-store.js';
import {
  cancelBroadcast,
  createBroadcast,
  sendBroadcast,
} from '../../../../lambdas/broadcasts/broadcasts.js';
import type { BroadcastQueue } from '../../../../lambdas/broadcasts/queue.js';
import { listRecipients } from '../../../../lambdas/broadcasts/recipient-store.js';
import { createSender, type Sender, type SenderDependencies } from '../../../../lambdas/broadcasts/sender.js';
import { readAuthContext } from '../../../../lambdas/keys/read-auth-context.js';
import { projectPartition } from '../../../../lambdas/aws/tables.js';
import { findEmail } from '../../../../lambdas/sending/email-store.js';
import type { OutgoingEmail } from '../../../../lambdas/sending/ses-sender.js';
import { silentLog } from '../../../../local/handlers.js';
import { type LocalQueue, startLocalQueue } from '../../../../local/webhook-pipeline.js';
import { seedVerifiedDomain } from '../../../support/domains.js';
import { authContextFor } from '../../../support/events.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';

let aws: TestAws;
let local: LocalQueue;
beforeAll(async () => {
  [aws, local] = await Promise.all([createTestAws(), startLocalQueue({ port: 0 })]);
});
afterAll(async () => {
  await local?.stop();
});

const LEASE_MS = 20_000;

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-12-01T10:00:00.000Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

/** An SES stand-in that records every call; `fail` decides per call what goes wrong. */
function countingSes(fail: (email: OutgoingEmail, call: number) => Error | undefined = () => undefined) {
  const calls: string[] = [];
  let n = 0;
  const send = async (email: OutgoingEmail) => {
    const error = fail(email, n++);
    if (error) throw error;
    calls.push(email.to[0] ?? '');
    return `msg-${randomBytes(6).toString('hex')}`;
  };
  return { send, calls };
}

interface Fixture {
  readonly projectId: string;
  readonly broadcastId: string;
  readonly queue: BroadcastQueue;
  readonly emails: string[];
}

/** A project with a verified domain, `count` contacts in a list, and a broadcast to it, started. */
async function startedBroadcast(
  count: number,
  clock: { now: () => Date },
  extra: { unsubscribed?: number; suppressed?: number; start?: boolean } = {},
): Promise<Fixture> {
  const projectId = `proj_${randomBytes(5).toString('hex')}`;
  const domain = `${projectId.replace('_', '-')}.example`;
  const store = { documents: aws.documents, dataTable: aws.tables.data };
  await seedVerifiedDomain(store, projectId, domain);
  const deps = { ...store, now: clock.now };
  const list = await createList(deps, projectId, { name: 'all' });
  const emails: string[] = [];
  for (let i = 0; i < count; i++) {
    const email = `r${i}@${domain}.org`;
    emails.push(email);
    const contact = await createContact(deps, projectId, {
      email,
      first_name: `N${i}`,
      properties: { plan: 'pro' },
      unsubscribed: i < (extra.unsubscribed ?? 0),
    });
    await addListContact(deps, projectId, list.id, contact.id);
  }
  for (const email of emails.slice(
    extra.unsubscribed ?? 0,
    (extra.unsubscribed ?? 0) + (extra.suppressed ?? 0),
  )) {
    await aws.documents.send(
      new PutCommand({
        TableName: aws.tables.data,
        Item: { pk: projectPartition(projectId), sk: `SUPPRESSION#${email}`, email },
      }),
    );
  }
  const { QueueUrl } = await local.sqs.send(
    new CreateQueueCommand({ QueueName: `bc-${randomBytes(5).toString('hex')}` }),
  );
  const queue = { sqs: local.sqs, queueUrl: QueueUrl ?? '' };
  const auth = readAuthContext(authContextFor({ projectId }));
  const service = { ...store, now: clock.now, queue };
  const broadcast = await createBroadcast(service, auth, {
    name: 'news',
    from: `news@${domain}`,
    subject: 'Hi {{contact.first_name}}',
    text: 'Your plan: {{contact.properties.plan}}. Leave: {{unsubscribe_url}}',
    audience: { list_id: list.id },
  });
  if (extra.start !== false) await sendBroadcast(service, auth, broadcast.id, {});
  return { projectId, broadcastId: broadcast.id, queue, emails };
}

function senderFor(
  fixture: Fixture,
  clock: { now: () => Date },
  send: SenderDependencies['send'],
  pacer: SenderDependencies['pacer'] = { take: async () => undefined },
): Sender {
  return createSender({
    documents: aws.documents,
    dataTable: aws.tables.data,
    now: clock.now,
    send,
    queue: fixture.queue,
    pacer,
    apiBaseUrl: 'https://api.example.com/',
    unsubscribeSecret: async () => Buffer.alloc(32, 7),
    isSuppressed: async (projectId, email) =>
      (
        await aws.documents.send(
          new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
            TableName: aws.tables.data,
            Key: { pk: projectPartition(projectId), sk: `SUPPRESSION#${email}` },
          }),
        )
      ).Item !== undefined,
    claimLeaseMs: LEASE_MS,
    log: silentLog,
  });
}

async function receive(queue: BroadcastQueue): Promise<Message[]> {
  const { Messages = [] } = await queue.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: 0,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  return Messages;
}

/** Runs messages through the senders until none is left; a retried message stays on the queue for the next pass. */
async function drain(queue: BroadcastQueue, senders: readonly Sender[]): Promise<void> {
  for (let pass = 0; pass < 50; pass++) {
    if ((await onePass(queue, senders)) === 0) return;
  }
  throw new Error('the queue did not drain');
}

/** One receive of up to 10 messages through the senders; answers how many there were. */
async function onePass(queue: BroadcastQueue, senders: readonly Sender[]): Promise<number> {
  {
    const messages = await receive(queue);
    if (messages.length === 0) return 0;
    const received = messages.map((m) => ({
      body: m.Body ?? '',
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount) || 1,
    }));
    const results = await Promise.all(senders.map((sender) => sender.process(received)));
    for (const [index, message] of messages.entries()) {
      if (results.every((outcomes) => outcomes[index]?.kind === 'done')) {
        await queue.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    return messages.length;
  }
}

const store = () => ({ documents: aws.documents, dataTable: aws.tables.data });
const recipientsOf = async (fixture: Fixture) =>
  (
    await listRecipients(
      store(),
      { projectId: fixture.projectId, broadcastId: fixture.broadcastId },
      { limit: 100 },
    )
  ).recipients;

describe('broadcast sender', () => {
  it('sends each recipient exactly once when two senders get the same messages', async () => {
    const clock = manualClock();
    const fixture = await startedBroadcast(25, clock);
    const ses = countingSes();
    const senders = [senderFor(fixture, clock, ses.send), senderFor(fixture, clock, ses.send)];

    await drain(fixture.queue, senders);

    expect([...ses.calls].sort()).toEqual([...fixture.emails].sort());
    const recipients = await recipientsOf(fixture);
    expect(recipients.map((r) => r.status)).toEqual(Array(25).fill('sent'));
    const broadcast = await getBroadcast(store(), fixture.projectId, fixture.broadcastId);
    expect(broadcast).toMatchObject({
      status: 'sent',
      pending: 0,
      counts: { recipients: 25, sent: 25, failed: 0, skipped: 0 },
    });
    // Each is an ordinary email record with its broadcast, contact and one-click headers.
    const email = await findEmail(store(), fixture.projectId, recipients[0]?.emailId ?? '');
    expect(email).toMatchObject({
      status: 'sent',
      broadcastId: fixture.broadcastId,
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    expect(email?.headers?.['List-Unsubscribe']).toMatch(/^<https:\/\/api\.example\.com\/u\/.+>$/);
  });

  it('settles a send whose sender died after its claim as unknown_outcome once the lease has passed, and never sends it', async () => {
    const clock = manualClock();
    const fixture = await startedBroadcast(1, clock);
    const ses = countingSes();
    // Arrange: read the audience, then a sender claims the one recipient and dies before SES.
    await onePass(fixture.queue, [senderFor(fixture, clock, ses.send)]);
    const [message] = await receive(fixture.queue);
    const body = message?.Body ?? '';
    // The claim and the email record come before its SES call: the sender dies in that call.
    let diedAfterClaim: () => void = () => undefined;
    const died = new Promise<void>((resolve) => (diedAfterClaim = resolve));
    const dying = senderFor(fixture, clock, () => {
      diedAfterClaim();
      return new Promise<never>(() => undefined);
    });
    void dying.process([{ body, receiveCount: 1 }]);
    await died;
    expect((await recipientsOf(fixture))[0]?.status).toBe('sending');

    // Act: the message comes back to another sender, before and after the lease.
    const other = senderFor(fixture, clock, ses.send);
    const early = await other.process([{ body, receiveCount: 2 }]);
    clock.advance(LEASE_MS + 1);
    const late = await other.process([{ body, receiveCount: 3 }]);
    const again = await other.process([{ body, receiveCount: 4 }]);

    // Assert
    expect(early[0]).toMatchObject({ kind: 'retry' });
    expect(late[0]).toEqual({ kind: 'done' });
    expect(again[0]).toEqual({ kind: 'done' });
    expect(ses.calls).toEqual([]);
    expect(await recipientsOf(fixture)).toMatchObject([
      { status: 'failed', failureReason: 'unknown_outcome' },
    ]);
    expect(await getBroadcast(store(), fixture.projectId, fixture.broadcastId)).toMatchObject({
      status: 'sent',
      counts: { recipients: 1, sent: 0, failed: 1 },
    });
  });

  it('leaves unsettled only the sends a killed sender had in flight: the ones it finished are settled, the ones waiting for a slot were never claimed', async () => {
    // Arrange: one page of ten; a sender gets all ten, is given four slots, and dies in its fourth SES call.
    const clock = manualClock();
    const fixture = await startedBroadcast(10, clock);
    const ses = countingSes();
    await onePass(fixture.queue, [senderFor(fixture, clock, ses.send)]);
    const messages = await receive(fixture.queue);
    expect(messages).toHaveLength(10);
    let slots = 0;
    let diedInCall: () => void = () => undefined;
    const died = new Promise<void>((resolve) => (diedInCall = resolve));
    let calls = 0;
    const dying = senderFor(
      fixture,
      clock,
      async (email) => {
        if (++calls === 4) {
          diedInCall();
          return new Promise<never>(() => undefined);
        }
        return ses.send(email);
      },
      { take: () => (++slots <= 4 ? Promise.resolve() : new Promise<never>(() => undefined)) },
    );
    void dying.process(messages.map((m) => ({ body: m.Body ?? '', receiveCount: 1 })));
    await died;
    // Its three finished sends are settled without waiting for the rest of its batch.
    await expect
      .poll(async () => (await recipientsOf(fixture)).filter((r) => r.status === 'sent').length)
      .toBe(3);
    expect((await recipientsOf(fixture)).filter((r) => r.status === 'sending')).toHaveLength(1);

    // Act: the messages come back to another sender after the lease.
    clock.advance(LEASE_MS + 1);
    await drain(fixture.queue, [senderFor(fixture, clock, ses.send)]);

    // Assert: one unknown outcome (the call in flight), nine sent once each, none twice.
    expect(ses.calls).toHaveLength(9);
    expect(new Set(ses.calls).size).toBe(9);
    expect(await getBroadcast(store(), fixture.projectId, fixture.broadcastId)).toMatchObject({
      status: 'sent',
      counts: { recipients: 10, sent: 9, failed: 1 },
    });
    expect((await recipientsOf(fixture)).filter((r) => r.status === 'failed')).toMatchObject([
      { failureReason: 'unknown_outcome' },
    ]);
  });

  it('stops sending within a second of a cancel (on the injected clock), and counts the rest skipped', async () => {
    const clock = manualClock();
    const fixture = await startedBroadcast(20, clock);
    const ses = countingSes();
    const sender = senderFor(fixture, clock, ses.send);
    await onePass(fixture.queue, [sender]); // the audience page: 20 send messages queued
    const first = await receive(fixture.queue);
    await sender.process(first.map((m) => ({ body: m.Body ?? '', receiveCount: 1 })));
    for (const m of first)
      await fixture.queue.sqs.send(
        new DeleteMessageCommand({ QueueUrl: fixture.queue.queueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
    const sentBeforeCancel = ses.calls.length;

    await cancelBroadcast(
      { ...store(), now: clock.now },
      readAuthContext(authContextFor({ projectId: fixture.projectId })),
      fixture.broadcastId,
    );
    clock.advance(1001);
    await drain(fixture.queue, [sender]);

    expect(sentBeforeCancel).toBe(first.length);
    expect(ses.calls).toHaveLength(sentBeforeCancel);
    const broadcast = await getBroadcast(store(), fixture.projectId, fixture.broadcastId);
    expect(broadcast).toMatchObject({
      status: 'canceled',
      counts: { sent: sentBeforeCancel, skipped: 20 - sentBeforeCancel },
    });
    expect((await recipientsOf(fixture)).filter((r) => r.status === 'canceled')).toHaveLength(
      20 - sentBeforeCancel,
    );
  });

  it('puts throttled sends back on the queue: none lost, none doubled', async () => {
    const clock = manualClock();
    const fixture = await startedBroadcast(12, clock);
    let throttles = 0;
    const ses = countingSes((_, call) =>
      call % 2 === 0 && call < 12
        ? Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'ThrottlingException' })
        : undefined,
    );
    const sender = createSender({ ...senderDeps(fixture, clock, ses.send), onThrottle: () => throttles++ });

    await drain(fixture.queue, [sender]);

    expect(throttles).toBe(6);
    expect([...ses.calls].sort()).toEqual([...fixture.emails].sort());
    expect(await getBroadcast(store(), fixture.projectId, fixture.broadcastId)).toMatchObject({
      status: 'sent',
      counts: { sent: 12, failed: 0 },
    });
  });

  it('counts unsubscribed and suppressed contacts without sending to them', async () => {
    const clock = manualClock();
    const fixture = await startedBroadcast(6, clock, { unsubscribed: 2, suppressed: 1 });
    const ses = countingSes();

    await drain(fixture.queue, [senderFor(fixture, clock, ses.send)]);

    expect([...ses.calls].sort()).toEqual(fixture.emails.slice(3).sort());
    expect(await getBroadcast(store(), fixture.projectId, fixture.broadcastId)).toMatchObject({
      status: 'sent',
      counts: { recipients: 6, sent: 3, unsubscribed: 2, suppressed: 1 },
    });
  });
});

describe('what a broadcast message leaves when it runs out of receives', () => {
  const MAX = 3;
  const ses5xx = () =>
    Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });

  it('settles a send SES kept failing `failed` / retries_exhausted on its last receive, and completes the broadcast', async () => {
    const clock = manualClock();
    const fixture = await startedBroadcast(3, clock);
    const refused = fixture.emails[1];
    const ses = countingSes((email) => (email.to[0] === refused ? ses5xx() : undefined));
    const sender = createSender({ ...senderDeps(fixture, clock, ses.send), maxReceives: MAX });

    await drain(fixture.queue, [sender]);

    expect([...ses.calls].sort()).toEqual(fixture.emails.filter((e) => e !== refused).sort());
    const failed = (await recipientsOf(fixture)).filter((r) => r.status !== 'sent');
    expect(failed).toMatchObject([{ email: refused, status: 'failed', failureReason: 'retries_exhausted' }]);
    expect(await findEmail(store(), fixture.projectId, failed[0]?.emailId ?? '')).toMatchObject({
      status: 'failed',
    });
    expect(await getBroadcast(store(), fixture.projectId, fixture.broadcastId)).toMatchObject({
      status: 'sent',
      pending: 0,
      counts: { recipients: 3, sent: 2, failed: 1 },
    });
  });

  it("fails the broadcast when a page cannot be read on its last receive, and settles that page's recipients canceled", async () => {
    // Arrange: SQS refuses the page's sends (fauxqs cannot fail on demand: a mocked client).
    const clock = manualClock();
    const fixture = await startedBroadcast(3, clock);
    const [page] = await receive(fixture.queue);
    const broken = new SQSClient({ region: 'us-east-1' });
    mockClient(broken).on(SendMessageBatchCommand).rejects(new Error('SQS is down'));
    const sender = createSender({
      ...senderDeps({ ...fixture, queue: { ...fixture.queue, sqs: broken } }, clock, countingSes().send),
      maxReceives: MAX,
    });
    const body = page?.Body ?? '';

    // Act: before its last receive it is retried; on it, given up.
    const early = await sender.process([{ body, receiveCount: MAX - 1 }]);
    const last = await sender.process([{ body, receiveCount: MAX }]);

    // Assert
    expect(early[0]).toMatchObject({ kind: 'retry' });
    expect(last[0]).toMatchObject({ kind: 'retry' });
    expect(await getBroadcast(store(), fixture.projectId, fixture.broadcastId)).toMatchObject({
      status: 'failed',
      failureReason: 'audience_unreadable',
      pending: 0,
      counts: { recipients: 3, sent: 0, skipped: 3 },
    });
    expect((await recipientsOf(fixture)).map((r) => r.status)).toEqual(['canceled', 'canceled', 'canceled']);
  });
});

describe('reading the audience', () => {
  it('retries a first page that runs before its broadcast has moved to sending, instead of dropping it', async () => {
    const clock = manualClock();
    const fixture = await startedBroadcast(2, clock, { start: false });
    const ses = countingSes();
    const sender = senderFor(fixture, clock, ses.send);
    const body = JSON.stringify({ kind: 'resolve', ...refOf(fixture), after: '', page: 0 });

    const before = await sender.process([{ body, receiveCount: 1 }]);
    await sendBroadcast(service(fixture, clock), authOf(fixture), fixture.broadcastId, {});
    const after = await sender.process([{ body, receiveCount: 2 }]);
    await drain(fixture.queue, [sender]);

    expect(before[0]).toMatchObject({ kind: 'retry' });
    expect(after[0]).toEqual({ kind: 'done' });
    expect([...ses.calls].sort()).toEqual([...fixture.emails].sort());
    expect(await getBroadcast(store(), fixture.projectId, fixture.broadcastId)).toMatchObject({
      status: 'sent',
      counts: { recipients: 2, sent: 2 },
    });
  });

  it('queues the next page before its sends; drops a copy of a page read, and re-queues its messages when it is received again', async () => {
    const clock = manualClock();
    const fixture = await startedBroadcast(AUDIENCE_PAGE + 1, clock);
    const ses = countingSes();
    const sender = senderFor(fixture, clock, ses.send);
    const [first] = await receive(fixture.queue);
    const body = first?.Body ?? '';
    await fixture.queue.sqs.send(
      new DeleteMessageCommand({ QueueUrl: fixture.queue.queueUrl, ReceiptHandle: first?.ReceiptHandle }),
    );

    const read = await sender.process([{ body, receiveCount: 1 }]);
    const next = (await receive(fixture.queue)).map((m) => JSON.parse(m.Body ?? '{}') as { kind: string });
    // A copy (SQS delivers at least once) is dropped; a redelivery (its reader died after moving
    // the position) queues the next page and the page's sends again.
    const copy = await sender.process([{ body, receiveCount: 1 }]);
    const redelivered = await sender.process([{ body, receiveCount: 2 }]);
    await drain(fixture.queue, [sender]);

    expect([read[0], copy[0], redelivered[0]]).toEqual([
      { kind: 'done' },
      { kind: 'done' },
      { kind: 'done' },
    ]);
    expect(next[0]).toMatchObject({ kind: 'resolve', page: 1 });
    expect(ses.calls).toHaveLength(AUDIENCE_PAGE + 1);
    expect(new Set(ses.calls).size).toBe(AUDIENCE_PAGE + 1);
    expect(await getBroadcast(store(), fixture.projectId, fixture.broadcastId)).toMatchObject({
      status: 'sent',
      resolvedPages: 2,
      counts: { recipients: AUDIENCE_PAGE + 1, sent: AUDIENCE_PAGE + 1 },
    });
  });
});

const refOf = (fixture: Fixture) => ({ projectId: fixture.projectId, broadcastId: fixture.broadcastId });
const authOf = (fixture: Fixture) => readAuthContext(authContextFor({ projectId: fixture.projectId }));
const service = (fixture: Fixture, clock: { now: () => Date }) => ({
  ...store(),
  now: clock.now,
  queue: fixture.queue,
});

function senderDeps(
  fixture: Fixture,
  clock: { now: () => Date },
  send: SenderDependencies['send'],
): SenderDependencies {
  return {
    documents: aws.documents,
    dataTable: aws.tables.data,
    now: clock.now,
    send,
    queue: fixture.queue,
    pacer: { take: async () => undefined },
    apiBaseUrl: 'https://api.example.com/',
    unsubscribeSecret: async () => Buffer.alloc(32, 7),
    isSuppressed: async () => false,
    claimLeaseMs: LEASE_MS,
    log: silentLog,
  };
}
