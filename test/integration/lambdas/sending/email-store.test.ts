/** Listing emails against DynamoDB Local, including pages DynamoDB cuts short at 1 MB, across the shards. */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, expect, it } from 'vitest';
import { newId } from '../../../../lambdas/shared/ids.js';
import {
  EMAIL_ID_PREFIX,
  emailPartition,
  type EmailRecord,
  findEmail,
  listEmails,
  putEmail,
  unshardedEmailKey,
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

it('spreads emails over the shards, lists them newest first across all of them, and reads older unsharded ones too', async () => {
  // Arrange: 60 emails sent at once (sharded) and, interleaved in time, 3 stored as older versions
  // stored them (under the project's own partition, as scheduled emails still are).
  const store = { documents: aws.documents, dataTable: aws.tables.data };
  const projectId = `proj_shards_${Date.now()}`;
  const ids: string[] = [];
  for (let index = 0; index < 63; index++) {
    const email = {
      ...largeEmail(projectId, new Date(Date.UTC(2026, 0, 2, 0, 0, index))),
      to: ['x@example.org'],
      replyTo: [],
      tags: [],
      subject: 's',
    };
    if (index % 20 === 7) {
      await aws.documents.send(
        new PutCommand({
          TableName: aws.tables.data,
          Item: { ...unshardedEmailKey(projectId, email.id), ...email },
        }),
      );
    } else {
      await putEmail(store, email);
    }
    ids.push(email.id);
  }
  // Act: page through 10 at a time.
  const listed: string[] = [];
  let after: string | undefined;
  do {
    const page = await listEmails(store, projectId, { limit: 10, after });
    listed.push(...page.emails.map((email) => email.id));
    after = page.nextAfter;
  } while (after);
  // Assert
  expect(listed).toEqual([...ids].reverse());
  const shardsUsed = new Set(ids.map((id) => emailPartition(projectId, id)));
  expect(shardsUsed.size).toBeGreaterThan(10);
  const sharded = await aws.documents.send(
    new QueryCommand({
      TableName: aws.tables.data,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': emailPartition(projectId, ids[0] ?? '') },
    }),
  );
  expect(sharded.Items?.some((item) => item.id === ids[0])).toBe(true);
  expect((await findEmail(store, projectId, ids[7] ?? ''))?.id).toBe(ids[7]);
  expect((await findEmail(store, projectId, ids[8] ?? ''))?.id).toBe(ids[8]);
});
