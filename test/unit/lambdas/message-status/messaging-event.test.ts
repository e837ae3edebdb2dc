import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MESSAGE_STATUSES,
  type MessageStatus,
  messageStatusesBefore,
} from '../../../../lambdas/message-status/message-status.js';
import {
  INDEX_GRACE_MS,
  mayStillBeIndexed,
  readMessagingEvent,
  readSmsEvent,
  readWhatsappEvent,
  SMS_EVENT_MAPPING,
} from '../../../../lambdas/message-status/messaging-event.js';
import { failsLocally, localSmsEvents, localWhatsappEvents } from '../../../../local/messaging-events.js';

const at = new Date('2026-01-02T03:04:05.000Z');

/** AWS's documented SMS event example, as EventBridge's detail. */
const smsDetail = (eventType: string, extra: Record<string, unknown> = {}) => ({
  eventType,
  eventVersion: '1.0',
  eventTimestamp: at.getTime(),
  isFinal: true,
  originationPhoneNumber: '+12065550152',
  destinationPhoneNumber: '+14255550156',
  isInternationalSend: false,
  mcc: '310',
  mnc: '800',
  messageId: '862a8790-60c0-4430-9b2b-658bdexample',
  messageRequestTimestamp: at.getTime() - 300,
  messageEncoding: 'GSM',
  messageType: 'PROMOTIONAL',
  messageStatus: 'SUCCESSFUL',
  messageStatusDescription: 'Message has been accepted by phone carrier',
  context: { account: 'bar' },
  totalMessageParts: 1,
  totalMessagePrice: 0.09582,
  totalCarrierFee: 0.0,
  ...extra,
});

/** AWS's documented WhatsApp EventBridge detail. */
const whatsappDetail = (status: string, extra: Record<string, unknown> = {}) => ({
  wabaId: '1163793972139053',
  originationPhoneNumber: '15815555555',
  originationPhoneNumberId: '574086085794038',
  messageId: '4bee7d29-70f5-4a49-b84e-facf4424fe58',
  status,
  eventTimestamp: String(at.getTime() / 1000),
  ...extra,
});

describe('readSmsEvent', () => {
  it.each([
    ['TEXT_DELIVERED', 'sms.delivered', 'delivered'],
    ['TEXT_SUCCESSFUL', 'sms.delivered', 'delivered'],
    ['TEXT_BLOCKED', 'sms.failed', 'failed'],
    ['TEXT_TTL_EXPIRED', 'sms.failed', 'failed'],
    ['TEXT_CARRIER_UNREACHABLE', 'sms.failed', 'failed'],
    ['TEXT_INVALID', 'sms.failed', 'failed'],
    ['TEXT_UNREACHABLE', 'sms.failed', 'failed'],
    ['TEXT_SPAM', 'sms.failed', 'failed'],
    ['TEXT_UNKNOWN', 'sms.failed', 'failed'],
  ])('%s → %s, %s', (eventType, type, status) => {
    const read = readSmsEvent(smsDetail(eventType));
    expect(read).toMatchObject({
      kind: 'event',
      event: {
        channel: 'sms',
        providerMessageId: '862a8790-60c0-4430-9b2b-658bdexample',
        type,
        status,
        occurredAt: at.toISOString(),
        details: { provider_event: eventType, provider_status: 'SUCCESSFUL', parts: 1 },
      },
    });
  });

  it.each(['TEXT_QUEUED', 'TEXT_PENDING', 'TEXT_SOMETHING_NEW', 'VOICE_COMPLETED'])(
    'ignores %s',
    (eventType) => {
      expect(readSmsEvent(smsDetail(eventType)).kind).toBe('ignored');
    },
  );

  it.each([
    ['no messageId', smsDetail('TEXT_DELIVERED', { messageId: undefined })],
    ['an empty messageId', smsDetail('TEXT_DELIVERED', { messageId: '' })],
    ['no timestamp', smsDetail('TEXT_DELIVERED', { eventTimestamp: undefined })],
    ['a zero timestamp', smsDetail('TEXT_DELIVERED', { eventTimestamp: 0 })],
    ['not an object', 'TEXT_DELIVERED'],
  ])('refuses an event with %s as invalid', (_case, detail) => {
    expect(readSmsEvent(detail).kind).toBe('invalid');
  });

  it('never lets a mapped type be read as another event (the table is the only mapping)', () => {
    for (const [eventType, mapping] of Object.entries(SMS_EVENT_MAPPING)) {
      const read = readSmsEvent(smsDetail(eventType));
      if (mapping) expect(read).toMatchObject({ event: mapping });
      else expect(read.kind).toBe('ignored');
    }
  });

  it('gives the same fingerprint to copies of one event whatever their key order, and another to another', () => {
    const detail = smsDetail('TEXT_DELIVERED');
    const reordered = Object.fromEntries(Object.entries(detail).reverse());
    const fingerprint = (value: unknown) => {
      const read = readSmsEvent(value);
      return read.kind === 'event' ? read.event.fingerprint : undefined;
    };
    expect(fingerprint(reordered)).toBe(fingerprint(detail));
    expect(fingerprint(smsDetail('TEXT_DELIVERED', { eventTimestamp: at.getTime() + 1 }))).not.toBe(
      fingerprint(detail),
    );
  });
});

