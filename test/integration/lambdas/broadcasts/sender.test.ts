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
  type Message,
} from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact } from '../../../../lambdas/audience/contacts.js';
import { addListContact, createList } from '../../../../lambdas/audience/lists.js';
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
  extra: { unsubscribed?: number; suppressed?: number } = {},
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
  await sendBroadcast(service, auth, broadcast.id, {});
  return { projectId, broadcastId: broadcast.id, queue, emails };
}

function senderFor(
  fixture: Fixture,
  clock: { now: () => Date },
  send: SenderDependencies['send'],
  pacer = { take: async () => undefined },
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
    // Its pacing wait comes after the claim and the email record: the sender dies there.
    let diedAfterClaim: () => void = () => undefined;
    const died = new Promise<void>((resolve) => (diedAfterClaim = resolve));
    const dying = senderFor(fixture, clock, ses.send, {
      take: () => {
        diedAfterClaim();
        return new Promise<never>(() => undefined);
      },
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
