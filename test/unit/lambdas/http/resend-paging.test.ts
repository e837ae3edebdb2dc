import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { pageRequestOf, resendPage } from '../../../../lambdas/http/resend-paging.js';

const placeOf = (id: string) => (id.startsWith('bc_') ? `BROADCAST#${id}` : undefined);

describe('pageRequestOf', () => {
  it.each([
    [{ limit: 5 }, { limit: 5, after: undefined, backwards: false }],
    [
      { limit: 5, after: 'bc_1' },
      { limit: 5, after: 'BROADCAST#bc_1', backwards: false },
    ],
    [
      { limit: 5, before: 'bc_1' },
      { limit: 5, after: 'BROADCAST#bc_1', backwards: true },
    ],
  ])('reads %j as %j', (query, request) => {
    expect(pageRequestOf(query, placeOf)).toEqual(request);
  });

  it.each([
    [{ limit: 5, after: 'bc_1', before: 'bc_2' }, 'after'],
    [{ limit: 5, after: 'em_1' }, 'after'],
    [{ limit: 5, before: 'em_1' }, 'before'],
  ])('refuses %j naming %s', (query, path) => {
    try {
      pageRequestOf(query, placeOf);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 'validation_error', errors: [{ path }] });
    }
  });
});

describe('resendPage', () => {
  it("turns a backwards page round, so it reads in the list's order", async () => {
    const page = await resendPage({ limit: 2, before: 'bc_1' }, placeOf, async () => ({
      items: ['bc_2', 'bc_3'],
      nextAfter: 'BROADCAST#bc_3',
    }));
    expect(page).toEqual({ object: 'list', data: ['bc_3', 'bc_2'], has_more: true });
  });

  it('has no more after the last page', async () => {
    const page = await resendPage({ limit: 2 }, placeOf, async () => ({
      items: ['bc_2'],
      nextAfter: undefined,
    }));
    expect(page).toEqual({ object: 'list', data: ['bc_2'], has_more: false });
  });
});
