import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { validate } from '../../../../lambdas/http/validation.js';
import { sendEmailBatchSchema } from '../../../../lambdas/sending/email-schema.js';
import type { SendingV1Handlers } from '../../../../lambdas/sending/resend-adapter.js';
import {
  emailsOfMail,
  inSendGridTerms,
  mailboxOf,
  sendgridFieldOf,
  sendgridSendingHandlers,
} from '../../../../lambdas/sending/sendgrid-adapter.js';
import { type SendGridMail, sendgridMailSchema } from '../../../../lambdas/sending/sendgrid-schema.js';
import { authContextFor } from '../../../support/events.js';
import { readAuthContext } from '../../../../lambdas/keys/read-auth-context.js';

/** A body as `@sendgrid/mail` sends it, read by the route's schema. */
const mail = (body: Record<string, unknown>): SendGridMail =>
  validate(sendgridMailSchema, {
    from: { email: 'hello@example.com', name: 'Hello' },
    subject: 'Hi',
    content: [{ type: 'text/plain', value: 'plain' }],
    personalizations: [{ to: [{ email: 'a@example.org' }] }],
    ...body,
  });

describe('emailsOfMail', () => {
  it('maps every field of a personalization and of the request onto one /v1 email', () => {
    const { emails, sandbox } = emailsOfMail(
      mail({
        personalizations: [
          {
            to: [{ email: 'a@example.org', name: 'A' }],
            cc: [{ email: 'c@example.org' }],
            bcc: [{ email: 'b@example.org' }],
            subject: 'Own subject',
            headers: { 'X-Own': '1' },
            custom_args: { user: 'u-7' },
            dynamic_template_data: { name: 'Ada', count: 2 },
            send_at: 1_796_803_200,
          },
        ],
        reply_to: { email: 'reply@example.com' },
        content: [
          { type: 'text/plain', value: 'plain' },
          { type: 'text/html', value: '<p>html</p>' },
        ],
        attachments: [{ content: 'aGk=', filename: 'hi.txt', type: 'text/plain', disposition: 'attachment' }],
        categories: ['welcome'],
        headers: { 'X-Shared': '2', 'X-Own': 'overridden' },
        template_id: 'd-f43daeeaef504760851f727007e0b5d0',
      }),
    );
    expect(sandbox).toBe(false);
    expect(emails).toEqual([
      {
        to: ['"A" <a@example.org>'],
        cc: ['c@example.org'],
        bcc: ['b@example.org'],
        from: '"Hello" <hello@example.com>',
        reply_to: ['reply@example.com'],
        subject: 'Own subject',
        text: 'plain',
        html: '<p>html</p>',
        headers: { 'X-Shared': '2', 'X-Own': '1' },
        tags: [
          { name: 'welcome', value: 'category' },
          { name: 'user', value: 'u-7' },
        ],
        attachments: [{ content: 'aGk=', filename: 'hi.txt', content_type: 'text/plain' }],
        template: { id: 'd-f43daeeaef504760851f727007e0b5d0', variables: { name: 'Ada', count: 2 } },
        scheduled_at: '2026-12-09T08:00:00.000Z',
      },
    ]);
    // What it maps to is a valid /v1 batch.
    expect(() => validate(sendEmailBatchSchema, emails)).not.toThrow();
  });

  it('makes one email per personalization, each with its own recipients (sendMultiple)', () => {
    const { emails } = emailsOfMail(
      mail({
        personalizations: [{ to: [{ email: 'a@example.org' }] }, { to: [{ email: 'b@example.org' }] }],
      }),
    );
    expect(emails.map((email) => email.to)).toEqual([['a@example.org'], ['b@example.org']]);
    expect(emails.map((email) => email.subject)).toEqual(['Hi', 'Hi']);
  });

  it('takes reply_to_list as the reply-to list, and sandbox mode as check-only', () => {
    const { emails, sandbox } = emailsOfMail(
      mail({
        reply_to_list: [{ email: 'r1@example.com' }, { email: 'r2@example.com', name: 'R' }],
        mail_settings: { sandbox_mode: { enable: true } },
      }),
    );
    expect(emails[0]?.reply_to).toEqual(['r1@example.com', '"R" <r2@example.com>']);
    expect(sandbox).toBe(true);
  });

  it.each([
    [
      'a content type other than text/plain and text/html',
      { content: [{ type: 'text/calendar', value: 'x' }] },
      'content.0.type',
    ],
    [
      'an inline attachment',
      { attachments: [{ content: 'aGk=', filename: 'a.png', disposition: 'inline' }] },
      'attachments.0.disposition',
    ],
  ])('refuses %s with invalid_parameter naming it', (_case, body, field) => {
    expect(() => emailsOfMail(mail(body))).toThrow(
      expect.objectContaining({
        code: 'invalid_parameter',
        errors: [expect.objectContaining({ path: field })],
      }),
    );
  });

  it('refuses a second part of one type', () => {
    const content = [
      { type: 'text/plain', value: 'a' },
      { type: 'text/plain', value: 'b' },
    ];
    expect(() => emailsOfMail(mail({ content }))).toThrow(
      expect.objectContaining({
        code: 'validation_error',
        errors: [expect.objectContaining({ path: 'content.1' })],
      }),
    );
  });
});

