/**
 * Scheduled emails against DynamoDB Local with an injected clock: due vs not due, exactly once with
 * two sweepers racing, a crash between claim and send (unknown_outcome, never a second send), the
 * send-time re-checks (revoked or expired key, unverified domain), moves and cancels, and a backlog
 * drained over successive runs. SES is a recording fake: what matters here is how often it is called.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuthContext } from '../../../../lambdas/keys/auth-context.js';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { projectPartition } from '../../../../lambdas/aws/tables.js';
import { cancelEmail, rescheduleEmail } from '../../../../lambdas/sending/schedule.js';
import { CLAIM_LOCK_MS } from '../../../../lambdas/sending/scheduled-state.js';
import { claimScheduledEmail } from '../../../../lambdas/sending/scheduled-store.js';
import { type SweepDependencies, sweepScheduledEmails } from '../../../../lambdas/scheduler/sweep.js';
import { findEmail } from '../../../../lambdas/sending/email-store.js';
import { type SendingDependencies, sendEmail } from '../../../../lambdas/sending/emails.js';
import type { OutgoingEmail } from '../../../../lambdas/sending/ses-sender.js';
import { fixtureDomainOf, seedVerifiedDomain } from '../../../support/domains.js';
import { testKey } from '../../../support/keys.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { outboxEvents } from '../../../support/outbox.js';

let aws: TestAws;
// Tables of its own per test: the sweep's cursor is stack-wide, and each test's clock starts at T0.
beforeEach(async () => {
  aws = await createTestAws();
});

const store = () => ({ documents: aws.documents, dataTable: aws.tables.data });
const T0 = new Date('2026-12-07T10:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

interface Project {
  readonly auth: AuthContext;
  readonly domain: string;
  readonly domainId: string;
}

async function newProject(keyItem: Record<string, unknown> = {}): Promise<Project> {
  const projectId = `proj_sched_${randomBytes(4).toString('hex')}`;
  const domain = fixtureDomainOf(projectId);
  const domainId = await seedVerifiedDomain(
    { documents: aws.documents, dataTable: aws.tables.data },
    projectId,
    domain,
  );
  const { item } = testKey({ teamId: 'team_sched', projectId, ...keyItem }, 'test');
  await aws.documents.send(new PutCommand({ TableName: aws.tables.apiKeys, Item: item }));
  const auth: AuthContext = {
    keyId: String(item.keyId),
    teamId: 'team_sched',
    projectId,
    keyType: 'general',
    permission: 'full_access',
    scopes: [],
    allowedDomains: undefined,
    rateLimitPerSecond: undefined,
    secret: 'current',
  };
  return { auth, domain, domainId };
}

/** A fake SES that records every call; `behaviour` decides each answer. */
function recordingSes(
  behaviour: (email: OutgoingEmail) => Promise<string> = async () => `msg-${randomBytes(6).toString('hex')}`,
) {
  const calls: OutgoingEmail[] = [];
  return {
    calls,
    send: async (email: OutgoingEmail) => {
      calls.push(email);
      return behaviour(email);
    },
  };
}

function sendingDeps(now: () => Date): SendingDependencies {
  return {
    documents: aws.documents,
    dataTable: aws.tables.data,
    now,
    send: () => Promise.reject(new Error('not at once')),
  };
}

function sweeper(
  now: () => Date,
  send: SweepDependencies['send'],
  claimant = `sweeper-${randomBytes(3).toString('hex')}`,
) {
  const deps: SweepDependencies = {
    documents: aws.documents,
    dataTable: aws.tables.data,
    apiKeysTable: aws.tables.apiKeys,
    send,
    now,
    claimant,
  };
  return (options: { maxEmails?: number } = {}) =>
    sweepScheduledEmails(deps, { deadline: Date.now() + 30_000, ...options });
}

async function schedule(project: Project, when: string, at = T0, subject = 'Later'): Promise<string> {
  const result = await sendEmail(
    sendingDeps(() => at),
    project.auth,
    {
      from: `news@${project.domain}`,
      to: ['someone@example.org'],
      subject,
      text: 'Hello later',
      scheduled_at: when,
    },
  );
  return result.id;
}

const statusOf = async (project: Project, id: string) =>
  (await findEmail(store(), project.auth.projectId, id))?.status;

async function eventTypes(project: Project): Promise<string[]> {
  return (await outboxEvents(aws, project.auth.projectId)).map((item) => item.type);
}

