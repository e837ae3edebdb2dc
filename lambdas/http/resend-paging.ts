/**
 * Resend's list paging over the `/v1` lists: Resend pages with `limit` and `after` (the id of the
 * last item already seen) and answers `{"object":"list","has_more","data"}`; `/v1` pages with a
 * signed `cursor` naming a position. A Resend adapter turns `after` into the cursor `/v1` itself
 * would have issued for that item (same project, same route, same position), calls the `/v1` list
 * handler, and answers its page without `next_cursor`. Every rule of the list — who may read it,
 * which project, the page size — stays the `/v1` handler's.
 */
import * as z from 'zod/mini';
import { ApiError, unsupportedParameter } from '../api/errors.js';
import { withMeta } from '../api/schema-meta.js';
import { type CursorScope, encodeCursor, MAX_CURSOR_LENGTH } from './cursor.js';
import { type CursorSecretStore, cursorSecret } from './cursor-secret.js';
import { type ListQuery, listQuerySchema } from './list.js';

const itemId = z.string().check(z.minLength(1), z.maxLength(MAX_CURSOR_LENGTH));

/** Resend's list query: `limit` as `/v1`'s (1–100, default 20), `after` / `before` an item id. */
export const resendListQuerySchema = z.strictObject({
  limit: listQuerySchema.def.shape.limit,
  after: withMeta(z.optional(itemId), {
    description: 'The id of the last item of the previous page: answers the items after it.',
  }),
  before: withMeta(z.optional(itemId), {
    description: 'Refused (422 `invalid_parameter`): scopegate lists page forward only.',
  }),
});

export type ResendListQuery = z.output<typeof resendListQuerySchema>;

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
