import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMAIL_STATUSES,
  type EmailStatus,
  laterStatus,
  statusesBefore,
} from '../../../../lambdas/message-status/email-status.js';
import { readSesEvent, sesEventOfMessage } from '../../../../lambdas/message-status/ses-event.js';
import { sesEventsFor } from '../../../../local/ses-events.js';

const mail = { messageId: 'ses-1', timestamp: '2026-01-02T03:04:05.000Z', tags: {} };
const at = '2026-01-02T03:04:06.000Z';

describe('readSesEvent', () => {
  it.each([
    ['Send', { send: {} }, 'email.sent', 'sent', {}],
    [
      'Delivery',
      { delivery: { timestamp: at, recipients: ['a@x.test'], smtpResponse: '250 ok' } },
      'email.delivered',
      'delivered',
      { recipients: ['a@x.test'], smtp_response: '250 ok' },
    ],
    [
      'DeliveryDelay',
      {
        deliveryDelay: {
          timestamp: at,
          delayType: 'MailboxFull',
          delayedRecipients: [{ emailAddress: 'a@x.test' }],
          expirationTime: at,
        },
      },
      'email.delivery_delayed',
      'delivery_delayed',
      { delay_type: 'MailboxFull', recipients: ['a@x.test'], expiration_time: at },
    ],
    [
      'Bounce',
      {
        bounce: {
          timestamp: at,
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: 'a@x.test', diagnosticCode: 'x' }],
        },
      },
      'email.bounced',
      'bounced',
      { bounce_type: 'Permanent', bounce_sub_type: 'General', recipients: ['a@x.test'] },
    ],
    [
      'Complaint',
      {
        complaint: {
          timestamp: at,
          complainedRecipients: [{ emailAddress: 'a@x.test' }],
          complaintFeedbackType: 'abuse',
        },
      },
      'email.complained',
      'complained',
      { recipients: ['a@x.test'], feedback_type: 'abuse' },
    ],
    ['Reject', { reject: { reason: 'Bad content' } }, 'email.failed', 'failed', { reason: 'Bad content' }],
    [
      'Rendering Failure',
      { failure: { errorMessage: 'missing name', templateName: 't' } },
      'email.failed',
      'failed',
      { reason: 'missing name', template_name: 't' },
    ],
    [
      'Open',
      { open: { timestamp: at, ipAddress: '192.0.2.1', userAgent: 'UA' } },
      'email.opened',
      undefined,
      { ip_address: '192.0.2.1', user_agent: 'UA' },
    ],
    [
      'Click',
      { click: { timestamp: at, link: 'https://x.test', ipAddress: '192.0.2.1', userAgent: 'UA' } },
      'email.clicked',
      undefined,
      { link: 'https://x.test', ip_address: '192.0.2.1', user_agent: 'UA' },
    ],
  ])('%s → %s, status %s', (eventType, body, type, status, details) => {
    const read = readSesEvent({ eventType, mail, ...body });
    expect(read).toMatchObject({ kind: 'event', event: { sesMessageId: 'ses-1', type, status, details } });
  });

  it("takes the event's own timestamp, else the send's", () => {
    const delivery = readSesEvent({ eventType: 'Delivery', mail, delivery: { timestamp: at } });
    const send = readSesEvent({ eventType: 'Send', mail, send: {} });
    expect(delivery.kind === 'event' && delivery.event.occurredAt).toBe(at);
    expect(send.kind === 'event' && send.event.occurredAt).toBe(mail.timestamp);
  });

  it.each([
    ['Subscription', { eventType: 'Subscription', mail, subscription: {} }, 'ignored'],
    ['a future type', { eventType: 'Teleport', mail }, 'ignored'],
    ['no mail', { eventType: 'Send' }, 'invalid'],
    ['no message id', { eventType: 'Send', mail: { timestamp: at } }, 'invalid'],
    ['no readable time', { eventType: 'Send', mail: { messageId: 'm', timestamp: 'soon' } }, 'invalid'],
    ['not an object', 'Send', 'invalid'],
    ['null', null, 'invalid'],
  ])('%s is %s', (_name, json, kind) => {
    expect(readSesEvent(json).kind).toBe(kind);
  });

  it('gives copies of one event the same fingerprint, whatever their key order, and other events another', () => {
    const a = readSesEvent({
      eventType: 'Delivery',
      mail,
      delivery: { timestamp: at, recipients: ['a@x.test'] },
    });
    const b = readSesEvent({
      delivery: { recipients: ['a@x.test'], timestamp: at },
      mail,
      eventType: 'Delivery',
    });
    const c = readSesEvent({
      eventType: 'Delivery',
      mail,
      delivery: { timestamp: at, recipients: ['b@x.test'] },
    });
    const print = (read: ReturnType<typeof readSesEvent>) =>
      read.kind === 'event' ? read.event.fingerprint : '';
    expect(print(a)).toBe(print(b));
    expect(print(a)).not.toBe(print(c));
  });
});

describe('sesEventOfMessage', () => {
  it("unwraps EventBridge's envelope and passes a bare event through", () => {
    const event = { eventType: 'Send', mail };
    expect(
      sesEventOfMessage(JSON.stringify({ source: 'aws.ses', 'detail-type': 'Email Sent', detail: event })),
    ).toEqual(event);
    expect(sesEventOfMessage(JSON.stringify(event))).toEqual(event);
    expect(sesEventOfMessage('{not json')).toBeUndefined();
  });
});

