/**
 * Domain claims against DynamoDB Local and the local SES: a name, its parents and its subdomains
 * belong to one project even under racing creates, and a domain not verified within 72 hours lapses
 * — at the next create or verify, or by the sweep — freeing its name and its SES identity.
 */
import { GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { namesOverlap, VERIFICATION_WINDOW_MS } from '../../../../lambdas/domains/domain-claims.js';
import { sweepLapsedDomains } from '../../../../lambdas/domain-lapse/domain-lapse.js';
import { findClaim, findDomain, readFamily } from '../../../../lambdas/domains/domain-store.js';
import {
  createDomain,
  DOMAIN_TAKEN_MESSAGE,
  deleteDomain,
  type DomainsDependencies,
  verifyDomain,
} from '../../../../lambdas/domains/domains.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { outboxEvents } from '../../../support/outbox.js';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws();
});

const HOUR = 60 * 60 * 1000;
const hex = (bytes = 4) => randomBytes(bytes).toString('hex');
const unique = () => `claims-${hex(5)}.com`;
const project = (what: string) => `proj_${what}_${hex(3)}`;

/** A clock the test moves: every call reads `clock.now`. */
function clockAt(start: Date) {
  const clock = { now: start, advance: (ms: number) => (clock.now = new Date(clock.now.getTime() + ms)) };
  return clock;
}

const store = () => ({ documents: aws.documents, dataTable: aws.tables.data });
const deps = (now: () => Date = () => new Date()): DomainsDependencies => ({
  documents: aws.documents,
  dataTable: aws.tables.data,
  ses: aws.ses,
  region: 'us-east-1',
  now,
});
const sesHas = async (name: string) =>
  aws.ses.send(new GetEmailIdentityCommand({ EmailIdentity: name })).then(
    () => true,
    (error: unknown) => {
      if (error instanceof Error && error.name === 'NotFoundException') return false;
      throw error;
    },
  );
const eventsOf = (projectId: string) => outboxEvents(aws, projectId);

describe('overlapping names across projects', () => {
  it.each([
    ['the same name', '', ''],
    ['a subdomain of their name', '', 'mail.'],
    ['a parent of their name', 'mail.', ''],
    ['a deeper subdomain', 'a.', 'x.y.a.'],
  ])(
    '%s is 409 already_exists, naming neither their project nor their domain',
    async (_case, theirs, mine) => {
      const base = unique();
      const owner = project('owner');
      await createDomain(deps(), owner, `${theirs}${base}`);
      const refused = await createDomain(deps(), project('other'), `${mine}${base}`).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ApiError);
      // One message whoever holds what: it names no project and no domain.
      expect(refused).toMatchObject({ code: 'already_exists', message: DOMAIN_TAKEN_MESSAGE });
      expect(DOMAIN_TAKEN_MESSAGE).not.toContain(owner);
      expect(DOMAIN_TAKEN_MESSAGE).not.toContain(base);
    },
  );

  it('lets a project hold names above and below its own, and others hold siblings', async () => {
    const base = unique();
    const mine = project('mine');
    await createDomain(deps(), mine, `a.${base}`);
    await expect(createDomain(deps(), mine, base)).resolves.toMatchObject({ name: base });
    await expect(createDomain(deps(), mine, `x.a.${base}`)).resolves.toMatchObject({ name: `x.a.${base}` });
    const sibling = unique();
    await createDomain(deps(), mine, `a.${sibling}`);
    await expect(createDomain(deps(), project('theirs'), `b.${sibling}`)).resolves.toMatchObject({
      name: `b.${sibling}`,
    });
  });

  it('of projects racing for a parent and its subdomains, no two winners overlap', async () => {
    for (let round = 0; round < 3; round++) {
      const base = unique();
      const names = [base, `a.${base}`, `b.${base}`, `x.a.${base}`];
      const racers = names.map((name, index) => ({ name, projectId: project(`race${index}`) }));
      const results = await Promise.allSettled(
        racers.map(({ name, projectId }) => createDomain(deps(), projectId, name)),
      );
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'already_exists' });
      }
      const { claims } = await readFamily(store(), base);
      expect(claims.length).toBeGreaterThan(0);
      for (const a of claims) {
        for (const b of claims) {
          if (a !== b) expect(namesOverlap(a.name, b.name), `${a.name} and ${b.name}`).toBe(false);
        }
      }
    }
  });
});

