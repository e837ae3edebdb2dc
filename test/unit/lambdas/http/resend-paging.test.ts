import fc from 'fast-check';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import {
  answerResendPage,
  type PositionPage,
  resendListQuerySchema,
} from '../../../../lambdas/http/resend-paging.js';

/** A list held in memory the way a project's items are: sort keys, read newest (highest) first. */
function memoryList(ids: readonly string[]) {
  const keys = [...new Set(ids)].sort().map((id) => `ITEM#${id}`);
  const positionOf = (id: string) => (/^it_\d+$/.test(id) ? `ITEM#${id}` : undefined);
  const load = ({ limit, after, direction }: PositionPage) => {
    const order = direction === 'forward' ? [...keys].reverse() : keys;
    const rest = order.filter((key) =>
      after === undefined ? true : direction === 'forward' ? key < after : key > after,
    );
    const page = rest.slice(0, limit);
    return Promise.resolve({
      items: page.map((key) => key.slice('ITEM#'.length)),
      nextAfter: rest.length > limit ? page.at(-1) : undefined,
    });
  };
  return { newestFirst: [...keys].reverse().map((key) => key.slice('ITEM#'.length)), positionOf, load };
}

const query = (raw: Record<string, string>) => z.parse(resendListQuerySchema, raw);
const idsArbitrary = fc
  .uniqueArray(fc.integer({ min: 100, max: 999 }), { maxLength: 30 })
  .map((numbers) => numbers.map((n) => `it_${n}`));

describe('answerResendPage', () => {
  it('pages forward with after through every item once, in the list order', async () => {
    await fc.assert(
      fc.asyncProperty(idsArbitrary, fc.integer({ min: 1, max: 7 }), async (ids, limit) => {
        const list = memoryList(ids);
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await answerResendPage(
            query({ limit: String(limit), ...(after === undefined ? {} : { after }) }),
            list.positionOf,
            list.load,
          );
          expect(page.object).toBe('list');
          seen.push(...page.data);
          if (!page.has_more) break;
          after = page.data.at(-1);
        }
        expect(seen).toEqual(list.newestFirst);
      }),
    );
  });

  it('answers with before the items just before the id, in the list order', async () => {
    await fc.assert(
      fc.asyncProperty(
        idsArbitrary.filter((ids) => ids.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 7 }),
        async (ids, pick, limit) => {
          const list = memoryList(ids);
          const at = pick % list.newestFirst.length;
          const before = list.newestFirst[at] ?? '';
          const page = await answerResendPage(
            query({ limit: String(limit), before }),
            list.positionOf,
            list.load,
          );
          expect(page.data).toEqual(list.newestFirst.slice(Math.max(0, at - limit), at));
          expect(page.has_more).toBe(at > limit);
        },
      ),
    );
  });

  it.each(['after', 'before'])('refuses a %s that is not an id of the list, naming it', async (name) => {
    const list = memoryList(['it_100']);
    const error = await answerResendPage(query({ [name]: 'em_x' }), list.positionOf, list.load).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'validation_error', errors: [{ path: name }] });
  });

  it('refuses after together with before, naming before', async () => {
    const list = memoryList(['it_100', 'it_200']);
    const error = await answerResendPage(
      query({ after: 'it_100', before: 'it_200' }),
      list.positionOf,
      list.load,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'validation_error', errors: [{ path: 'before' }] });
  });
});

describe('resendListQuerySchema', () => {
  it('defaults limit to 20 and refuses a limit past 100', () => {
    expect(query({})).toEqual({ limit: 20 });
    expect(z.safeParse(resendListQuerySchema, { limit: '101' }).success).toBe(false);
  });
});
