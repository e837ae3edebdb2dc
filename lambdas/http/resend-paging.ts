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
 *
 * Two ways to answer: `answerResendPage` over a store's page function (the emails), or, for a list
 * whose `/v1` handler is reused as it is, `v1ListQuery` + `resendListOf`, which turn `after` into the
 * signed cursor `/v1` itself would have issued for that item (same project, route and position) and
 * answer the `/v1` page in Resend's shape; those lists page forward only and refuse `before` by name.
 */
import * as z from 'zod/mini';
import { ApiError, unsupportedParameter } from '../api/errors.js';
import { withMeta } from '../api/schema-meta.js';
import { type CursorScope, encodeCursor } from './cursor.js';
import { type CursorSecretStore, cursorSecret } from './cursor-secret.js';
import { type ListQuery, listQuerySchema } from './list.js';
import type { LoadedPage } from './paging.js';

const positionParameter = (description: string) =>
  withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(512))), { description });

/** The fields of a Resend list query, for a list whose query has more (a filter) to spread them in. */
export const resendListQueryFields = {
  limit: listQuerySchema.def.shape.limit,
  after: positionParameter('The id of the item after which to list (the last item of the previous page).'),
  before: positionParameter('The id of the item before which to list (the first item of the next page).'),
};

export const resendListQuerySchema = z.strictObject(resendListQueryFields);

export type ResendListQuery = z.output<typeof resendListQuerySchema>;

/** What a loader is asked for: a page in the list's order (`forward`) or against it, from `after`. */
export interface PositionPage {
  readonly limit: number;
  /** The sort key to read on from (exclusive); none: from the list's start. */
  readonly after: string | undefined;
  /** `backward`: against the list's order (the loader answers the items in the order it read them). */
  readonly direction: 'forward' | 'backward';
}

/** A position page as the project stores read one (`backwards`: against the list's order). */
export function projectPageOf(page: PositionPage): {
  readonly limit: number;
  readonly after: string | undefined;
  readonly backwards: boolean;
} {
  return { limit: page.limit, after: page.after, backwards: page.direction === 'backward' };
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
  if (query.after !== undefined && query.before !== undefined) {
    const message = 'after and before cannot be given together.';
    throw new ApiError('validation_error', { message, errors: [{ path: 'before', message }] });
  }
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

/** Resend's list answer: `/v1`'s without `next_cursor` (Resend clients page with the last id). */
export function resendListResponseSchema<T extends z.ZodMiniType>(item: T) {
  return z.object({ object: z.literal('list'), has_more: z.boolean(), data: z.array(item) });
}

/** Where paging starts after an item: its list's scope, and the item's sort key (undefined: not one). */
export interface ResendPaging {
  readonly store: CursorSecretStore;
  readonly scope: CursorScope;
  readonly positionOf: (id: string) => string | undefined;
}

/**
 * The `/v1` list query for a Resend one. `before` is refused by name (422 `invalid_parameter`);
 * an `after` that cannot be an id of this list is a 422 naming `after`, never a first page.
 */
export async function v1ListQuery(paging: ResendPaging, query: ResendListQuery): Promise<ListQuery> {
  if (query.before !== undefined) {
    throw unsupportedParameter(
      'before',
      'scopegate lists page forward only, newest first; page with after, the last id of the page before',
    );
  }
  if (query.after === undefined) return { limit: query.limit };
  const position = paging.positionOf(query.after);
  if (position === undefined) {
    const message = 'after must be the id of an item of this list.';
    throw new ApiError('validation_error', { message, errors: [{ path: 'after', message }] });
  }
  const secret = await cursorSecret(paging.store);
  return { limit: query.limit, cursor: encodeCursor(secret, paging.scope, position) };
}

/** A `/v1` page in Resend's shape, each item mapped. */
export function resendListOf<T, U>(
  page: { readonly data: readonly T[]; readonly has_more: boolean },
  map: (item: T) => U,
): { object: 'list'; has_more: boolean; data: U[] } {
  return { object: 'list', has_more: page.has_more, data: page.data.map(map) };
}