describe('scheduling and sweeping', () => {
  it('stores a scheduled email with its time and event, sends nothing before it is due, then sends it once', async () => {
    const project = await newProject();
    const id = await schedule(project, 'in 5 minutes');
    const stored = await findEmail(store(), project.auth.projectId, id);
    expect(stored).toMatchObject({ status: 'scheduled', scheduledAt: minutes(5).toISOString() });
    expect(await eventTypes(project)).toEqual(['email.scheduled']);

    const ses = recordingSes();
    await sweeper(() => minutes(4.9), ses.send)();
    expect(ses.calls).toHaveLength(0);

    const summary = await sweeper(() => minutes(5), ses.send)();
    expect(summary.sent).toContain(id);
    expect(ses.calls.map((call) => call.subject)).toEqual(['Later']);
    expect(ses.calls[0]).toMatchObject({ text: 'Hello later', to: ['someone@example.org'] });
    expect(await findEmail(store(), project.auth.projectId, id)).toMatchObject({
      status: 'sent',
      sesMessageId: expect.any(String),
    });

    await sweeper(() => minutes(6), ses.send)();
    await sweeper(() => minutes(60), ses.send)();
    expect(ses.calls).toHaveLength(1);
  });

  it('sends each email exactly once when two sweepers race over the same due minute', async () => {
    const project = await newProject();
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, i) => schedule(project, 'in 3 minutes', T0, `race ${i}`)),
    );
    const ses = recordingSes(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return `msg-${randomBytes(6).toString('hex')}`;
    });
    const [a, b] = await Promise.all([
      sweeper(() => minutes(4), ses.send, 'a')(),
      sweeper(() => minutes(4), ses.send, 'b')(),
    ]);
    expect([...a.sent, ...b.sent].sort()).toEqual([...ids].sort());
    expect(ses.calls.map((call) => call.subject).sort()).toEqual(ids.map((_, i) => `race ${i}`).sort());
    for (const id of ids) expect(await statusOf(project, id)).toBe('sent');
  });

  it('marks a claim whose sender died unknown_outcome after the lock, and never sends it again', async () => {
    const project = await newProject();
    const id = await schedule(project, 'in 2 minutes');
    const email = await findEmail(store(), project.auth.projectId, id);
    if (!email?.scheduledAt) throw new Error('not stored as scheduled');
    // A sweeper claims it at +2 min, then dies before (or while) calling SES.
    expect(
      await claimScheduledEmail(
        store(),
        { ...email, scheduledAt: email.scheduledAt },
        'dead-sweeper',
        minutes(2),
      ),
    ).toBe(true);

    const ses = recordingSes();
    const early = await sweeper(() => minutes(3), ses.send)();
    expect(early.pending).toBeGreaterThan(0);
    expect(await statusOf(project, id)).toBe('sending');

    const late = await sweeper(() => new Date(minutes(2).getTime() + CLAIM_LOCK_MS), ses.send)();
    expect(late.failed).toContain(id);
    expect(await findEmail(store(), project.auth.projectId, id)).toMatchObject({
      status: 'failed',
      failureReason: 'unknown_outcome',
    });
    await sweeper(() => minutes(30), ses.send)();
    expect(ses.calls).toHaveLength(0);
  });

  it('marks an email whose SES call ended without an answer unknown_outcome at once, and never retries it', async () => {
    const project = await newProject();
    const id = await schedule(project, 'in 2 minutes');
    const ses = recordingSes(() =>
      Promise.reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })),
    );
    await sweeper(() => minutes(3), ses.send)();
    await sweeper(() => minutes(10), ses.send)();
    expect(ses.calls).toHaveLength(1);
    expect(await findEmail(store(), project.auth.projectId, id)).toMatchObject({
      status: 'failed',
      failureReason: 'unknown_outcome',
    });
  });

  it('gives a throttled email back to the next run, which sends it', async () => {
    const project = await newProject();
    const id = await schedule(project, 'in 2 minutes');
    let throttled = true;
    const ses = recordingSes(async () => {
      if (throttled) throw new ApiError('rate_limited');
      return 'msg-after-throttle';
    });
    await sweeper(() => minutes(3), ses.send)();
    expect(await statusOf(project, id)).toBe('scheduled');
    throttled = false;
    await sweeper(() => minutes(4), ses.send)();
    expect(await findEmail(store(), project.auth.projectId, id)).toMatchObject({
      status: 'sent',
      sesMessageId: 'msg-after-throttle',
    });
    expect(ses.calls).toHaveLength(2);
  });
});

