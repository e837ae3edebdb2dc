/**
 * The one-off migration of older versions' domain-name claims (`DOMAIN_NAME#<name>` items) into the
 * family layout, against DynamoDB Local: a legacy claim blocks the same name, its parents and its
 * subdomains for every other project again; it runs once (idempotent) and stops at its deadline.
 * Each test has tables of its own, so no test sees another's records.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { migrateLegacyDomainClaims } from '../../../../lambdas/cleanup/domain-claims-migration.js';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { claimKey, findClaim, lapseDueKey } from '../../../../lambdas/domains/domain-store.js';
import { createDomain, type DomainsDependencies } from '../../../../lambdas/domains/domains.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';

const hex = (bytes = 4) => randomBytes(bytes).toString('hex');
const NOW = new Date('2026-12-07T12:00:00.000Z');
const run = { now: () => NOW.getTime(), deadline: NOW.getTime() + 60_000 };

const deps = (aws: TestAws): DomainsDependencies => ({
  documents: aws.documents,
  dataTable: aws.tables.data,
  ses: aws.ses,
  region: 'us-east-1',
  now: () => NOW,
});
const store = (aws: TestAws) => ({ documents: aws.documents, dataTable: aws.tables.data });

interface Legacy {
  readonly name: string;
  readonly projectId: string;
  readonly domainId: string;
}

/** A domain and its uniqueness record as the version before the family layout wrote them. */
async function legacyDomain(
  aws: TestAws,
  status: 'verified' | 'pending',
  options: { withDomain?: boolean; createdAt?: string } = {},
): Promise<Legacy> {
  const legacy = { name: `legacy-${hex()}.com`, projectId: `proj_old_${hex(3)}`, domainId: `dom_${hex(8)}` };
  const createdAt = options.createdAt ?? '2026-01-01T00:00:00.000Z';
  const put = (Item: Record<string, unknown>) =>
    aws.documents.send(new PutCommand({ TableName: aws.tables.data, Item }));
  if (options.withDomain ?? true) {
    await put({
      pk: `PROJECT#${legacy.projectId}`,
      sk: `DOMAIN#${legacy.domainId}`,
      id: legacy.domainId,
      projectId: legacy.projectId,
      name: legacy.name,
      status,
      dkimTokens: [],
      createdAt,
      updatedAt: createdAt,
      ...(status === 'verified' ? { verifiedAt: '2026-01-02T00:00:00.000Z' } : {}),
    });
  }
  await put({
    pk: `DOMAIN_NAME#${legacy.name}`,
    sk: 'DOMAIN_NAME',
    projectId: legacy.projectId,
    domainId: legacy.domainId,
  });
  return legacy;
}

async function legacyRecordExists(aws: TestAws, name: string): Promise<boolean> {
  const { Item } = await aws.documents.send(
    new GetCommand({
      TableName: aws.tables.data,
      Key: { pk: `DOMAIN_NAME#${name}`, sk: 'DOMAIN_NAME' },
      ConsistentRead: true,
    }),
  );
  return Item !== undefined;
}

async function createOutcome(aws: TestAws, projectId: string, name: string): Promise<string> {
  return createDomain(deps(aws), projectId, name).then(
    () => 'created',
    (error: unknown) => (error instanceof ApiError ? error.code : String(error)),
  );
}

