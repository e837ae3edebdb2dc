/**
 * The local stack's seeded domain: `example.com`, verified, in project `default`, ensured on every
 * start so a data folder from before domains gets it, and not brought back once deleted. Runs on a
 * local SES of its own, so the run's shared one keeps its identities.
 */
import { GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { coveringDomain } from '../../../lambdas/shared/sending-domains.js';
import { claimKey, verifiedDomainNames } from '../../../lambdas/domains/domain-store.js';
import { deleteDomain } from '../../../lambdas/domains/domains.js';
import { LOCAL, LOCAL_REGION } from '../../../local/config.js';
import { ensureSeedDomain, SEED_DOMAIN } from '../../../local/seed-domain.js';
import { type SesLocal, sesClient, startSesLocal } from '../../../local/services.js';
import { seed } from '../../../local/stack.js';
import { createTestAws } from '../../support/local-aws.js';
import { freePort } from '../../support/ports.js';

let ses: SesLocal;
beforeAll(async () => {
  ses = await startSesLocal({ port: await freePort() });
});
afterAll(async () => {
  await ses?.stop();
});

it('gives a data folder from before domains the verified example.com, once, however often it starts', async () => {
  // What an older version left: team, project and key, no domain.
  const older = await createTestAws();
  await seed(older.documents, older.tables);
  const client = sesClient(ses.endpoint);

  await ensureSeedDomain(older.documents, client, older.tables.data);
  await ensureSeedDomain(older.documents, client, older.tables.data);

  const store = { documents: older.documents, dataTable: older.tables.data };
  expect(await verifiedDomainNames(store, LOCAL.projectId)).toEqual([SEED_DOMAIN]);
  expect(coveringDomain('example.com', await verifiedDomainNames(store, LOCAL.projectId))).toBe(
    'example.com',
  );
  const identity = await client.send(new GetEmailIdentityCommand({ EmailIdentity: SEED_DOMAIN }));
  expect(identity.VerificationStatus).toBe('SUCCESS');
});

it('does not bring the domain back after the developer deleted it', async () => {
  const data = await createTestAws();
  await seed(data.documents, data.tables);
  const client = sesClient(ses.endpoint);
  await ensureSeedDomain(data.documents, client, data.tables.data);
  const { Item } = await data.documents.send(
    new GetCommand({ TableName: data.tables.data, Key: claimKey(SEED_DOMAIN) }),
  );
  await deleteDomain(
    {
      documents: data.documents,
      dataTable: data.tables.data,
      ses: client,
      region: LOCAL_REGION,
      now: () => new Date(),
    },
    LOCAL.projectId,
    String(Item?.domainId),
  );

  await ensureSeedDomain(data.documents, client, data.tables.data);

  expect(
    await verifiedDomainNames({ documents: data.documents, dataTable: data.tables.data }, LOCAL.projectId),
  ).toEqual([]);
});
