import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Documents } from '../../../../lambdas/aws/aws-clients.js';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { decodeCursor } from '../../../../lambdas/http/cursor.js';
import {
  resendListOf,
  resendListQuerySchema,
  type ResendPaging,
  v1ListQuery,
} from '../../../../lambdas/http/resend-paging.js';

const SECRET = randomBytes(32);
/** A Data table holding only the cursor secret. */
const store = {
  dataTable: `data-${randomBytes(4).toString('hex')}`,
  documents: {
    send: () => Promise.resolve({ Item: { secret: SECRET.toString('base64') } }),
  } as unknown as Documents,
};
const scope = { projectId: 'proj_1', routeId: 'listWebhooks' };
const paging: ResendPaging = {
  store,
  scope,
  positionOf: (id) => (id.startsWith('wh_') ? `WEBHOOK#${id}` : undefined),
};

function codeOf(run: () => unknown): Promise<{ code: string; message: string }> {
  return Promise.resolve()
    .then(run)
    .then(
      () => ({ code: 'none', message: '' }),
      (error: unknown) =>
        error instanceof ApiError
          ? { code: error.code, message: error.message }
          : { code: 'other', message: '' },
    );
}

describe('resendListQuerySchema', () => {
  it('takes limit (default 20, 1–100) and after/before, and nothing else', () => {
    expect(resendListQuerySchema.parse({})).toEqual({ limit: 20 });
    expect(resendListQuerySchema.parse({ limit: '5', after: 'wh_1' })).toEqual({ limit: 5, after: 'wh_1' });
    expect(resendListQuerySchema.safeParse({ limit: '101' }).success).toBe(false);
    expect(resendListQuerySchema.safeParse({ cursor: 'x' }).success).toBe(false);
  });
});

describe('v1ListQuery', () => {
  it('answers the first page without after', async () => {
    expect(await v1ListQuery(paging, { limit: 7 })).toEqual({ limit: 7 });
  });

  it('turns after into the cursor /v1 issues for that item: same project, route and position', async () => {
    const query = await v1ListQuery(paging, { limit: 2, after: 'wh_abc' });
    expect(query.limit).toBe(2);
    expect(decodeCursor(SECRET, scope, String(query.cursor))).toBe('WEBHOOK#wh_abc');
    // Bound to its route: another list refuses it.
    expect(() => decodeCursor(SECRET, { ...scope, routeId: 'listContacts' }, String(query.cursor))).toThrow();
  });

  it('refuses before by name (422 invalid_parameter): lists page forward only', async () => {
    expect(await codeOf(() => v1ListQuery(paging, { limit: 2, before: 'wh_abc' }))).toMatchObject({
      code: 'invalid_parameter',
      message: expect.stringContaining('before'),
    });
  });

  it('refuses an after that is not an id of the list, rather than answer a first page', async () => {
    expect(await codeOf(() => v1ListQuery(paging, { limit: 2, after: 'ct_abc' }))).toMatchObject({
      code: 'validation_error',
      message: expect.stringContaining('after'),
    });
  });
});

describe('resendListOf', () => {
  it('answers the page in Resend’s shape, without next_cursor', () => {
    const page = { object: 'list', data: [1, 2], has_more: true, next_cursor: 'c' };
    expect(resendListOf(page, (n) => n * 10)).toEqual({ object: 'list', has_more: true, data: [10, 20] });
  });
});
