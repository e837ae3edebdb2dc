/**
 * Resend's list paging, for every `/resend/*` list: `limit` (1–100, default 20) and `after` or
 * `before` — the id of an item of the list — in, `{"object":"list","data","has_more"}` out.
 *
 * Unlike `/v1`'s signed cursors, the position is an item id the client read from an earlier page.
 * It is safe to take as given: it only says where to start reading within the caller's own project's
 * items of one kind (the loader is bound to the project's partition and the kind's sort-key prefix),
 * so a forged id can start a page anywhere in the caller's own list and nowhere else. An id that is
 * not of the list's kind is a 422 naming the parameter.
 *
 * `after` reads on in the list's order; `before` reads the other way from the id and answers the
 * items in the list's order, `has_more` then saying whether more items come before them.
 */
import * as z from 'zod/mini';
import { ApiError } from '../api/errors.js';
import { withMeta } from '../api/schema-meta.js';
import { listQuerySchema } from './list.js';
import type { LoadedPage } from './paging.js';

const positionParameter = (description: string) =>
  withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(100))), { description });

export const resendListQuerySchema = z
  .strictObject({
    limit: listQuerySchema.def.shape.limit,
    after: positionParameter('The id of the item after which to list (the last item of the previous page).'),
    before: positionParameter('The id of the item before which to list (the first item of the next page).'),
  })
  .check(
    z.refine((query) => query.after === undefined || query.before === undefined, {
      message: 'must not be given together with after',
      path: ['before'],
    }),
  );

export type ResendListQuery = z.output<typeof resendListQuerySchema>;

/** What a loader is asked for: a page in the list's order (`forward`) or against it, from `after`. */
export interface PositionPage {
  readonly limit: number;
  /** The sort key to read on from (exclusive); none: from the list's start. */
  readonly after: string | undefined;
  /** `backward`: against the list's order (the loader answers the items in the order it read them). */
  readonly direction: 'forward' | 'backward';
}

export interface ResendList<T> {
  readonly object: 'list';
  readonly data: T[];
  readonly has_more: boolean;
}

/**
 * Answers a Resend list page. `positionOf` turns an item id into its sort key, or undefined when the
 * id is not one of the list's (then 422 naming `after` or `before`); `load` reads a page of at most
 * `limit` items, with `nextAfter` set when more follow in the direction it read.
 */
export async function answerResendPage<T>(
  query: ResendListQuery,
  positionOf: (id: string) => string | undefined,
  load: (page: PositionPage) => Promise<LoadedPage<T>>,
): Promise<ResendList<T>> {
  const [parameter, id] =
    query.before === undefined ? (['after', query.after] as const) : (['before', query.before] as const);
  const after = id === undefined ? undefined : positionOf(id);
  if (id !== undefined && after === undefined) throw notAnItemId(parameter, id);
  const direction = parameter === 'before' ? 'backward' : 'forward';
  const { items, nextAfter } = await load({ limit: query.limit, after, direction });
  const data = direction === 'backward' ? [...items].reverse() : [...items];
  return { object: 'list', data, has_more: nextAfter !== undefined };
}

function notAnItemId(parameter: 'after' | 'before', id: string): ApiError {
  const message = `The ${parameter} query parameter must be the id of an item of this list; ${JSON.stringify(id)} is not.`;
  return new ApiError('validation_error', { message, errors: [{ path: parameter, message }] });
}
