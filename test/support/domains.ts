/**
 * Fixture sending domains: written straight into the Data table (the domain item and its name's
 * claim, through the same insertDomain the service uses), already `verified`. They skip
 * the name rules, so fixtures may use reserved names such as `other.example` and never depend on the
 * Public Suffix List, and they create no SES identity: the run's local SES is shared by every test
 * file, and sending never asks it about identities. Tests of create, verify and delete go through
 * the API with names of their own.
 */
import type { Documents } from '../../lambdas/aws/aws-clients.js';
import { newId } from '../../lambdas/shared/ids.js';
import { DOMAIN_ID_PREFIX, insertDomain, readFamily } from '../../lambdas/domains/domain-store.js';

export async function seedVerifiedDomain(
  store: { documents: Documents; dataTable: string },
  projectId: string,
  name: string,
): Promise<string> {
  const at = new Date().toISOString();
  const id = newId(DOMAIN_ID_PREFIX);
  const { version } = await readFamily(store, name);
  const inserted = await insertDomain(
    store,
    {
      id,
      projectId,
      name,
      status: 'verified',
      dkimTokens: ['fixturetoken1', 'fixturetoken2', 'fixturetoken3'],
      dkimStatus: 'SUCCESS',
      mailFromStatus: 'SUCCESS',
      createdAt: at,
      updatedAt: at,
      verifiedAt: at,
    },
    version,
  );
  if (!inserted) throw new Error(`fixture domain ${name}: its family changed while it was claimed`);
  return id;
}

/** A fixture domain for a project id of any shape (`proj_x_1` → `proj-x-1.example`). */
export const fixtureDomainOf = (projectId: string): string =>
  `${projectId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.example`;
