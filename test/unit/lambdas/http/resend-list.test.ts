/** Resend's list paging: `after`/`before` an item id, answered newest first with `has_more`. */
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { answerResendPage, resendListQuerySchema } from '../../../../lambdas/http/resend-list.js';

describe('resendListQuerySchema', () => {
  it('takes limit (default 20) and after or before, not both', () => {
    expect(z.parse(resendListQuerySchema, {})).toEqual({ limit: 20 });
    expect(z.parse(resendListQuerySchema, { limit: '5', after: 'a' })).toEqual({ limit: 5, after: 'a' });
    expect(z.safeParse(resendListQuerySchema, { after: 'a', before: 'b' }).success).toBe(false);
    expect(z.safeParse(resendListQuerySchema, { limit: '101' }).success).toBe(false);
    expect(z.safeParse(resendListQuerySchema, { cursor: 'x' }).success).toBe(false);
  });
});

describe('answerResendPage', () => {
  it('reads newest first from after, and says whether there is more', async () => {
    const load = vi.fn(async () => ({ items: ['c', 'b'], nextAfter: 'sk' }));
    expect(await answerResendPage({ limit: 2, after: 'd' }, load)).toEqual({
      object: 'list',
      data: ['c', 'b'],
      has_more: true,
    });
    expect(load).toHaveBeenCalledWith({ limit: 2, fromId: 'd', oldestFirst: false });
  });

  it('reads oldest first from before and answers that page newest first', async () => {
    const load = vi.fn(async () => ({ items: ['b', 'c'], nextAfter: undefined }));
    expect(await answerResendPage({ limit: 2, before: 'a' }, load)).toEqual({
      object: 'list',
      data: ['c', 'b'],
      has_more: false,
    });
    expect(load).toHaveBeenCalledWith({ limit: 2, fromId: 'a', oldestFirst: true });
  });

  it('starts from the newest without either', async () => {
    const load = vi.fn(async () => ({ items: [], nextAfter: undefined }));
    await answerResendPage({ limit: 20 }, load);
    expect(load).toHaveBeenCalledWith({ limit: 20, fromId: undefined, oldestFirst: false });
  });
});
