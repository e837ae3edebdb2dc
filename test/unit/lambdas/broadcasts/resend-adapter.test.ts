import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  audienceOf,
  createInputOf,
  fromResendPlaceholders,
  resendAudienceOf,
  resendBroadcastJson,
  resendStatusOf,
  statusesOf,
  updateInputOf,
} from '../../../../lambdas/broadcasts/resend-adapter.js';
import type { BroadcastJson } from '../../../../lambdas/broadcasts/contracts.js';

describe('fromResendPlaceholders', () => {
  it.each([
    ['Hi {{{FIRST_NAME}}}', 'Hi {{contact.first_name}}'],
    ['{{{LAST_NAME}}} {{{EMAIL}}}', '{{contact.last_name}} {{contact.email}}'],
    ['<a href="{{{RESEND_UNSUBSCRIBE_URL}}}">', '<a href="{{unsubscribe_url}}">'],
    ['{{{ plan }}}', '{{contact.properties.plan}}'],
    [
      'Hi {{{FIRST_NAME|there}}}',
      'Hi {{#contact.first_name}}{{contact.first_name}}{{/contact.first_name}}{{^contact.first_name}}there{{/contact.first_name}}',
    ],
    ['{{contact.first_name}} stays', '{{contact.first_name}} stays'],
  ])('reads %j as %j', (source, expected) => {
    expect(fromResendPlaceholders(source)).toBe(expected);
  });

  it('leaves no triple braces (raw HTML in Mustache) of a placeholder behind', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_]{1,20}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), name)), (parts) => {
        const plain = parts.map(([text]) => text.replace(/[{}]/g, ''));
        const source = parts.map(([, placeholder], index) => `${plain[index]}{{{${placeholder}}}}`).join('');
        expect(fromResendPlaceholders(source)).not.toContain('{{{');
      }),
    );
  });
});

describe('audiences', () => {
  it.each([
    ['lst_1', { list_id: 'lst_1' }],
    ['seg_1', { segment_id: 'seg_1' }],
    ['78261eea-8f8b-4381-83c6-79fa7120f1cf', { list_id: '78261eea-8f8b-4381-83c6-79fa7120f1cf' }],
  ])('reads %s as %j', (id, audience) => {
    expect(audienceOf(id)).toEqual(audience);
  });

  it('takes audience_id as the older name of segment_id, and refuses two different ones', () => {
    expect(resendAudienceOf({ audience_id: 'lst_1' })).toEqual({ list_id: 'lst_1' });
    expect(resendAudienceOf({ segment_id: 'lst_1', audience_id: 'lst_1' })).toEqual({ list_id: 'lst_1' });
    expect(resendAudienceOf({})).toBeUndefined();
    expect(() => resendAudienceOf({ segment_id: 'lst_1', audience_id: 'lst_2' })).toThrow(/audience_id/);
  });
});

describe('resendStatusOf', () => {
  it.each([
    ['draft', 'draft'],
    ['scheduled', 'queued'],
    ['sending', 'queued'],
    ['sent', 'sent'],
    ['canceled', 'canceled'],
    ['failed', 'canceled'],
  ] as const)('reads %s as %s', (status, resend) => {
    expect(resendStatusOf(status)).toBe(resend);
  });
});

describe('statusesOf', () => {
  it('counts every email sent as sent, and refuses the events scopegate does not keep', () => {
    expect(statusesOf('sent')).toEqual(['sent', 'delivered', 'bounced', 'complained']);
    expect(statusesOf('suppressed')).toEqual(['suppressed']);
    expect(statusesOf('opened')).toBeUndefined();
    expect(statusesOf('clicked')).toBeUndefined();
  });
});

describe('createInputOf and updateInputOf', () => {
  it("map Resend's body onto /v1's, the name defaulted", () => {
    expect(
      createInputOf({
        segment_id: 'lst_1',
        from: 'a@example.com',
        subject: 'Hi {{{FIRST_NAME}}}',
        text: 't',
      }),
    ).toEqual({
      name: 'Untitled',
      from: 'a@example.com',
      subject: 'Hi {{contact.first_name}}',
      text: 't',
      audience: { list_id: 'lst_1' },
    });
  });

  it('change only the fields given', () => {
    expect(updateInputOf({ html: '{{{EMAIL}}}' })).toEqual({ html: '{{contact.email}}' });
    expect(updateInputOf({})).toEqual({});
  });
});

describe('resendBroadcastJson', () => {
  const broadcast: BroadcastJson = {
    object: 'broadcast',
    id: 'bc_1',
    name: 'n',
    from: 'a@example.com',
    reply_to: [],
    subject: 's',
    html: null,
    text: 't',
    template: null,
    audience: { segment_id: 'seg_1' },
    tags: [],
    status: 'sending',
    failure_reason: null,
    scheduled_at: null,
    started_at: '2026-12-07T00:00:00.000Z',
    completed_at: null,
    counts: { recipients: 0, sent: 0, failed: 0, suppressed: 0, unsubscribed: 0, skipped: 0 },
    created_at: '2026-12-06T00:00:00.000Z',
    updated_at: '2026-12-07T00:00:00.000Z',
  };

  it("is a /v1 broadcast in Resend's shape", () => {
    expect(resendBroadcastJson(broadcast)).toEqual({
      object: 'broadcast',
      id: 'bc_1',
      name: 'n',
      segment_id: 'seg_1',
      audience_id: null,
      from: 'a@example.com',
      subject: 's',
      reply_to: null,
      preview_text: null,
      status: 'queued',
      created_at: '2026-12-06T00:00:00.000Z',
      scheduled_at: null,
      sent_at: '2026-12-07T00:00:00.000Z',
      topic_id: null,
      html: null,
      text: 't',
    });
  });
});
