import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { validate } from '../../../../lambdas/http/validation.js';
import { applyTemplate } from '../../../../lambdas/sending/apply-template.js';
import { sendEmailSchema } from '../../../../lambdas/sending/email-schema.js';
import type { TemplateRecord } from '../../../../lambdas/templates/template-store.js';

const template: TemplateRecord = {
  id: 'tpl_0VbnqK3m8a2Jx7Qp1Zr5Tt',
  projectId: 'proj_a',
  name: 'Welcome',
  subject: 'Welcome, {{name}}',
  html: '<p>Hi {{name}}, you have {{count}} messages{{#vip}} (VIP){{/vip}}</p>',
  text: 'Hi {{name}}, {{count}} messages',
  from: 'Team <team@example.com>',
  replyTo: ['help@example.com'],
  variables: [
    { key: 'name', type: 'string', fallback: 'friend' },
    { key: 'count', type: 'number' },
    { key: 'vip', type: 'boolean', fallback: false },
  ],
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const send = (body: Record<string, unknown>) =>
  validate(sendEmailSchema, { to: 'someone@example.com', ...body });

const failure = (run: () => unknown): ApiError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
};

describe('applyTemplate', () => {
  it('renders every field from the template, with values and fallbacks', () => {
    const email = applyTemplate(
      send({ template: { id: 'welcome', variables: { count: 3, vip: true } } }),
      template,
    );
    expect(email).toMatchObject({
      from: 'Team <team@example.com>',
      reply_to: ['help@example.com'],
      to: ['someone@example.com'],
      subject: 'Welcome, friend',
      html: '<p>Hi friend, you have 3 messages (VIP)</p>',
      text: 'Hi friend, 3 messages',
    });
    expect(email).not.toHaveProperty('template');
  });

  it('lets each field given explicitly win over the template', () => {
    const email = applyTemplate(
      send({
        from: 'me@example.org',
        reply_to: 'me@example.org',
        subject: 'Mine',
        text: 'My text',
        template: { id: 'welcome', variables: { count: 1 } },
      }),
      template,
    );
    expect(email).toMatchObject({
      from: 'me@example.org',
      reply_to: ['me@example.org'],
      subject: 'Mine',
      text: 'My text',
      html: '<p>Hi friend, you have 1 messages</p>',
    });
  });

  it('needs no value for a variable only the overridden fields use', () => {
    const email = applyTemplate(
      send({ subject: 'S', html: '<p>h</p>', text: 't', template: { id: 'welcome' } }),
      template,
    );
    expect(email).toMatchObject({ subject: 'S', html: '<p>h</p>', text: 't' });
  });

  it('answers 422 missing_variable naming each used variable with no value and no fallback', () => {
    const error = failure(() => applyTemplate(send({ template: { id: 'welcome' } }), template));
    expect(error.code).toBe('missing_variable');
    expect(error.status).toBe(422);
    expect(error.errors).toEqual([
      {
        path: 'template.variables.count',
        message: 'template.variables.count is required: the template uses it and declares no fallback.',
      },
    ]);
  });

  it('answers 400 for a value of the wrong type, before looking for missing ones', () => {
    const error = failure(() =>
      applyTemplate(send({ template: { id: 'welcome', variables: { name: 5 } } }), template),
    );
    expect(error.code).toBe('validation_error');
    expect(error.errors).toEqual([
      {
        path: 'template.variables.name',
        message: 'template.variables.name must be a string, as the template declares.',
      },
    ]);
  });

  it('answers 400 for a rendered subject that holds a line break', () => {
    const error = failure(() =>
      applyTemplate(
        send({ template: { id: 'welcome', variables: { name: 'a\r\nBcc: x@evil.example', count: 1 } } }),
        template,
      ),
    );
    expect(error.code).toBe('validation_error');
    expect(error.errors).toEqual([
      { path: 'subject', message: 'subject, as rendered from the template, must not contain line breaks.' },
    ]);
  });

  it('answers 400 naming from, subject and html when neither the request nor the template gives them', () => {
    const bare: TemplateRecord = {
      ...template,
      subject: undefined,
      html: undefined,
      text: undefined,
      from: undefined,
    };
    const error = failure(() => applyTemplate(send({ template: { id: 'welcome' } }), bare));
    expect(error.code).toBe('validation_error');
    expect(error.errors?.map((problem) => problem.path)).toEqual(['from', 'subject', 'html']);
  });

  it('treats a body that renders to nothing as absent', () => {
    const onlyName: TemplateRecord = { ...template, html: '{{name}}', text: undefined };
    const error = failure(() =>
      applyTemplate(send({ template: { id: 'welcome', variables: { name: '' } } }), onlyName),
    );
    expect(error.errors?.map((problem) => problem.path)).toEqual(['html']);
  });

  it('passes a send without a template through unchanged', () => {
    const input = send({ from: 'a@example.com', subject: 'S', text: 'T' });
    expect(applyTemplate(input, undefined)).toEqual(input);
  });
});

describe('the send schema with a template', () => {
  it('makes from, subject and the body optional when a template is named', () => {
    expect(() => send({ template: { id: 'welcome' } })).not.toThrow();
  });

  it('still requires them without a template', () => {
    const error = failure(() => send({}));
    expect(error.errors?.map((problem) => problem.path)).toEqual(['from', 'subject', 'html']);
  });

  it.each([
    [{ id: '' }, 'template.id'],
    [{ id: 'x', variables: { a: { nested: true } } }, 'template.variables.a'],
    [{ id: 'x', variables: { a: null } }, 'template.variables.a'],
    [{ id: 'x', variables: { a: 'x'.repeat(70_000) } }, 'template.variables'],
    [{ id: 'x', extra: 1 }, 'template.extra'],
  ])('answers 400 for template %j at %s', (reference, path) => {
    const error = failure(() => send({ template: reference }));
    expect(error.code).toBe('validation_error');
    expect(error.errors?.map((problem) => problem.path)).toEqual([path]);
  });
});
