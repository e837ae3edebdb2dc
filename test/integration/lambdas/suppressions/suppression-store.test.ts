/**
 * Suppressions against DynamoDB Local: the store (first reason kept, case-insensitive, per project,
 * the BatchGetItem check across more than 100 addresses), the SES events path (a Permanent bounce
 * and a complaint suppress; a Transient bounce does not), and the unsubscribe transaction.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContact, findContact } from '../../../../lambdas/audience/contacts.js';
import { newId } from '../../../../lambdas/shared/ids.js';
import { processSesEvent } from '../../../../lambdas/provider-events/process.js';
import {
  EMAIL_ID_PREFIX,
  type EmailRecord,
  markEmail,
  putEmail,
} from '../../../../lambdas/sending/email-store.js';
import {
  addSuppression,
  deleteSuppression,
  findSuppression,
  listSuppressions,
  suppressedAmong,
} from '../../../../lambdas/suppressions/suppression-store.js';
import { unsubscribe } from '../../../../lambdas/unsubscribe/unsubscribe.js';
import { sesEventsFor } from '../../../../local/ses-events.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { outboxEvents } from '../../../support/outbox.js';

let aws: TestAws;
let deps: { documents: TestAws['documents']; dataTable: string; now: () => Date };
beforeAll(async () => {
  aws = await createTestAws();
  deps = {
    documents: aws.documents,
    dataTable: aws.tables.data,
    now: () => new Date('2026-03-01T00:00:00Z'),
  };
});

const projectOf = () => `proj_${randomBytes(5).toString('hex')}`;
const at = '2026-03-01T00:00:00.000Z';

describe('the suppression store', () => {
  it('keeps the first reason, source and date when an address is added again', async () => {
    const projectId = projectOf();
    const first = await addSuppression(deps, projectId, {
      email: 'x@example.org',
      reason: 'bounce',
      sourceEmailId: 'em_1',
      createdAt: at,
    });
    const again = await addSuppression(deps, projectId, {
      email: 'x@example.org',
      reason: 'manual',
      createdAt: '2027-01-01T00:00:00.000Z',
    });
    expect(again).toEqual(first);
    expect(first).toEqual({ email: 'x@example.org', reason: 'bounce', sourceEmailId: 'em_1', createdAt: at });
  });

  it("is per project: another project's suppression is neither found, listed, deleted nor applied", async () => {
    const [mine, theirs] = [projectOf(), projectOf()];
    await addSuppression(deps, theirs, { email: 'x@example.org', reason: 'manual', createdAt: at });
    expect(await findSuppression(deps, mine, 'x@example.org')).toBeUndefined();
    expect((await listSuppressions(deps, mine, { limit: 10 })).suppressions).toEqual([]);
    expect(await deleteSuppression(deps, mine, 'x@example.org')).toBe(false);
    expect([...(await suppressedAmong(deps, mine, ['x@example.org']))]).toEqual([]);
    expect([...(await suppressedAmong(deps, theirs, ['x@example.org']))]).toEqual(['x@example.org']);
  });

  it('finds the suppressed among 250 addresses (three BatchGetItem requests), and only those', async () => {
    const projectId = projectOf();
    const addresses = Array.from({ length: 250 }, (_, index) => `r${index}@example.org`);
    const suppressed = addresses.filter((_, index) => index % 7 === 0);
    for (const email of suppressed)
      await addSuppression(deps, projectId, { email, reason: 'manual', createdAt: at });
    const found = await suppressedAmong(deps, projectId, [...addresses, ...addresses.slice(0, 10)]);
    expect([...found].toSorted()).toEqual(suppressed.toSorted());
  });
});

describe('SES events that suppress', () => {
  async function sentTo(
    projectId: string,
    recipients: string[],
  ): Promise<{ email: EmailRecord; messageId: string }> {
    const email: EmailRecord = {
      id: newId(EMAIL_ID_PREFIX),
      projectId,
      keyId: 'AAAAAAAAAAAA',
      from: 'a@example.com',
      to: recipients,
      cc: [],
      bcc: [],
      replyTo: [],
      subject: 's',
      tags: [],
      status: 'queued',
      createdAt: at,
      updatedAt: at,
    };
    const messageId = `msg-${email.id}`;
    await putEmail(deps, email);
    await markEmail(deps, email, { status: 'sent', sesMessageId: messageId, at });
    return { email, messageId };
  }

  const events = (messageId: string, recipients: string[]) =>
    sesEventsFor({ messageId, from: 'a@example.com', recipients, tags: [] }, new Date(at));

  it.each([
    ['bounce@simulator.amazonses.com', 'bounce'],
    ['complaint@simulator.amazonses.com', 'complaint'],
    ['suppressionlist@simulator.amazonses.com', 'bounce'],
  ])('%s is suppressed with reason %s and the email as source', async (recipient, reason) => {
    const projectId = projectOf();
    const { email, messageId } = await sentTo(projectId, [recipient]);
    for (const event of events(messageId, [recipient])) await processSesEvent(deps, event);
    expect(await findSuppression(deps, projectId, recipient)).toEqual({
      email: recipient,
      reason,
      sourceEmailId: email.id,
      createdAt: deps.now().toISOString(),
    });
  });

  it('suppresses nothing on a Transient bounce or a delivery', async () => {
    const projectId = projectOf();
    const { messageId } = await sentTo(projectId, ['soft@example.org']);
    const [send] = events(messageId, ['soft@example.org']);
    const transient = {
      ...send,
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Transient',
        bounceSubType: 'MailboxFull',
        bouncedRecipients: [{ emailAddress: 'soft@example.org' }],
        timestamp: at,
      },
    };
    expect(await processSesEvent(deps, transient)).toBe('recorded');
    for (const event of events(messageId, ['soft@example.org'])) await processSesEvent(deps, event);
    expect(await findSuppression(deps, projectId, 'soft@example.org')).toBeUndefined();
  });

  it('suppresses again when a duplicate of the event is processed after the suppression was removed', async () => {
    const projectId = projectOf();
    const recipient = 'bounce@simulator.amazonses.com';
    const { messageId } = await sentTo(projectId, [recipient]);
    const bounce = events(messageId, [recipient]).find((event) => event.eventType === 'Bounce');
    await processSesEvent(deps, bounce);
    await deleteSuppression(deps, projectId, recipient);
    expect(await processSesEvent(deps, bounce)).toBe('duplicate');
    expect(await findSuppression(deps, projectId, recipient)).toMatchObject({ reason: 'bounce' });
  });
});

describe('unsubscribe', () => {
  it('marks the contact, suppresses its address (lower-cased) and records one contact.unsubscribed, however often', async () => {
    const projectId = projectOf();
    const contact = await createContact(deps, projectId, {
      email: 'Reader@Example.org',
      properties: {},
      unsubscribed: false,
    });
    const subject = { projectId, contactId: contact.id, broadcastId: null };
    expect(await unsubscribe(deps, subject)).toBe('unsubscribed');
    expect(await unsubscribe(deps, subject)).toBe('unsubscribed');

    expect(await findContact(deps, projectId, contact.id)).toMatchObject({ unsubscribed: true, version: 2 });
    expect(await findSuppression(deps, projectId, 'reader@example.org')).toMatchObject({
      reason: 'unsubscribe',
    });
    const events = await outboxEvents(aws, projectId);
    expect(
      events.filter((event) => event.type === 'contact.unsubscribed').map((event) => event.data),
    ).toEqual([{ id: contact.id, email: 'Reader@Example.org', broadcast_id: null }]);
  });

  it('keeps an earlier reason when the unsubscribing address was already suppressed', async () => {
    const projectId = projectOf();
    await addSuppression(deps, projectId, { email: 'x@example.org', reason: 'bounce', createdAt: at });
    const contact = await createContact(deps, projectId, {
      email: 'x@example.org',
      properties: {},
      unsubscribed: false,
    });
    await unsubscribe(deps, { projectId, contactId: contact.id, broadcastId: null });
    expect(await findSuppression(deps, projectId, 'x@example.org')).toMatchObject({ reason: 'bounce' });
    expect(await findContact(deps, projectId, contact.id)).toMatchObject({ unsubscribed: true });
  });

  it('answers not_found for a contact that is gone, or of another project', async () => {
    const projectId = projectOf();
    const contact = await createContact(deps, projectId, {
      email: 'y@example.org',
      properties: {},
      unsubscribed: false,
    });
    expect(
      await unsubscribe(deps, { projectId: projectOf(), contactId: contact.id, broadcastId: null }),
    ).toBe('not_found');
    expect(await findContact(deps, projectId, contact.id)).toMatchObject({ unsubscribed: false });
  });
});
