/**
 * Rate-limit windows and monthly caps against DynamoDB Local: the conditional writes admit exactly
 * the limit under concurrency, a cap is never overshot, and usage adds up per project.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../../lambdas/aws/aws-clients.js';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { billingPartition } from '../../../../lambdas/shared/quota.js';
import {
  putTeamLimits,
  type QuotaStore,
  readTeamLimits,
  readTeamUsage,
  releaseSends,
  reserveSends,
} from '../../../../lambdas/shared/quota-store.js';
import { takeRateToken } from '../../../../lambdas/http/rate-limiter.js';
import { readAuthContext } from '../../../../lambdas/keys/read-auth-context.js';
import { sendEmailBatch } from '../../../../lambdas/sending/batch.js';
import { sendEmail } from '../../../../lambdas/sending/emails.js';
import { localDynamoTarget } from '../../../../local/services.js';
import { fixtureDomainOf, seedVerifiedDomain } from '../../../support/domains.js';
import { authContextFor } from '../../../support/events.js';
import { createTestAws } from '../../../support/local-aws.js';

let store: QuotaStore;
beforeAll(async () => {
  const aws = await createTestAws();
  // Without the services' 3 s deadline: thirty concurrent writes to one Java process on a busy test
  // machine may take longer, and a timed-out write is neither admitted nor refused.
  // One attempt each, so a write is counted once or refused, never sent twice.
  const patient = createDocumentClient(localDynamoTarget(inject('dynamoEndpoint')), {
    connectionTimeoutMs: 5_000,
    requestTimeoutMs: 30_000,
    maxAttempts: 1,
    deadlineMs: 30_000,
  });
  store = { documents: patient, dataTable: aws.tables.data };
});

let counter = 0;
/** A team (or key) of its own per test, so no test sees another's counters. */
const fresh = (prefix: string) => `${prefix}${++counter}_${Date.now()}`;
const NOW = new Date('2026-11-24T14:30:00.000Z');
const send = (teamId: string, projectId = 'proj_a', count = 1) =>
  reserveSends(store, { teamId, projectId, channel: 'email', count, now: NOW });
const outcomes = async (attempts: Promise<unknown>[]) => {
  const settled = await Promise.allSettled(attempts);
  const refused = settled.filter((outcome) => outcome.status === 'rejected');
  for (const outcome of refused) {
    expect(outcome.reason).toBeInstanceOf(ApiError);
    expect((outcome.reason as ApiError).code).toBe('quota_exceeded');
  }
  return { admitted: settled.length - refused.length, refused: refused.length };
};

describe('monthly caps', () => {
  it('cap 10, 30 concurrent sends: exactly 10 are counted, the others refused, none overshoots', async () => {
    const teamId = fresh('team_cap');
    await putTeamLimits(store, teamId, { email: 10 }, NOW);
    const result = await outcomes(Array.from({ length: 30 }, (_, i) => send(teamId, `proj_${i % 3}`)));
    expect(result).toEqual({ admitted: 10, refused: 20 });
    expect((await readTeamUsage(store, teamId, '2026-11')).total.email).toBe(10);
  });

  it('concurrent batches of mixed sizes at the cap never pass it', async () => {
    const teamId = fresh('team_batch');
    await putTeamLimits(store, teamId, { email: 25 }, NOW);
    const sizes = [7, 7, 7, 7, 3, 3, 1, 1, 1, 10];
    const settled = await Promise.allSettled(sizes.map((size) => send(teamId, 'proj_a', size)));
    const used = (await readTeamUsage(store, teamId, '2026-11')).total.email;
    const admitted = sizes.filter((_, i) => settled[i]?.status === 'fulfilled');
    expect(used).toBe(admitted.reduce((sum, size) => sum + size, 0));
    expect(used).toBeLessThanOrEqual(25);
    // Each refused batch could not have fitted (counters only grow, so not at the end either).
    for (const size of sizes.filter((_, i) => settled[i]?.status === 'rejected')) {
      expect(used + size).toBeGreaterThan(25);
    }
  });

  it('a batch larger than what is left is refused whole, and counts nothing', async () => {
    const teamId = fresh('team_whole');
    await putTeamLimits(store, teamId, { email: 5 }, NOW);
    await send(teamId, 'proj_a', 3);
    await expect(send(teamId, 'proj_a', 3)).rejects.toMatchObject({ code: 'quota_exceeded' });
    await expect(send(teamId, 'proj_a', 6)).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect((await readTeamUsage(store, teamId, '2026-11')).total.email).toBe(3);
    await send(teamId, 'proj_a', 2);
    expect((await readTeamUsage(store, teamId, '2026-11')).total.email).toBe(5);
  });

  it('counts per project and channel, totals per team, and gives back what was released', async () => {
    const teamId = fresh('team_usage');
    const first = await send(teamId, 'proj_a', 4);
    await send(teamId, 'proj_b', 2);
    await reserveSends(store, { teamId, projectId: 'proj_b', channel: 'sms', count: 1, now: NOW });
    await releaseSends(store, first, 1);
    expect(await readTeamUsage(store, teamId, '2026-11')).toEqual({
      month: '2026-11',
      projects: [
        { projectId: 'proj_a', counts: { email: 3, sms: 0, whatsapp: 0 } },
        { projectId: 'proj_b', counts: { email: 2, sms: 1, whatsapp: 0 } },
      ],
      total: { email: 5, sms: 1, whatsapp: 0 },
    });
    // Another month starts from nothing.
    expect((await readTeamUsage(store, teamId, '2026-12')).total).toEqual({ email: 0, sms: 0, whatsapp: 0 });
  });

  it('a changed cap applies to the very next send, lowered below the count or raised', async () => {
    const teamId = fresh('team_change');
    await putTeamLimits(store, teamId, { email: 5 }, NOW);
    await send(teamId, 'proj_a', 4);
    await putTeamLimits(store, teamId, { email: 2 }, NOW);
    await expect(send(teamId)).rejects.toMatchObject({ code: 'quota_exceeded' });
    await putTeamLimits(store, teamId, { email: 6 }, NOW);
    await send(teamId, 'proj_a', 2);
    await expect(send(teamId)).rejects.toMatchObject({ code: 'quota_exceeded' });
    // PUT replaces: leaving email out removes its cap.
    await putTeamLimits(store, teamId, { sms: 1 }, NOW);
    expect(await readTeamLimits(store, teamId)).toEqual({ sms: 1 });
    await send(teamId, 'proj_a', 100);
  });

  it('a cap only holds its own channel', async () => {
    const teamId = fresh('team_channel');
    await putTeamLimits(store, teamId, { sms: 0 }, NOW);
    await send(teamId);
    await expect(
      reserveSends(store, { teamId, projectId: 'proj_a', channel: 'sms', count: 1, now: NOW }),
    ).rejects.toMatchObject({ code: 'quota_exceeded' });
  });

  it('a hand-edited cap that cannot be read stops sending on that channel rather than lifting it', async () => {
    const teamId = fresh('team_edit');
    await store.documents.send(
      new PutCommand({
        TableName: store.dataTable,
        Item: { pk: billingPartition(teamId), sk: 'LIMITS', email: 'lots', sms: '3' },
      }),
    );
    const unreadable: string[] = [];
    expect(await readTeamLimits(store, teamId, (channel) => unreadable.push(channel))).toEqual({
      email: 0,
      sms: 3,
    });
    expect(unreadable).toEqual(['email']);
    await expect(send(teamId)).rejects.toMatchObject({ code: 'quota_exceeded' });
  });
});

