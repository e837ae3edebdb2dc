/** Raw MIME through the real SES client into the local SES, which parses it like a mail client. */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServiceHandler } from '../../../../lambdas/http/frame.js';
import { UNLIMITED_FRAME } from '../../../support/frame.js';
import { sendingRoutes } from '../../../../lambdas/sending/route-handlers.js';
import { sesSender } from '../../../../lambdas/sending/ses-sender.js';
import { silentLog } from '../../../../local/handlers.js';
import { authContextFor, proxyEvent } from '../../../support/events.js';
import { seedVerifiedDomain } from '../../../support/domains.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws();
  await seedVerifiedDomain(
    { documents: aws.documents, dataTable: aws.tables.data },
    'proj_mime',
    'example.com',
  );
});

interface StoredRawEmail {
  readonly subject: string;
  readonly from: string;
  readonly destination: { to: string[] };
  readonly attachments: { filename?: string; contentType: string; content: string; size: number }[];
}

async function storedBySubject(subject: string): Promise<StoredRawEmail[]> {
  const store = (await (await fetch(`${aws.sesEndpoint}/store`)).json()) as { emails: StoredRawEmail[] };
  return store.emails.filter((email) => email.subject === subject);
}

describe('raw MIME to the local SES', () => {
  it('delivers the attachment (name, content type, bytes) and the decoded display name', async () => {
    // Arrange
    const handler = createServiceHandler(
      'sending',
      sendingRoutes({
        documents: aws.documents,
        dataTable: aws.tables.data,
        now: () => new Date(),
        send: sesSender(aws.ses),
      }),
      silentLog,
      UNLIMITED_FRAME,
    );
    const subject = `Grüße ${randomBytes(4).toString('hex')}`;
    const bytes = randomBytes(2048);
    // Act
    const response = await handler(
      proxyEvent({
        method: 'POST',
        resource: '/v1/emails',
        body: {
          from: 'Zoë Ünicode <zoe@example.com>',
          to: 'someone@example.org',
          bcc: 'hidden@example.org',
          subject,
          text: 'See attached.',
          attachments: [{ filename: 'C:\\tmp\\résumé.pdf', content: bytes.toString('base64') }],
        },
        authorizer: authContextFor({ projectId: 'proj_mime' }),
      }),
    );
    // Assert
    expect(response.statusCode).toBe(200);
    const [stored] = await storedBySubject(subject);
    expect(stored?.from).toContain('Zoë Ünicode');
    expect(stored?.destination.to).toEqual(['someone@example.org']);
    expect(stored?.attachments).toHaveLength(1);
    expect(stored?.attachments[0]).toMatchObject({
      filename: 'résumé.pdf',
      contentType: 'application/pdf',
      size: 2048,
    });
    expect(Buffer.from(stored?.attachments[0]?.content ?? '', 'base64').equals(bytes)).toBe(true);
  });
});
