/**
 * `scopegate domains release NAME` in-process against DynamoDB Local and the local SES: the holder's
 * identity and claim go, its domain is failed (released) with its event, and the name is free.
 */
import { GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main.js';
import { findClaim, findDomain } from '../../../lambdas/domains/domain-store.js';
import { createDomain, type DomainsDependencies, verifyDomain } from '../../../lambdas/domains/domains.js';
import { createCliTarget } from '../../support/cli-target.js';
import type { TestAws } from '../../support/local-aws.js';
import { outboxEvents } from '../../support/outbox.js';

let aws: TestAws;
let env: Record<string, string>;
beforeAll(async () => {
  ({ aws, env } = await createCliTarget());
  env = { ...env, SCOPEGATE_SES_ENDPOINT: aws.sesEndpoint };
});

const store = () => ({ documents: aws.documents, dataTable: aws.tables.data });
const deps = (): DomainsDependencies => ({
  ...store(),
  ses: aws.ses,
  region: 'us-east-1',
  now: () => new Date(),
});
const unique = () => `release-${randomBytes(5).toString('hex')}.com`;

async function cli(argv: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
  });
  return { code, stdout, stderr };
}

const sesHas = (name: string) =>
  aws.ses.send(new GetEmailIdentityCommand({ EmailIdentity: name })).then(
    () => true,
    () => false,
  );

describe('domains release', () => {
  it('frees a verified name held by another project, failing its domain with a domain.failed event', async () => {
    const name = unique();
    const holder = `proj_holder_${randomBytes(3).toString('hex')}`;
    const held = await createDomain(deps(), holder, name);
    await verifyDomain(deps(), holder, held.id);

    const run = await cli(['domains', 'release', name.toUpperCase(), '--json']);

    expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ name, released: true, project_id: holder, domain_id: held.id });
    expect(await findClaim(store(), name)).toBeUndefined();
    expect(await sesHas(name)).toBe(false);
    expect(await findDomain(store(), holder, held.id)).toMatchObject({
      status: 'failed',
      failureReason: 'released',
    });
    const events = await outboxEvents(aws, holder);
    expect(events.map((item) => item.type)).toEqual(['domain.verified', 'domain.failed']);
    await expect(createDomain(deps(), 'proj_new_owner', `mail.${name}`)).resolves.toMatchObject({
      name: `mail.${name}`,
    });
  });

  it('answers not_found (exit 2) for a name nobody holds, and a usage error for a bad name', async () => {
    const missing = await cli(['domains', 'release', unique()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no project holds/);
    const bad = await cli(['domains', 'release', 'not a name']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/NAME must be/);
  });
});
