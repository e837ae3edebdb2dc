/**
 * The local SES identity stand-in (local/ses-identities.ts) against the real SESv2Client: every call
 * the domains service makes, ListEmailIdentities, SES's error names, and a SendEmail forwarded to
 * aws-ses-v2-local behind it. Names are unique per test: the run's local SES is shared.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetEmailIdentityCommand,
  ListEmailIdentitiesCommand,
  PutEmailIdentityMailFromAttributesCommand,
  SendEmailCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSesLocal } from '../../../../local/services.js';
import { createTestAws, sdkSesClient, sentEmails, type TestAws } from '../../../support/local-aws.js';
import { freePort } from '../../../support/ports.js';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws();
});

const unique = (suffix = 'com') => `id-${randomBytes(5).toString('hex')}.${suffix}`;
const create = (ses: SESv2Client, name: string) =>
  ses.send(
    new CreateEmailIdentityCommand({
      EmailIdentity: name,
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      ConfigurationSetName: 'local-set',
    }),
  );

describe('the identity calls', () => {
  it('CreateEmailIdentity answers three DKIM tokens, pending, 2048-bit', async () => {
    const created = await create(aws.sdkSes, unique());
    expect(created.IdentityType).toBe('DOMAIN');
    expect(created.VerifiedForSendingStatus).toBe(false);
    expect(created.DkimAttributes).toMatchObject({ Status: 'PENDING', NextSigningKeyLength: 'RSA_2048_BIT' });
    expect(created.DkimAttributes?.Tokens).toHaveLength(3);
    for (const token of created.DkimAttributes?.Tokens ?? []) expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(new Set(created.DkimAttributes?.Tokens).size).toBe(3);
  });

  it('a second create of the same name is AlreadyExistsException', async () => {
    const name = unique();
    await create(aws.sdkSes, name);
    await expect(create(aws.sdkSes, name)).rejects.toMatchObject({ name: 'AlreadyExistsException' });
  });

  it('the first GetEmailIdentity verifies an ordinary name, DKIM and MAIL FROM alike', async () => {
    const name = unique();
    const { DkimAttributes } = await create(aws.sdkSes, name);
    await aws.sdkSes.send(
      new PutEmailIdentityMailFromAttributesCommand({
        EmailIdentity: name,
        MailFromDomain: `send.${name}`,
        BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
      }),
    );
    const identity = await aws.sdkSes.send(new GetEmailIdentityCommand({ EmailIdentity: name }));
    expect(identity).toMatchObject({
      IdentityType: 'DOMAIN',
      VerificationStatus: 'SUCCESS',
      VerifiedForSendingStatus: true,
      ConfigurationSetName: 'local-set',
      DkimAttributes: { Status: 'SUCCESS', Tokens: DkimAttributes?.Tokens },
      MailFromAttributes: {
        MailFromDomain: `send.${name}`,
        MailFromDomainStatus: 'SUCCESS',
        BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
      },
    });
  });

  it('a .invalid name fails verification', async () => {
    const name = unique('invalid');
    await create(aws.sdkSes, name);
    const identity = await aws.sdkSes.send(new GetEmailIdentityCommand({ EmailIdentity: name }));
    expect(identity.VerificationStatus).toBe('FAILED');
    expect(identity.DkimAttributes?.Status).toBe('FAILED');
  });

  it('DeleteEmailIdentity removes it; reading or deleting it again is NotFoundException', async () => {
    const name = unique();
    await create(aws.sdkSes, name);
    await aws.sdkSes.send(new DeleteEmailIdentityCommand({ EmailIdentity: name }));
    await expect(aws.sdkSes.send(new GetEmailIdentityCommand({ EmailIdentity: name }))).rejects.toMatchObject(
      {
        name: 'NotFoundException',
        $metadata: { httpStatusCode: 404 },
      },
    );
    await expect(
      aws.sdkSes.send(new DeleteEmailIdentityCommand({ EmailIdentity: name })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    await expect(
      aws.sdkSes.send(
        new PutEmailIdentityMailFromAttributesCommand({ EmailIdentity: name, MailFromDomain: 'x' }),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('ListEmailIdentities lists them, page by page', async () => {
    const names = [unique(), unique(), unique()];
    for (const name of names) await create(aws.sdkSes, name);
    const listed: string[] = [];
    let token: string | undefined;
    do {
      const page = await aws.sdkSes.send(new ListEmailIdentitiesCommand({ PageSize: 2, NextToken: token }));
      expect((page.EmailIdentities ?? []).length).toBeLessThanOrEqual(2);
      listed.push(...(page.EmailIdentities ?? []).map((identity) => identity.IdentityName ?? ''));
      token = page.NextToken;
    } while (token);
    expect(listed).toEqual(expect.arrayContaining(names));
  });
});

describe('everything else goes to aws-ses-v2-local', () => {
  it('SendEmail is forwarded and shows up in /store through the same endpoint', async () => {
    const subject = `forwarded ${randomBytes(4).toString('hex')}`;
    const sent = await aws.sdkSes.send(
      new SendEmailCommand({
        FromEmailAddress: 'a@example.com',
        Destination: { ToAddresses: ['b@example.com'] },
        Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'x' } } } },
      }),
    );
    expect(sent.MessageId).toBeTruthy();
    const stored = (await sentEmails(aws.sesEndpoint)).filter((email) => email.subject === subject);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.messageId).toBe(sent.MessageId);
  });

  it('the page at / is aws-ses-v2-local’s', async () => {
    const page = await fetch(`${aws.sesEndpoint}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});

describe('with a file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scopegate-identities-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps identities and their status across a restart', async () => {
    const file = join(dir, 'ses-identities.json');
    const port = await freePort();
    const first = await startSesLocal({ port, identitiesFile: file });
    const ses = sdkSesClient(first.endpoint);
    const name = unique();
    const { DkimAttributes } = await create(ses, name);
    await ses.send(new GetEmailIdentityCommand({ EmailIdentity: name }));
    await first.stop();

    const second = await startSesLocal({ port, identitiesFile: file });
    try {
      const identity = await sdkSesClient(second.endpoint).send(
        new GetEmailIdentityCommand({ EmailIdentity: name }),
      );
      expect(identity.VerificationStatus).toBe('SUCCESS');
      expect(identity.DkimAttributes?.Tokens).toEqual(DkimAttributes?.Tokens);
    } finally {
      await second.stop();
    }
  });
});