describe('rate-limit windows', () => {
  it('limit 2, five concurrent requests in one second: exactly 2 admitted; the next second admits again', async () => {
    const keyId = fresh('KEY');
    let now = new Date('2026-11-24T14:30:00.100Z');
    const limiter = { ...store, now: () => now };
    const decisions = await Promise.all(Array.from({ length: 5 }, () => takeRateToken(limiter, keyId, 2)));
    expect(decisions.filter((decision) => decision.admitted)).toHaveLength(2);
    expect(decisions.filter((decision) => !decision.admitted)).toEqual(
      Array.from({ length: 3 }, () => ({ admitted: false, retryAfterSeconds: 1 })),
    );
    now = new Date('2026-11-24T14:30:01.000Z');
    expect(await takeRateToken(limiter, keyId, 2)).toEqual({ admitted: true });
  });

  it('the window item carries a TTL a minute out', async () => {
    const keyId = fresh('KEY');
    const limiter = { ...store, now: () => new Date(10_500) };
    await takeRateToken(limiter, keyId, 1);
    const { Item } = await store.documents.send(
      new GetCommand({ TableName: store.dataTable, Key: { pk: `RATE#${keyId}`, sk: '10' } }),
    );
    expect(Item).toMatchObject({ count: 1, ttl: 70 });
  });
});

describe('sending counts against the cap', () => {
  const email = (subject: string, domain: string) => ({
    from: `a@${domain}`,
    to: ['b@example.com'],
    subject,
    text: 'x',
  });
  async function sender(outcomes: readonly ('ok' | 'refused')[]) {
    const teamId = fresh('team_send');
    const projectId = fresh('proj_send');
    const domain = fixtureDomainOf(projectId);
    await seedVerifiedDomain(store, projectId, domain);
    let call = 0;
    const deps = {
      ...store,
      now: () => NOW,
      send: async () => {
        // What sesSender throws for a rejection SES gives.
        if (outcomes[call++] === 'refused') throw new ApiError('email_rejected');
        return `ses-${call}`;
      },
    };
    const auth = readAuthContext(authContextFor({ projectId, teamId }));
    const used = async () => (await readTeamUsage(store, teamId, '2026-11')).total.email;
    return { deps, auth, domain, teamId, used };
  }

  it('an email SES refuses is given back; one it accepts stays counted', async () => {
    const { deps, auth, domain, used } = await sender(['refused', 'ok']);
    await expect(sendEmail(deps, auth, email('one', domain))).rejects.toMatchObject({
      code: 'email_rejected',
    });
    expect(await used()).toBe(0);
    await sendEmail(deps, auth, email('two', domain));
    expect(await used()).toBe(1);
  });

  it('a batch that stops part-way keeps only the emails it sent counted', async () => {
    const { deps, auth, domain, used } = await sender(['ok', 'refused', 'ok']);
    await expect(
      sendEmailBatch(deps, auth, [email('b0', domain), email('b1', domain), email('b2', domain)]),
    ).rejects.toMatchObject({ code: 'email_rejected' });
    expect(await used()).toBe(1);
  });

  it('a batch over the cap sends nothing and counts nothing', async () => {
    const { deps, auth, domain, teamId, used } = await sender(['ok', 'ok']);
    await putTeamLimits(store, teamId, { email: 1 }, NOW);
    await expect(
      sendEmailBatch(deps, auth, [email('c0', domain), email('c1', domain)]),
    ).rejects.toMatchObject({
      code: 'quota_exceeded',
    });
    expect(await used()).toBe(0);
  });
});