describe('migrateLegacyDomainClaims', () => {
  it("a legacy verified claim blocks another project's same name, parent's subdomain and subdomain again", async () => {
    const aws = await createTestAws();
    const legacy = await legacyDomain(aws, 'verified');

    const summary = await migrateLegacyDomainClaims(store(aws), run);

    expect(summary).toEqual({ scanned: 1, migrated: 1, alreadyClaimed: 0, withoutDomain: 0, complete: true });
    expect(await findClaim(store(aws), legacy.name)).toEqual({
      name: legacy.name,
      projectId: legacy.projectId,
      domainId: legacy.domainId,
      createdAt: '2026-01-01T00:00:00.000Z',
      verifiedAt: '2026-01-02T00:00:00.000Z',
    });
    expect(await legacyRecordExists(aws, legacy.name)).toBe(false);
    const other = `proj_new_${hex(3)}`;
    expect(await createOutcome(aws, other, `mail.${legacy.name}`)).toBe('already_exists');
    expect(await createOutcome(aws, other, legacy.name)).toBe('already_exists');
    // The same project may still add a subdomain of its own name.
    expect(await createOutcome(aws, legacy.projectId, `mail.${legacy.name}`)).toBe('created');
  });

  it('a legacy pending claim keeps its create time and gets the lapse entry new domains get', async () => {
    const aws = await createTestAws();
    const createdAt = new Date(NOW.getTime() - 60 * 60 * 1000).toISOString();
    const legacy = await legacyDomain(aws, 'pending', { createdAt });

    await migrateLegacyDomainClaims(store(aws), run);

    const claim = await findClaim(store(aws), legacy.name);
    expect(claim).toMatchObject({ createdAt, projectId: legacy.projectId });
    expect(claim?.verifiedAt).toBeUndefined();
    const { Item } = await aws.documents.send(
      new GetCommand({
        TableName: aws.tables.data,
        Key: lapseDueKey({ id: legacy.domainId, createdAt }),
        ConsistentRead: true,
      }),
    );
    expect(Item).toMatchObject({ projectId: legacy.projectId, domainId: legacy.domainId });
    expect(await createOutcome(aws, `proj_new_${hex(3)}`, `mail.${legacy.name}`)).toBe('already_exists');
  });

  it('a claim the name already has in the new layout stands; the legacy record goes', async () => {
    const aws = await createTestAws();
    const legacy = await legacyDomain(aws, 'verified');
    const holder = `proj_holder_${hex(3)}`;
    await aws.documents.send(
      new PutCommand({
        TableName: aws.tables.data,
        Item: {
          ...claimKey(legacy.name),
          name: legacy.name,
          projectId: holder,
          domainId: 'dom_holder',
          createdAt: '2026-06-01T00:00:00.000Z',
        },
      }),
    );

    const summary = await migrateLegacyDomainClaims(store(aws), run);

    expect(summary).toMatchObject({ scanned: 1, migrated: 0, alreadyClaimed: 1 });
    expect(await findClaim(store(aws), legacy.name)).toMatchObject({
      projectId: holder,
      domainId: 'dom_holder',
    });
    expect(await legacyRecordExists(aws, legacy.name)).toBe(false);
  });

  it('a legacy record whose domain is gone becomes a claim that never lapses (fail closed)', async () => {
    const aws = await createTestAws();
    const legacy = await legacyDomain(aws, 'verified', { withDomain: false });

    const summary = await migrateLegacyDomainClaims(store(aws), run);

    expect(summary).toMatchObject({ migrated: 1, withoutDomain: 1 });
    expect(await findClaim(store(aws), legacy.name)).toEqual({
      name: legacy.name,
      projectId: legacy.projectId,
      domainId: legacy.domainId,
      createdAt: '',
    });
    expect(await createOutcome(aws, `proj_new_${hex(3)}`, legacy.name)).toBe('already_exists');
  });

  it('is idempotent: a second run finds nothing and changes nothing', async () => {
    const aws = await createTestAws();
    const legacy = await legacyDomain(aws, 'verified');
    await migrateLegacyDomainClaims(store(aws), run);
    const claim = await findClaim(store(aws), legacy.name);

    expect(await migrateLegacyDomainClaims(store(aws), run)).toEqual({
      scanned: 0,
      migrated: 0,
      alreadyClaimed: 0,
      withoutDomain: 0,
      complete: true,
    });
    expect(await findClaim(store(aws), legacy.name)).toEqual(claim);
  });

  it('is bounded: past its deadline it starts no page and says it is incomplete', async () => {
    const aws = await createTestAws();
    const legacy = await legacyDomain(aws, 'verified');

    const summary = await migrateLegacyDomainClaims(store(aws), { now: run.now, deadline: run.now() });

    expect(summary).toMatchObject({ scanned: 0, complete: false });
    expect(await legacyRecordExists(aws, legacy.name)).toBe(true);
    // Pages of one record each: every page is one Scan call, the whole table is still covered.
    const paged = await migrateLegacyDomainClaims(store(aws), { ...run, pageSize: 1 });
    expect(paged).toMatchObject({ scanned: 1, migrated: 1, complete: true });
  });
});
