/**
 * Open and click tracking per sending domain, against DynamoDB Local: the domain's settings (create,
 * PATCH, JSON) and the configuration set each send names because of them.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SendEmailCommand, type SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { createServiceHandler } from '../../../../lambdas/http/frame.js';
import {
  createDomain,
  domainJson,
  type DomainsDependencies,
  updateDomain,
} from '../../../../lambdas/domains/domains.js';
import { sendingRoutes } from '../../../../lambdas/sending/route-handlers.js';
import { sesSender } from '../../../../lambdas/sending/ses-sender.js';
import { silentLog } from '../../../../local/handlers.js';
import { seedVerifiedDomain } from '../../../support/domains.js';
import { authContextFor, proxyEvent } from '../../../support/events.js';
import { UNLIMITED_FRAME } from '../../../support/frame.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws();
});

const unique = () => `track-${randomBytes(5).toString('hex')}`;
const deps = (): DomainsDependencies => ({
  documents: aws.documents,
  dataTable: aws.tables.data,
  ses: aws.ses,
  region: 'us-east-1',
  now: () => new Date(),
  allowInvalidTld: true,
});

describe('a domain’s tracking settings', () => {
  it('are off unless asked for at create, and shown in the domain JSON', async () => {
    const plain = await createDomain(deps(), 'proj_tracking', `${unique()}.com`);
    expect(domainJson(plain, 'us-east-1')).toMatchObject({ open_tracking: false, click_tracking: false });
    const tracked = await createDomain(deps(), 'proj_tracking', `${unique()}.com`, { open: true });
    expect(domainJson(tracked, 'us-east-1')).toMatchObject({ open_tracking: true, click_tracking: false });
  });

  it('PATCH changes only the settings it names, and another project’s domain is a 404', async () => {
    const domain = await createDomain(deps(), 'proj_tracking', `${unique()}.com`, { open: true });
    const changed = await updateDomain(deps(), 'proj_tracking', domain.id, { click: true });
    expect(domainJson(changed, 'us-east-1')).toMatchObject({ open_tracking: true, click_tracking: true });
    const off = await updateDomain(deps(), 'proj_tracking', domain.id, { open: false });
    expect(domainJson(off, 'us-east-1')).toMatchObject({ open_tracking: false, click_tracking: true });
    await expect(updateDomain(deps(), 'proj_someone_else', domain.id, { open: true })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(updateDomain(deps(), 'proj_tracking', 'dom_missing', { open: true })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('each send names the configuration set of its from domain’s tracking', () => {
  const SETS = { none: 'set-none', open: 'set-open', click: 'set-click', open_click: 'set-both' };
  const sent: SendEmailCommandInput[] = [];
  // No stand-in records which configuration set a send named, so the SES client is mocked here.
  const ses = new SESv2Client({ region: 'us-east-1' });
  mockClient(ses)
    .on(SendEmailCommand)
    .callsFake((input: SendEmailCommandInput) => {
      sent.push(input);
      return { MessageId: `m-${sent.length}` };
    });
  const handler = () =>
    createServiceHandler(
      'sending',
      sendingRoutes({
        documents: aws.documents,
        dataTable: aws.tables.data,
        now: () => new Date(),
        send: sesSender(ses, SETS),
      }),
      silentLog,
      UNLIMITED_FRAME,
    );
  const setOfSend = async (projectId: string, from: string) => {
    const answer = await handler()(
      proxyEvent({
        method: 'POST',
        resource: '/v1/emails',
        body: { from, to: 'b@example.com', subject: 's', text: 't' },
        authorizer: authContextFor({ projectId }),
      }),
    );
    expect(answer.statusCode).toBe(200);
    return sent.at(-1)?.ConfigurationSetName;
  };

  it('follows a PATCH on the very next send', async () => {
    const projectId = `proj_${unique().replace('-', '_')}`;
    const name = `${unique()}.example`;
    const id = await seedVerifiedDomain(
      { documents: aws.documents, dataTable: aws.tables.data },
      projectId,
      name,
    );
    expect(await setOfSend(projectId, `a@${name}`)).toBe('set-none');
    await updateDomain(deps(), projectId, id, { open: true });
    expect(await setOfSend(projectId, `a@${name}`)).toBe('set-open');
    await updateDomain(deps(), projectId, id, { click: true });
    expect(await setOfSend(projectId, `a@${name}`)).toBe('set-both');
    await updateDomain(deps(), projectId, id, { open: false });
    expect(await setOfSend(projectId, `a@${name}`)).toBe('set-click');
  });

  it('uses the settings of the closest verified domain covering from', async () => {
    const projectId = `proj_${unique().replace('-', '_')}`;
    const parent = `${unique()}.example`;
    const store = { documents: aws.documents, dataTable: aws.tables.data };
    const parentId = await seedVerifiedDomain(store, projectId, parent);
    await seedVerifiedDomain(store, projectId, `mail.${parent}`);
    await updateDomain(deps(), projectId, parentId, { open: true, click: true });
    expect(await setOfSend(projectId, `a@${parent}`)).toBe('set-both');
    expect(await setOfSend(projectId, `a@eu.mail.${parent}`)).toBe('set-none');
  });
});
