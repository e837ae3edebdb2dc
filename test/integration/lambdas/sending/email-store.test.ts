/** Listing emails against DynamoDB Local, including pages DynamoDB cuts short at 1 MB. */
import { beforeAll, expect, it } from 'vitest';
import { newId } from '../../../../lambdas/shared/ids.js';
import {
  EMAIL_ID_PREFIX,
  type EmailRecord,
  listEmails,
  putEmail,
} from '../../../../lambdas/sending/email-store.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws();
});

/** An email record of about 60 KB: the largest the schema allows (50 long addresses, 50 tags). */
function largeEmail(projectId: string, at: Date): EmailRecord {
  const address = (index: number) => `${'r'.repeat(300)}${index}@example.com`;
  return {
    id: newId(EMAIL_ID_PREFIX, at),
    projectId,
    keyId: 'AAAAAAAAAAAA',
    from: 'a@example.com',
    to: Array.from({ length: 50 }, (_, index) => address(index)),
    cc: [],
    bcc: [],
    replyTo: Array.from({ length: 50 }, (_, index) => address(index)),
    subject: 's'.repeat(998),
    tags: Array.from({ length: 50 }, (_, index) => ({ name: `n${index}`, value: 'v'.repeat(250) })),
    status: 'sent',
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  };
}

it('returns a full page and the right has_more when DynamoDB ends its pages at 1 MB', async () => {
  // Arrange: 25 emails of ~60 KB, about 1.5 MB in one partition.
  const store = { documents: aws.documents, dataTable: aws.tables.data };
  const ids: string[] = [];
  for (let index = 0; index < 25; index++) {
    const email = largeEmail('proj_large', new Date(Date.UTC(2026, 0, 1, 0, 0, index)));
    await putEmail(store, email);
    ids.push(email.id);
  }
  // Act
  const all = await listEmails(store, 'proj_large', { limit: 100 });
  const first = await listEmails(store, 'proj_large', { limit: 20 });
  const rest = await listEmails(store, 'proj_large', { limit: 20, after: first.nextAfter });
  // Assert
  expect(all.emails.map((email) => email.id)).toEqual([...ids].reverse());
  expect(all.nextAfter).toBeUndefined();
  expect(first.emails).toHaveLength(20);
  expect(first.nextAfter).toBeDefined();
  expect([...first.emails, ...rest.emails].map((email) => email.id)).toEqual([...ids].reverse());
  expect(rest.nextAfter).toBeUndefined();
});