describe('lapse after 72 hours unverified', () => {
  it('at create: the same name is free to another project, and the old domain fails with its event', async () => {
    const clock = clockAt(new Date(Date.now() - 80 * HOUR));
    const name = unique();
    const squatter = project('squatter');
    const claimed = await createDomain(
      deps(() => clock.now),
      squatter,
      name,
    );
    clock.advance(VERIFICATION_WINDOW_MS - 1);
    await expect(
      createDomain(
        deps(() => clock.now),
        project('early'),
        name,
      ),
    ).rejects.toMatchObject({
      code: 'already_exists',
    });
    clock.advance(1);

    const owner = project('owner');
    const taken = await createDomain(
      deps(() => clock.now),
      owner,
      name,
    );

    expect(await findClaim(store(), name)).toMatchObject({ projectId: owner, domainId: taken.id });
    expect(await findDomain(store(), squatter, claimed.id)).toMatchObject({
      status: 'failed',
      failureReason: 'verification_expired',
    });
    const events = await eventsOf(squatter);
    expect(events.map((event) => event.type)).toEqual(['domain.failed']);
    expect(events[0]?.data).toMatchObject({ id: claimed.id, failure_reason: 'verification_expired' });
    // The new owner's identity exists, and the lapsed domain's delete leaves it alone.
    expect(await sesHas(name)).toBe(true);
    await deleteDomain(
      deps(() => clock.now),
      squatter,
      claimed.id,
    );
    expect(await sesHas(name)).toBe(true);
    expect(await findClaim(store(), name)).toMatchObject({ projectId: owner });
  });

  it('a parent or subdomain of a lapsed name is free to another project', async () => {
    const clock = clockAt(new Date(Date.now() - 80 * HOUR));
    const base = unique();
    await createDomain(
      deps(() => clock.now),
      project('squatter'),
      `mail.${base}`,
    );
    clock.advance(VERIFICATION_WINDOW_MS);
    await expect(
      createDomain(
        deps(() => clock.now),
        project('owner'),
        base,
      ),
    ).resolves.toMatchObject({
      name: base,
    });
  });

  it('at verify: a domain past its window lapses instead of being read from SES', async () => {
    const clock = clockAt(new Date(Date.now() - 80 * HOUR));
    const name = unique();
    const owner = project('late');
    const created = await createDomain(
      deps(() => clock.now),
      owner,
      name,
    );
    clock.advance(VERIFICATION_WINDOW_MS);
    const verified = await verifyDomain(
      deps(() => clock.now),
      owner,
      created.id,
    );
    expect(verified).toMatchObject({ status: 'failed', failureReason: 'verification_expired' });
    expect(await sesHas(name)).toBe(false);
    expect(await findClaim(store(), name)).toBeUndefined();
  });

  it('a domain verified in time never lapses', async () => {
    const clock = clockAt(new Date(Date.now() - 200 * HOUR));
    const name = unique();
    const owner = project('prompt');
    const created = await createDomain(
      deps(() => clock.now),
      owner,
      name,
    );
    await verifyDomain(
      deps(() => clock.now),
      owner,
      created.id,
    );
    clock.advance(150 * HOUR);
    await expect(
      createDomain(
        deps(() => clock.now),
        project('later'),
        name,
      ),
    ).rejects.toMatchObject({
      code: 'already_exists',
    });
    expect(await findClaim(store(), name)).toMatchObject({
      projectId: owner,
      verifiedAt: expect.any(String),
    });
  });
});

describe('the lapse sweep', () => {
  it('lapses what is due, once, and leaves verified and young domains alone', async () => {
    // Far in the future, so the sweep meets only this test's due entries (and earlier tests' ones,
    // which it lapses or drops as well).
    const clock = clockAt(new Date(Date.now() + 1000 * 24 * HOUR));
    const sweep = () =>
      sweepLapsedDomains(
        deps(() => clock.now),
        1000,
      );
    await sweep();
    const stale = { projectId: project('stale'), name: unique() };
    const kept = { projectId: project('kept'), name: unique() };
    const staleDomain = await createDomain(
      deps(() => clock.now),
      stale.projectId,
      stale.name,
    );
    const keptDomain = await createDomain(
      deps(() => clock.now),
      kept.projectId,
      kept.name,
    );
    await verifyDomain(
      deps(() => clock.now),
      kept.projectId,
      keptDomain.id,
    );
    clock.advance(VERIFICATION_WINDOW_MS - 1000);
    const young = { projectId: project('young'), name: unique() };
    await createDomain(
      deps(() => clock.now),
      young.projectId,
      young.name,
    );

    expect((await sweep()).lapsed).toEqual([]);
    clock.advance(1000);
    const summary = await sweep();

    expect(summary).toMatchObject({ lapsed: [staleDomain.id], failed: [] });
    expect(await findDomain(store(), stale.projectId, staleDomain.id)).toMatchObject({
      status: 'failed',
      failureReason: 'verification_expired',
    });
    expect(await findClaim(store(), stale.name)).toBeUndefined();
    expect(await sesHas(stale.name)).toBe(false);
    expect((await eventsOf(stale.projectId)).map((event) => event.type)).toEqual(['domain.failed']);
    expect(await findClaim(store(), kept.name)).toMatchObject({ projectId: kept.projectId });
    expect(await findClaim(store(), young.name)).toMatchObject({ projectId: young.projectId });
    // Nothing is lapsed twice, and no second event fires.
    expect((await sweep()).lapsed).toEqual([]);
    expect(await eventsOf(stale.projectId)).toHaveLength(1);
  });
});