describe('the status order', () => {
  it.each([
    ['queued', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['delivered', 'sent', 'delivered'],
    ['delivery_delayed', 'delivered', 'delivered'],
    ['delivered', 'delivery_delayed', 'delivered'],
    ['bounced', 'delivered', 'bounced'],
    ['delivered', 'bounced', 'bounced'],
    ['delivered', 'complained', 'complained'],
    ['complained', 'delivered', 'complained'],
    ['failed', 'delivered', 'failed'],
    ['sent', 'failed', 'failed'],
  ] satisfies [EmailStatus, EmailStatus, EmailStatus][])('%s then %s is %s', (current, next, expected) => {
    expect(laterStatus(current, next)).toBe(expected);
  });

  it('lets a status replace exactly the ones before it', () => {
    expect(statusesBefore('scheduled')).toEqual([]);
    // An SES event reaching an email a sweeper holds (`sending`) moves it on, as it would `queued`.
    expect(statusesBefore('queued')).toEqual(['scheduled', 'sending']);
    expect(statusesBefore('delivered')).toEqual([
      'scheduled',
      'sending',
      'queued',
      'sent',
      'delivery_delayed',
    ]);
    for (const status of EMAIL_STATUSES) expect(statusesBefore(status)).not.toContain(status);
  });

  it('ends in the same status whatever the order and duplication of the events', () => {
    const status = fc.constantFrom(...EMAIL_STATUSES);
    fc.assert(
      fc.property(fc.array(status, { maxLength: 12 }), fc.infiniteStream(fc.nat()), (events, picks) => {
        const final = (list: readonly EmailStatus[]) => list.reduce(laterStatus, 'queued' as EmailStatus);
        const shuffled = [...events];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (picks.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as EmailStatus, shuffled[i] as EmailStatus];
        }
        const duplicated = shuffled.flatMap((event, i) => (i % 2 === 0 ? [event, event] : [event]));
        expect(final(duplicated)).toBe(final(events));
      }),
    );
  });
});

describe('the local SES events', () => {
  const accepted = (recipients: string[]) =>
    sesEventsFor(
      { messageId: 'm-1', from: 'a@example.com', recipients, tags: [{ name: 'k', value: 'v' }] },
      new Date(at),
    );
  const kinds = (recipients: string[]) =>
    accepted(recipients).map((json) => {
      const read = readSesEvent(json);
      return read.kind === 'event' ? read.event.type : read.kind;
    });

  it.each([
    ['someone@example.org', ['email.sent', 'email.delivered']],
    ['bounce@simulator.amazonses.com', ['email.sent', 'email.bounced']],
    ['suppressionlist@simulator.amazonses.com', ['email.sent', 'email.bounced']],
    ['complaint@simulator.amazonses.com', ['email.sent', 'email.delivered', 'email.complained']],
    ['ooto@simulator.amazonses.com', ['email.sent', 'email.delivered']],
    ['Bounce@Simulator.AmazonSES.com', ['email.sent', 'email.bounced']],
    // A label, as SES allows, keeps the simulator's behaviour.
    ['bounce+label@simulator.amazonses.com', ['email.sent', 'email.bounced']],
    ['complaint+x@simulator.amazonses.com', ['email.sent', 'email.delivered', 'email.complained']],
  ])('to %s: %j, read by the deployed reader', (recipient, expected) => {
    expect(kinds([recipient])).toEqual(expected);
  });

  it.each([
    [{ open: false, click: false }, ['email.sent', 'email.delivered']],
    [{ open: true, click: false }, ['email.sent', 'email.delivered', 'email.opened']],
    [{ open: false, click: true }, ['email.sent', 'email.delivered', 'email.clicked']],
    [{ open: true, click: true }, ['email.sent', 'email.delivered', 'email.opened', 'email.clicked']],
  ])('follow the from domain’s tracking %j: %j', (tracking, expected) => {
    const events = sesEventsFor(
      { messageId: 'm-2', from: 'a@example.com', recipients: ['x@example.org'], tags: [], tracking },
      new Date(at),
    );
    expect(
      events
        .map((json) => readSesEvent(json))
        .map((read) => (read.kind === 'event' ? read.event.type : read.kind)),
    ).toEqual(expected);
  });

  it('has no open or click for a recipient that was never delivered, and none when tracking is absent', () => {
    const events = sesEventsFor(
      {
        messageId: 'm-3',
        from: 'a@example.com',
        recipients: ['bounce@simulator.amazonses.com'],
        tags: [],
        tracking: { open: true, click: true },
      },
      new Date(at),
    );
    expect(events.map((json) => json.eventType)).toEqual(['Send', 'Bounce']);
    expect(kinds(['x@example.org'])).toEqual(['email.sent', 'email.delivered']);
  });

  it('gives each event a later time than the one before and carries the tags as SES does', () => {
    const events = accepted(['x@example.org', 'complaint@simulator.amazonses.com']).map((json) =>
      readSesEvent(json),
    );
    const times = events.map((read) => (read.kind === 'event' ? read.event.occurredAt : ''));
    expect([...times].sort()).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
    expect((accepted(['x@example.org'])[0]?.mail as { tags: unknown }).tags).toMatchObject({ k: ['v'] });
  });
});
