/** SES events recorded against DynamoDB Local: the index lookup, idempotency, forward-only status. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../lambdas/shared/ids.js';
import { findEmailBySesMessage, listEmailEvents } from '../../../../lambdas/sending/email-events-store.js';
import { processSesEvent } from '../../../../lambdas/provider-events/process.js';
import { sesEventsConsumer } from '../../../../lambdas/provider-events/queue-consumer.js';
import {
  EMAIL_ID_PREFIX,
  type EmailRecord,
  findEmail,
  markEmail,
  putEmail,
} from '../../../../lambdas/sending/email-store.js';
import { type SesEventJson, sesEventsFor } from '../../../../local/ses-events.js';
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

const SENT_AT = new Date('2026-02-01T10:00:00.000Z');

/** A stored email that SES accepted (status `sent`, its message id indexed), as the sending code leaves it. */
async function sentEmail(projectId: string): Promise<{ email: EmailRecord; messageId: string }> {
  const email: EmailRecord = {
    id: newId(EMAIL_ID_PREFIX),
    projectId,
    keyId: 'AAAAAAAAAAAA',
    from: 'a@example.com',
    to: ['x@example.org'],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: 's',
    tags: [],
    status: 'queued',
    createdAt: SENT_AT.toISOString(),
    updatedAt: SENT_AT.toISOString(),
  };
  const messageId = `msg-${email.id}`;
  await putEmail(deps, email);
  await markEmail(deps, email, { status: 'sent', sesMessageId: messageId, at: SENT_AT.toISOString() });
  return { email, messageId };
}

const eventsTo = (messageId: string, recipients: string[]): SesEventJson[] =>
  sesEventsFor({ messageId, from: 'a@example.com', recipients, tags: [] }, SENT_AT);

async function projectEventTypes(projectId: string, emailId: string): Promise<string[]> {
  return (await outboxEvents(aws, projectId))
    .filter((item) => item.data.email_id === emailId)
    .map((item) => item.type)
    .sort();
}

describe('the SES message index', () => {
  it('finds the email of a message id that markEmail recorded, and nothing for another', async () => {
    const { email, messageId } = await sentEmail('proj_index');
    expect(await findEmailBySesMessage(deps, messageId)).toEqual({
      projectId: 'proj_index',
      emailId: email.id,
    });
    expect(await findEmailBySesMessage(deps, 'msg-never-sent')).toBeUndefined();
    expect(await processSesEvent(deps, eventsTo('msg-never-sent', ['x@example.org'])[0])).toBe(
      'unknown_message',
    );
  });
});

describe('recording events', () => {
  it('moves the status, keeps the last event and lists the events oldest first', async () => {
    const { email, messageId } = await sentEmail('proj_rec');
    for (const event of eventsTo(messageId, ['complaint@simulator.amazonses.com'])) {
      expect(await processSesEvent(deps, event)).toBe('recorded');
    }
    const stored = await findEmail(deps, 'proj_rec', email.id);
    expect(stored).toMatchObject({ status: 'complained', lastEventType: 'email.complained' });
    const { events } = await listEmailEvents(
      deps,
      { projectId: 'proj_rec', emailId: email.id },
      { limit: 10 },
    );
    expect(events.map((event) => event.type)).toEqual(['email.sent', 'email.delivered', 'email.complained']);
    expect(events[2]?.details).toEqual({
      recipients: ['complaint@simulator.amazonses.com'],
      feedback_type: 'abuse',
    });
    expect(await projectEventTypes('proj_rec', email.id)).toEqual([
      'email.complained',
      'email.delivered',
      'email.sent',
    ]);
  });

  it('records a duplicate once: one event item, one project event', async () => {
    const { email, messageId } = await sentEmail('proj_dup');
    const [send, delivery] = eventsTo(messageId, ['x@example.org']);
    expect(await processSesEvent(deps, delivery)).toBe('recorded');
    expect(await processSesEvent(deps, delivery)).toBe('duplicate');
    expect(await processSesEvent(deps, JSON.parse(JSON.stringify(delivery)))).toBe('duplicate');
    expect(await processSesEvent(deps, send)).toBe('recorded');
    const { events } = await listEmailEvents(
      deps,
      { projectId: 'proj_dup', emailId: email.id },
      { limit: 10 },
    );
    expect(events.map((event) => event.type)).toEqual(['email.sent', 'email.delivered']);
    expect(await projectEventTypes('proj_dup', email.id)).toEqual(['email.delivered', 'email.sent']);
    // The late Send neither moved the status back nor became the last event.
    expect(await findEmail(deps, 'proj_dup', email.id)).toMatchObject({
      status: 'delivered',
      lastEventType: 'email.delivered',
    });
  });

  it('never lets a late Delivery overwrite a Bounce', async () => {
    const { email, messageId } = await sentEmail('proj_late');
    const events = eventsTo(messageId, ['bounce@simulator.amazonses.com', 'y@example.org']);
    for (const event of [...events].reverse()) await processSesEvent(deps, event);
    expect(await findEmail(deps, 'proj_late', email.id)).toMatchObject({ status: 'bounced' });
  });

  it('ends in the same status and history whatever the order and duplication of the events', async () => {
    const recipients = [
      'x@example.org',
      'bounce@simulator.amazonses.com',
      'complaint@simulator.amazonses.com',
      'ooto@simulator.amazonses.com',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(recipients, { minLength: 1 }),
        fc.infiniteStream(fc.nat()),
        async (chosen, picks) => {
          const { email, messageId } = await sentEmail('proj_prop');
          const events = eventsTo(messageId, chosen);
          const shuffled = [...events, ...events.filter((_, i) => i % 2 === 0)];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (picks.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j] as SesEventJson, shuffled[i] as SesEventJson];
          }
          for (const event of shuffled) await processSesEvent(deps, event);
          const inOrder = await sentEmail('proj_prop');
          for (const event of eventsTo(inOrder.messageId, chosen)) await processSesEvent(deps, event);
          const [a, b] = await Promise.all([
            findEmail(deps, 'proj_prop', email.id),
            findEmail(deps, 'proj_prop', inOrder.email.id),
          ]);
          expect(a?.status).toBe(b?.status);
          expect(a?.lastEventType).toBe(b?.lastEventType);
          const history = async (emailId: string) =>
            (await listEmailEvents(deps, { projectId: 'proj_prop', emailId }, { limit: 100 })).events.map(
              (event) => [event.type, event.occurredAt],
            );
          expect(await history(email.id)).toEqual(await history(inOrder.email.id));
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('the queue consumer', () => {
  it('hands back only what may succeed later, and unwraps EventBridge envelopes', async () => {
    const { email, messageId } = await sentEmail('proj_queue');
    const [send] = eventsTo(messageId, ['x@example.org']);
    const [unknown] = eventsTo('msg-not-yet', ['x@example.org']);
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const record = (id: string, body: string) => ({ messageId: id, body }) as never;
    const result = await sesEventsConsumer(
      deps,
      log,
    )({
      Records: [
        record('1', JSON.stringify({ source: 'aws.ses', 'detail-type': 'Email Sent', detail: send })),
        record('2', JSON.stringify(unknown)),
        record('3', 'not json'),
      ],
    });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(await findEmail(deps, 'proj_queue', email.id)).toMatchObject({ lastEventType: 'email.sent' });
  });
});