describe('sendgridFieldOf', () => {
  const { origins } = emailsOfMail(
    mail({
      personalizations: [
        { to: [{ email: 'a@example.org' }] },
        { to: [{ email: 'b@example.org' }], custom_args: { plan: 'pro' }, send_at: 1 },
      ],
      categories: ['one', 'two'],
      attachments: [{ content: 'aGk=', filename: 'a.txt', type: 'text/plain' }],
      template_id: 'welcome',
    }),
  );
  it.each([
    ['0.to.0', 'personalizations.0.to.0'],
    ['1.tags.1.value', 'categories.1'],
    ['1.tags.2.name', 'personalizations.1.custom_args.plan'],
    ['0.from', 'from'],
    ['1.scheduled_at', 'personalizations.1.send_at'],
    ['0.scheduled_at', 'send_at'],
    ['0.html', 'content'],
    ['0.attachments.0.content_type', 'attachments.0.type'],
    ['0.attachments.0.filename', 'attachments.0.filename'],
    ['1.template.variables.name', 'personalizations.1.dynamic_template_data.name'],
    ['0.template.id', 'template_id'],
    ['1', 'personalizations.1'],
    ['', null],
  ])('names /v1 path %j as SendGrid field %j', (path, field) => {
    expect(sendgridFieldOf(path, origins)).toBe(field);
  });
});

describe('inSendGridTerms', () => {
  it('renames the paths and the sentences of an error, keeping its code', () => {
    const { origins } = emailsOfMail(mail({ categories: ['has space'] }));
    const error = new ApiError('validation_error', {
      message: 'Item 0: tags.0.name must be 1 to 256 letters, digits, _ or -.',
      errors: [
        { path: '0.tags.0.name', message: 'Item 0: tags.0.name must be 1 to 256 letters, digits, _ or -.' },
      ],
    });
    const renamed = inSendGridTerms(error, origins);
    expect(renamed.code).toBe('validation_error');
    expect(renamed.errors).toEqual([
      { path: 'categories.0', message: 'categories.0 must be 1 to 256 letters, digits, _ or -.' },
    ]);
    expect(renamed.message).toBe('categories.0 must be 1 to 256 letters, digits, _ or -.');
  });

  it('keeps an error that names no field', () => {
    const error = new ApiError('domain_not_verified');
    expect(inSendGridTerms(error, [])).toBe(error);
  });
});

describe('mailboxOf', () => {
  it('quotes a display name and leaves a bare address bare', () => {
    expect(mailboxOf({ email: 'a@example.org', name: 'Doe, Jane' })).toBe('"Doe, Jane" <a@example.org>');
    expect(mailboxOf({ email: 'a@example.org' })).toBe('a@example.org');
  });
});

describe('sendgridSendingHandlers', () => {
  const auth = readAuthContext(authContextFor({ projectId: 'proj_a', permission: 'full_access' }));
  const request = (body: SendGridMail) => ({
    auth,
    body,
    headers: {},
    params: undefined,
    query: undefined,
    requestId: 'r',
    markReplayed: () => undefined,
  });
  const v1 = (sendEmailBatch: SendingV1Handlers['sendEmailBatch']) =>
    ({ sendEmailBatch }) as unknown as SendingV1Handlers;

  it('sends through the /v1 batch and answers the first id as X-Message-Id', async () => {
    const batch = vi.fn(async () => ({ data: [{ id: 'em_1' }, { id: 'em_2' }] }));
    const { sendgridSendMail } = sendgridSendingHandlers(v1(batch), vi.fn());
    const answer = await sendgridSendMail(
      request(
        mail({
          personalizations: [{ to: [{ email: 'a@example.org' }] }, { to: [{ email: 'b@example.org' }] }],
        }),
      ),
    );
    expect(answer).toEqual({ body: undefined, headers: { 'x-message-id': 'em_1' } });
    expect(batch).toHaveBeenCalledWith(
      expect.objectContaining({ body: [expect.anything(), expect.anything()] }),
    );
  });

  it('in sandbox mode runs the checks and sends nothing: 200', async () => {
    const batch = vi.fn();
    const check = vi.fn(async () => []);
    const { sendgridSendMail } = sendgridSendingHandlers(v1(batch), check);
    const answer = await sendgridSendMail(
      request(mail({ mail_settings: { sandbox_mode: { enable: true } } })),
    );
    expect(answer).toEqual({ body: undefined, headers: {}, status: 200 });
    expect(check).toHaveBeenCalledOnce();
    expect(batch).not.toHaveBeenCalled();
  });

  it('checks every personalization with the /v1 rules before anything is sent, naming SendGrid fields', async () => {
    const batch = vi.fn();
    const { sendgridSendMail } = sendgridSendingHandlers(v1(batch), vi.fn());
    const sent = sendgridSendMail(
      request(
        mail({
          personalizations: [{ to: [{ email: 'a@example.org' }] }, { to: [{ email: 'not an address' }] }],
        }),
      ),
    );
    await expect(sent).rejects.toMatchObject({
      code: 'validation_error',
      errors: [expect.objectContaining({ path: 'personalizations.1.to.0' })],
    });
    expect(batch).not.toHaveBeenCalled();
  });

  it('renames the fields of an error the /v1 batch answers', async () => {
    const batch = vi.fn(async () => {
      throw new ApiError('validation_error', {
        message: 'scheduled_at must be at least 1 minute ahead.',
        errors: [{ path: '0.scheduled_at', message: 'scheduled_at must be at least 1 minute ahead.' }],
      });
    });
    const { sendgridSendMail } = sendgridSendingHandlers(v1(batch), vi.fn());
    await expect(sendgridSendMail(request(mail({ send_at: 1 })))).rejects.toMatchObject({
      errors: [{ path: 'send_at', message: 'send_at must be at least 1 minute ahead.' }],
    });
  });
});