describe('readWhatsappEvent', () => {
  it.each([
    ['delivered', 'whatsapp.delivered', 'delivered'],
    ['read', 'whatsapp.read', 'read'],
    ['failed', 'whatsapp.failed', 'failed'],
    ['undeliverable', 'whatsapp.failed', 'failed'],
    ['DELIVERED', 'whatsapp.delivered', 'delivered'],
  ])('%s → %s, %s', (status, type, expected) => {
    expect(readWhatsappEvent(whatsappDetail(status))).toMatchObject({
      kind: 'event',
      event: {
        channel: 'whatsapp',
        providerMessageId: '4bee7d29-70f5-4a49-b84e-facf4424fe58',
        type,
        status: expected,
        occurredAt: at.toISOString(),
      },
    });
  });

  it('reads a failure reason from Meta errors', () => {
    const read = readWhatsappEvent(
      whatsappDetail('failed', { errors: [{ code: 131026, title: 'Undeliverable' }] }),
    );
    expect(read).toMatchObject({
      event: { details: { error_code: '131026', error_title: 'Undeliverable' } },
    });
  });

  it.each(['sent', 'accepted', 'deleted'])('ignores status %s', (status) => {
    expect(readWhatsappEvent(whatsappDetail(status)).kind).toBe('ignored');
  });

  it.each([
    ['no messageId', whatsappDetail('read', { messageId: undefined })],
    ['an unreadable timestamp', whatsappDetail('read', { eventTimestamp: 'yesterday' })],
    ['no status', whatsappDetail('read', { status: undefined })],
  ])('refuses an event with %s as invalid', (_case, detail) => {
    expect(readWhatsappEvent(detail).kind).toBe('invalid');
  });
});

describe('readMessagingEvent', () => {
  it('dispatches by EventBridge source and refuses any other source', () => {
    expect(
      readMessagingEvent({ source: 'aws.sms-voice', detail: smsDetail('TEXT_DELIVERED') }),
    ).toMatchObject({
      event: { channel: 'sms' },
    });
    expect(
      readMessagingEvent({ source: 'aws.social-messaging', detail: whatsappDetail('read') }),
    ).toMatchObject({
      event: { channel: 'whatsapp' },
    });
    expect(readMessagingEvent({ source: 'aws.ses', detail: smsDetail('TEXT_DELIVERED') }).kind).toBe(
      'invalid',
    );
    expect(readMessagingEvent(null).kind).toBe('invalid');
  });
});

describe('mayStillBeIndexed', () => {
  it.each([
    [0, true],
    [-60_000, true],
    [INDEX_GRACE_MS, true],
    [INDEX_GRACE_MS + 1, false],
    [72 * 3600_000, false],
  ])('an event %d ms before now: %s', (age, expected) => {
    expect(mayStillBeIndexed(new Date(at.getTime() - age).toISOString(), at)).toBe(expected);
  });
});

describe('the local stand-in events', () => {
  it.each([
    ['+14155550123', false],
    ['+14155550000', true],
    ['+447911100000', true],
    ['+14155500001', false],
  ])('%s fails locally: %s', (to, fails) => {
    expect(failsLocally(to)).toBe(fails);
  });

  it('are read by the deployed readers as delivered, or failed for a number ending in 0000', () => {
    const read = (events: unknown[]) =>
      events.map((event) => {
        const result = readMessagingEvent(event);
        return result.kind === 'event' ? [result.event.type, result.event.providerMessageId] : result.kind;
      });
    const message = { providerMessageId: 'p-1', from: '+12065550100', phoneNumberId: 'pn' };
    expect(read(localSmsEvents({ ...message, to: '+14155550123' }, at))).toEqual([['sms.delivered', 'p-1']]);
    expect(read(localSmsEvents({ ...message, to: '+14155550000' }, at))).toEqual([['sms.failed', 'p-1']]);
    expect(read(localWhatsappEvents({ ...message, to: '+14155550123' }, at))).toEqual([
      ['whatsapp.delivered', 'p-1'],
      ['whatsapp.read', 'p-1'],
    ]);
    expect(read(localWhatsappEvents({ ...message, to: '+14155550000' }, at))).toEqual([
      ['whatsapp.failed', 'p-1'],
    ]);
  });
});

describe('message status order', () => {
  it('moves forward only: applying statuses in any order ends at the highest', () => {
    const status = fc.constantFrom(...MESSAGE_STATUSES);
    fc.assert(
      fc.property(fc.array(status, { minLength: 1, maxLength: 10 }), (reported) => {
        // What the conditional update does: replace only a status listed before the new one.
        const final = reported.reduce<MessageStatus>(
          (current, next) => (messageStatusesBefore(next).includes(current) ? next : current),
          'queued',
        );
        const highest = [...reported, 'queued' as const].sort(
          (a, b) => MESSAGE_STATUSES.indexOf(b) - MESSAGE_STATUSES.indexOf(a),
        )[0];
        expect(final).toBe(highest);
      }),
    );
  });
});
