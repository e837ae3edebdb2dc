import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { refuseUnsupportedFields } from '../../../../lambdas/http/unsupported-fields.js';

const PATHS = ['topic_id', 'attachments[].path', 'mail_settings.ip_pool'];

function refusedField(body: unknown): string | undefined {
  try {
    refuseUnsupportedFields(PATHS, body);
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    expect(error.code).toBe('invalid_parameter');
    return error.errors?.[0]?.path;
  }
}

describe('refuseUnsupportedFields', () => {
  it.each([
    [{ topic_id: 'tp_1' }, 'topic_id'],
    [{ topic_id: false }, 'topic_id'],
    [{ attachments: [{ content: 'aGk=' }, { path: 'https://example.org/a.pdf' }] }, 'attachments.1.path'],
    [{ mail_settings: { ip_pool: 'x' } }, 'mail_settings.ip_pool'],
  ])('refuses %j naming %s', (body, field) => {
    expect(refusedField(body)).toBe(field);
  });

  it.each([
    [{ to: 'a@example.org' }],
    [{ attachments: [{ content: 'aGk=' }] }],
    [{ attachments: 'not a list' }],
    [[{ topic_id: 'in a list body: not this rule’s business' }]],
    [undefined],
    ['text'],
  ])('lets %j through untouched', (body) => {
    expect(refuseUnsupportedFields(PATHS, body)).toEqual(body);
  });

  it('reads a leading [] as each item of a list body (a batch), naming the item', () => {
    const batchPaths = ['[].topic_id', '[].attachments[].path'];
    const refuse = (body: unknown) => () => refuseUnsupportedFields(batchPaths, body);
    expect(refuse([{ to: 'a@example.org' }, { topic_id: 'tp_1' }])).toThrow(
      expect.objectContaining({
        code: 'invalid_parameter',
        errors: [expect.objectContaining({ path: '1.topic_id' })],
      }),
    );
    expect(refuse([{ attachments: [{ path: 'https://example.org/a.pdf' }] }])).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ path: '0.attachments.0.path' })] }),
    );
    expect(refuseUnsupportedFields(batchPaths, [{ to: 'a@example.org', topic_id: null }])).toEqual([
      { to: 'a@example.org' },
    ]);
    expect(refuseUnsupportedFields(batchPaths, { topic_id: 'not a list body' })).toEqual({
      topic_id: 'not a list body',
    });
  });

  it('drops a field set to null, without changing the body it was given', () => {
    const body = { to: 'a@example.org', topic_id: null, attachments: [{ content: 'aGk=', path: null }] };
    expect(refuseUnsupportedFields(PATHS, body)).toEqual({
      to: 'a@example.org',
      attachments: [{ content: 'aGk=' }],
    });
    expect(body.topic_id).toBeNull();
  });
});
