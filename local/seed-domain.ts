/**
 * The local stack's verified domain `example.com` in project `default`, so the printed curl (from
 * `you@example.com`) works. Ensured on every start: a data folder from before domains existed gets
 * it on its next start. A marker item records that it was seeded, so a developer who deletes the
 * domain does not see it come back.
 */
import type { Documents } from '../lambdas/aws/aws-clients.js';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDomain, type DomainsDependencies, verifyDomain } from '../lambdas/domains/domains.js';
import { claimKey } from '../lambdas/domains/domain-store.js';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { createIdentity, deleteIdentity, readIdentity } from '../lambdas/domains/ses-identities.js';
import { saveIdentity, findDomain } from '../lambdas/domains/domain-store.js';
import { LOCAL, LOCAL_REGION } from './config.js';

export const SEED_DOMAIN = 'example.com';
const SEEDED_MARKER = { pk: 'STACK', sk: 'LOCAL_SEED_DOMAIN' };

export async function ensureSeedDomain(
  documents: Documents,
  ses: SESv2Client,
  dataTable: string,
): Promise<void> {
  const deps: DomainsDependencies = {
    documents,
    dataTable,
    ses,
    region: LOCAL_REGION,
    now: () => new Date(),
  };
  const get = async (key: Record<string, string>) =>
    (await documents.send(new GetCommand({ TableName: dataTable, Key: key, ConsistentRead: true }))).Item;
  const owner = await get(claimKey(SEED_DOMAIN));
  if (!owner) {
    if (await get(SEEDED_MARKER)) return;
    // An identity with no owner in this data (a deleted data folder, an older identities file).
    await deleteIdentity(deps, SEED_DOMAIN);
    const domain = await createDomain(deps, LOCAL.projectId, SEED_DOMAIN);
    await verifyDomain(deps, LOCAL.projectId, domain.id);
    await documents.send(
      new PutCommand({ TableName: dataTable, Item: { ...SEEDED_MARKER, at: new Date().toISOString() } }),
    );
    return;
  }
  if (owner.projectId !== LOCAL.projectId || typeof owner.domainId !== 'string') return;
  // The identities file was removed but the table kept: give the domain its SES identity back.
  if (!(await readIdentity(deps, SEED_DOMAIN))) {
    const domain = await findDomain(deps, LOCAL.projectId, owner.domainId);
    if (!domain) return;
    const identity = await createIdentity(deps, SEED_DOMAIN);
    await saveIdentity(deps, domain, { ...identity, updatedAt: new Date().toISOString() });
    await verifyDomain(deps, LOCAL.projectId, domain.id);
  }
}
