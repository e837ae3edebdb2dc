/** The batch body: 1 to 100 emails, every one validated, problems named by position. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { validate } from '../../../../lambdas/http/validation.js';
import { SENDING_CONTRACTS } from '../../../../lambdas/sending/contracts.js';

const schema = SENDING_CONTRACTS.sendEmailBatch.body;
const email = (overrides: Record<string, unknown> = {}) => ({
  from: 'a@example.com',
  to: 'b@example.com',
  subject: 's',
  text: 't',
  ...overrides,
});

function refusal(body: unknown): ApiError {
  try {
    validate(schema, body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('the sendEmailBatch body', () => {
  it('accepts 100 emails', () => {
    expect(
      validate(
        schema,
        Array.from({ length: 100 }, () => email()),
      ),
    ).toHaveLength(100);
  });

  it.each([
    [
      '101 emails',
      Array.from({ length: 101 }, () => email()),
      'The request body must have at most 100 items.',
    ],
    ['no email', [], 'The request body must not be empty.'],
    ['an object instead of a list', email(), 'The request body must be a list.'],
  ])('refuses %s', (_case, body, message) => {
    expect(refusal(body)).toMatchObject({ code: 'validation_error', message });
  });

  it('names every problem by its email’s position', () => {
    const error = refusal([
      email(),
      email({ to: 'nope' }),
      'not an email',
      email({ attachments: [{ filename: 'x.exe', content: 'aGk=' }] }),
    ]);
    expect(error.errors).toEqual([
      {
        path: '1.to',
        message: 'Item 1: to must be an email address or "Name <address>" (at most 320 characters).',
      },
      { path: '2', message: 'Item 2 must be a JSON object.' },
      {
        path: '3.attachments.0.filename',
        message:
          'Item 3: attachments.0.filename must not have an extension that mail providers block (such as .exe, .js or .bat).',
      },
    ]);
  });
});
