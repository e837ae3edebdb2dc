import { describe, expect, it } from 'vitest';
import { EMAIL_STATUSES } from '../../../../lambdas/message-status/email-status.js';
import { EMAIL_EVENT_TYPES } from '../../../../lambdas/shared/event-types.js';
import { type EmailJson, RESEND_LAST_EVENTS } from '../../../../lambdas/sending/contracts.js';
import {
  batchItemOf,
  resendEmailOf,
  resendLastEventOf,
  resendListedEmailOf,
} from '../../../../lambdas/sending/resend-adapter.js';

const EMAIL: EmailJson = {
  object: 'email',
  id: 'em_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw',
  from: 'Scopegate <hello@example.com>',
  to: ['to@example.org'],
  cc: ['cc@example.org'],
  bcc: [],
  reply_to: ['reply@example.org'],
  subject: 'Hi',
  tags: [{ name: 'kind', value: 'welcome' }],
  status: 'delivered',
  ses_message_id: '0100018c-ses',
  failure_reason: null,
  scheduled_at: null,
  headers: { 'X-Entity-Ref-ID': 'ref-1' },
  broadcast_id: null,
  last_event: 'email.opened',
  suppressed: [],
  created_at: '2026-11-24T12:00:00.000Z',
  updated_at: '2026-11-24T12:00:05.000Z',
};

describe('resendEmailOf', () => {
  it("answers exactly the fields of Resend's GetEmailResponseSuccess, bodies null", () => {
    expect(resendEmailOf(EMAIL)).toStrictEqual({
      object: 'email',
      id: EMAIL.id,
      from: EMAIL.from,
      to: ['to@example.org'],
      cc: ['cc@example.org'],
      bcc: [],
      reply_to: ['reply@example.org'],
      subject: 'Hi',
      created_at: EMAIL.created_at,
      scheduled_at: null,
      last_event: 'opened',
      message_id: '0100018c-ses',
      html: null,
      text: null,
      tags: [{ name: 'kind', value: 'welcome' }],
    });
  });

  it('leaves message_id out until SES has accepted the email', () => {
    const scheduled = { ...EMAIL, ses_message_id: null, status: 'scheduled', last_event: null } as const;
    expect(resendEmailOf(scheduled)).not.toHaveProperty('message_id');
    expect(resendEmailOf(scheduled)).toMatchObject({ last_event: 'scheduled' });
  });
});

describe('resendListedEmailOf', () => {
  it("answers ListEmail: emails.get's fields without object, bodies and tags", () => {
    const listed = resendListedEmailOf(EMAIL);
    expect(Object.keys(listed).sort()).toEqual(
      Object.keys(resendEmailOf(EMAIL))
        .filter((key) => !['object', 'html', 'text', 'tags'].includes(key))
        .sort(),
    );
  });
});

describe('resendLastEventOf', () => {
  it.each(EMAIL_EVENT_TYPES)('reads the SES event %s without its email. prefix', (type) => {
    expect(resendLastEventOf({ last_event: type, status: 'sent' })).toBe(type.slice('email.'.length));
  });

  it.each(EMAIL_STATUSES)('answers a Resend word for an email in %s with no SES event yet', (status) => {
    const event = resendLastEventOf({ last_event: null, status });
    expect(RESEND_LAST_EVENTS).toContain(event);
    expect(event).toBe(status === 'sending' ? 'queued' : status);
  });
});

describe('batchItemOf', () => {
  it("reads a valid email with the /v1 send's schema", () => {
    const item = batchItemOf({ from: 'a@example.com', to: 'b@example.org', subject: 's', text: 'x' });
    expect(item).toMatchObject({ input: { from: 'a@example.com', to: ['b@example.org'], subject: 's' } });
  });

  it("answers an invalid email's problem in the /v1 send's words", () => {
    expect(batchItemOf({ from: 'a@example.com', to: 'b@example.org', text: 'x' })).toEqual({
      refused: 'subject is required.',
    });
    expect(batchItemOf('not an email')).toEqual({ refused: 'The request body must be a JSON object.' });
  });
});
