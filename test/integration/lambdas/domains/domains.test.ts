/**
 * Domains against DynamoDB Local and the local SES identity stand-in: a name belongs to exactly one
 * project even under racing creates, failures half-way leave nothing that blocks a retry, and a
 * status change fires its event once.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteEmailIdentityCommand, GetEmailIdentityCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSesClient } from '../../../../lambdas/aws/aws-clients.js';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { claimKey } from '../../../../lambdas/domains/domain-store.js';
import {
  createDomain,
  deleteDomain,
  type DomainsDependencies,
  verifyDomain,
} from '../../../../lambdas/domains/domains.js';
import { localTarget } from '../../../../local/config.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { outboxEvents } from '../../../support/outbox.js';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws();
});

const unique = (suffix = 'com') => `dom-${randomBytes(5).toString('hex')}.${suffix}`;
const deps = (overrides: Partial<DomainsDependencies> = {}): DomainsDependencies => ({
  documents: aws.documents,
  dataTable: aws.tables.data,
  ses: aws.ses,
  region: 'us-east-1',
  now: () => new Date(),
  allowInvalidTld: true,
  ...overrides,
});

/** The real local SES, except that the first call of the command named `failing` fails with `name`. */
function sesFailingOnce(failing: string, name: string): SESv2Client {
  const client = createSesClient(localTarget(aws.sesEndpoint));
  let failed = false;
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (!failed && context.commandName === failing) {
        failed = true;
        return Promise.reject(Object.assign(new Error('injected'), { name }));
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  return client;
}

const nameRecord = async (name: string) =>
  (await aws.documents.send(new GetCommand({ TableName: aws.tables.data, Key: claimKey(name) }))).Item;
const sesHas = async (name: string) =>
  aws.ses.send(new GetEmailIdentityCommand({ EmailIdentity: name })).then(
    () => true,
    (error: unknown) => {
      if (error instanceof Error && error.name === 'NotFoundException') return false;
      throw error;
    },
  );
const eventsOf = (projectId: string) => outboxEvents(aws, projectId);

describe('one owner per name', () => {
  it('of projects racing to create one name, exactly one wins; the others get 409 already_exists', async () => {
    // Warm DynamoDB Local's transaction path first, so the race measures contention, not start-up.
    await createDomain(deps(), 'proj_warm_up', unique());
    const name = unique();
    const projects = Array.from(
      { length: 4 },
      (_, index) => `proj_race_${index}_${randomBytes(3).toString('hex')}`,
    );
    const results = await Promise.allSettled(
      projects.map((projectId) => createDomain(deps(), projectId, name)),
    );

    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const result of lost) {
      expect(result.reason).toBeInstanceOf(ApiError);
      expect((result.reason as ApiError).code).toBe('already_exists');
    }
    const winner = (won[0] as PromiseFulfilledResult<{ projectId: string; id: string }>).value;
    expect(await nameRecord(name)).toMatchObject({ projectId: winner.projectId, domainId: winner.id });
    expect(await sesHas(name)).toBe(true);
  });

  it('normalises before claiming: BÜCHER.example.de. and bücher.example.de are one name', async () => {
    const label = `b${randomBytes(3).toString('hex')}ü`;
    const first = await createDomain(deps(), 'proj_idn_a', `${label.toUpperCase()}.Example.DE.`);
    await expect(createDomain(deps(), 'proj_idn_b', `${label}.example.de`)).rejects.toMatchObject({
      code: 'already_exists',
    });
    expect(first.name).toMatch(/^xn--[a-z0-9-]+\.example\.de$/);
  });
});

describe('failures half-way', () => {
  it('an SES failure after the name was claimed frees the name and the identity, so a retry works', async () => {
    const name = unique();
    const failing = deps({
      ses: sesFailingOnce('PutEmailIdentityMailFromAttributesCommand', 'InternalFailure'),
    });
    await expect(createDomain(failing, 'proj_retry', name)).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
    expect(await nameRecord(name)).toBeUndefined();
    expect(await sesHas(name)).toBe(false);

    const retried = await createDomain(deps(), 'proj_retry', name);
    expect(retried.dkimTokens).toHaveLength(3);
  });

  it('an identity that already exists in SES outside scopegate is refused and left alone', async () => {
    const name = unique();
    const outside = await createDomain(deps(), 'proj_outside', name);
    // What an operator's own identity looks like to scopegate: in SES, with no uniqueness record.
    await aws.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: aws.tables.data, Key: claimKey(name) } },
          {
            Delete: {
              TableName: aws.tables.data,
              Key: { pk: 'PROJECT#proj_outside', sk: `DOMAIN#${outside.id}` },
            },
          },
        ],
      }),
    );
    await expect(createDomain(deps(), 'proj_adopter', name)).rejects.toMatchObject({
      code: 'already_exists',
    });
    expect(await sesHas(name)).toBe(true);
    expect(await nameRecord(name)).toBeUndefined();
  });

  it('a delete whose DynamoDB step failed after SES removed the identity succeeds when retried', async () => {
    const name = unique();
    const domain = await createDomain(deps(), 'proj_delete', name);
    // SES's half happened; the table's did not (as if the Lambda had stopped in between).
    await aws.ses.send(new DeleteEmailIdentityCommand({ EmailIdentity: name }));

    await deleteDomain(deps(), 'proj_delete', domain.id);

    expect(await nameRecord(name)).toBeUndefined();
    await expect(deleteDomain(deps(), 'proj_delete', domain.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await createDomain(deps(), 'proj_other_owner', name)).name).toBe(name);
  });

  it("a project cannot delete or verify another project's domain: 404", async () => {
    const domain = await createDomain(deps(), 'proj_owner', unique());
    await expect(deleteDomain(deps(), 'proj_intruder', domain.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(verifyDomain(deps(), 'proj_intruder', domain.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await sesHas(domain.name)).toBe(true);
  });
});

describe('verify', () => {
  it('records a change once, with one event in the delivered shape, however many verifies race', async () => {
    const projectId = `proj_verify_${randomBytes(3).toString('hex')}`;
    const domain = await createDomain(deps(), projectId, unique('invalid'));
    const results = await Promise.all(
      Array.from({ length: 4 }, () => verifyDomain(deps(), projectId, domain.id)),
    );
    expect(results.map((result) => result.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    await verifyDomain(deps(), projectId, domain.id);

    const events = await eventsOf(projectId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: expect.stringMatching(/^evt_[0-9A-Za-z]{22}$/),
      type: 'domain.failed',
      created_at: expect.any(String),
      data: { id: domain.id, name: domain.name, status: 'failed' },
    });
  });

  it('an identity removed from SES behind scopegate’s back reads as failed', async () => {
    const projectId = `proj_gone_${randomBytes(3).toString('hex')}`;
    const domain = await createDomain(deps(), projectId, unique());
    expect((await verifyDomain(deps(), projectId, domain.id)).status).toBe('verified');
    await aws.ses.send(new DeleteEmailIdentityCommand({ EmailIdentity: domain.name }));
    expect((await verifyDomain(deps(), projectId, domain.id)).status).toBe('failed');
    expect((await eventsOf(projectId)).map((event) => event.type)).toEqual([
      'domain.verified',
      'domain.failed',
    ]);
  });
});