describe('the re-check at send time', () => {
  it.each([
    ['a revoked key', 'key_revoked', { revokedAt: minutes(1).toISOString() }],
    ['an expired key', 'key_expired', { expiresAt: minutes(2).toISOString() }],
    ['a deleted key', 'key_revoked', null],
  ] as const)('cancels an email whose scheduling key is %s by then', async (_name, reason, change) => {
    const project = await newProject();
    const id = await schedule(project, 'in 5 minutes');
    if (change === null) {
      await aws.documents.send(
        new UpdateCommand({
          TableName: aws.tables.apiKeys,
          Key: { keyId: project.auth.keyId },
          UpdateExpression: 'REMOVE teamId',
        }),
      );
      const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
      await aws.documents.send(
        new DeleteCommand({ TableName: aws.tables.apiKeys, Key: { keyId: project.auth.keyId } }),
      );
    } else {
      const [[name, value]] = Object.entries(change) as [[string, string]];
      await aws.documents.send(
        new UpdateCommand({
          TableName: aws.tables.apiKeys,
          Key: { keyId: project.auth.keyId },
          UpdateExpression: 'SET #n = :v',
          ExpressionAttributeNames: { '#n': name },
          ExpressionAttributeValues: { ':v': value },
        }),
      );
    }
    const ses = recordingSes();
    const summary = await sweeper(() => minutes(6), ses.send)();
    expect(summary.canceled).toContain(id);
    expect(ses.calls).toHaveLength(0);
    expect(await findEmail(store(), project.auth.projectId, id)).toMatchObject({
      status: 'canceled',
      failureReason: reason,
    });
    expect(await eventTypes(project)).toEqual(['email.scheduled', 'email.canceled']);
  });

  it('cancels an email whose domain is no longer verified', async () => {
    const project = await newProject();
    const id = await schedule(project, 'in 5 minutes');
    await aws.documents.send(
      new UpdateCommand({
        TableName: aws.tables.data,
        Key: { pk: projectPartition(project.auth.projectId), sk: `DOMAIN#${project.domainId}` },
        UpdateExpression: 'SET #s = :failed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed' },
      }),
    );
    const ses = recordingSes();
    await sweeper(() => minutes(6), ses.send)();
    expect(ses.calls).toHaveLength(0);
    expect(await findEmail(store(), project.auth.projectId, id)).toMatchObject({
      status: 'canceled',
      failureReason: 'domain_not_verified',
    });
  });
});

describe('moving and canceling', () => {
  it('moves a scheduled email: not sent at its old time, sent at its new one', async () => {
    const project = await newProject();
    const id = await schedule(project, 'in 5 minutes');
    const moved = await rescheduleEmail(
      sendingDeps(() => minutes(1)),
      project.auth,
      id,
      'in 20 minutes',
    );
    expect(moved.scheduledAt).toBe(minutes(21).toISOString());
    const ses = recordingSes();
    await sweeper(() => minutes(6), ses.send)();
    expect(ses.calls).toHaveLength(0);
    await sweeper(() => minutes(21), ses.send)();
    expect(ses.calls).toHaveLength(1);
    await expect(
      rescheduleEmail(
        sendingDeps(() => minutes(22)),
        project.auth,
        id,
        'in 5 minutes',
      ),
    ).rejects.toMatchObject({
      code: 'invalid_state',
    });
  });

  it('cancels a scheduled email once (then 409 invalid_state) and never sends it', async () => {
    const project = await newProject();
    const id = await schedule(project, 'in 5 minutes');
    const canceled = await cancelEmail(
      sendingDeps(() => minutes(1)),
      project.auth,
      id,
    );
    expect(canceled.status).toBe('canceled');
    await expect(
      cancelEmail(
        sendingDeps(() => minutes(2)),
        project.auth,
        id,
      ),
    ).rejects.toMatchObject({ code: 'invalid_state' });
    const ses = recordingSes();
    await sweeper(() => minutes(10), ses.send)();
    expect(ses.calls).toHaveLength(0);
    expect(await eventTypes(project)).toEqual(['email.scheduled', 'email.canceled']);
  });

  it("answers 404 for another project's email", async () => {
    const [owner, other] = [await newProject(), await newProject()];
    const id = await schedule(owner, 'in 5 minutes');
    await expect(
      cancelEmail(
        sendingDeps(() => minutes(1)),
        other.auth,
        id,
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('a backlog', () => {
  it('drains over successive bounded runs, oldest first, and the cursor then passes it', async () => {
    const project = await newProject();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await schedule(project, `in ${i + 1} minutes`, minutes(100)));
    const ses = recordingSes();
    await sweeper(() => minutes(100), ses.send)();
    // Then the stack was down for a day: each run is held to 2 emails.
    const run = sweeper(() => minutes(100 + 24 * 60), ses.send);
    const first = await run({ maxEmails: 2 });
    expect(first.sent).toHaveLength(2);
    await run({ maxEmails: 2 });
    const third = await run({ maxEmails: 2 });
    expect(ses.calls).toHaveLength(5);
    expect(third.cursor >= minutes(106).toISOString().slice(0, 16)).toBe(true);
  });
});
