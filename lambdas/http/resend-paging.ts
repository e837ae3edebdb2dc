/**
 * Resend's list shape, for the `/resend/*` list routes: `limit` (1–100, default 20) and `after` or
 * `before` (the id of an item of the list) in, `{"object":"list","data","has_more"}` out. scopegate's
 * own lists page with signed cursors; Resend's name an item, so each adapter turns that id into the
 * item's place in its list (its sort key) and reads on from there, forwards for `after`, backwards
 * for `before`. A place is only ever read inside the caller's own project, so an id of another
 * project's item pages nothing of theirs.
 */
import * as z from 'zod/mini';
import { ApiError } from '../api/errors.js';
import { withMeta } from '../api/schema-meta.js';

const LIMIT_RULE = 'must be a whole number from 1 to 100';
const itemId = z.string().check(z.minLength(1), z.maxLength(512));

export const resendListQueryFields = {
  limit: withMeta(
    z._default(
      z.coerce
        .number({ error: LIMIT_RULE })
        .check(z.int(LIMIT_RULE), z.minimum(1, LIMIT_RULE), z.maximum(100, LIMIT_RULE)),
      20,
    ),
    { description: 'How many items to answer, 1–100.' },
  ),
  after: withMeta(z.optional(itemId), { description: 'The items after this one (an item id).' }),
  before: withMeta(z.optional(itemId), { description: 'The items before this one (an item id).' }),
};

export const resendListQuerySchema = z.strictObject(resendListQueryFields);
export type ResendListQuery = z.output<typeof resendListQuerySchema>;

export function resendListSchema<T extends z.ZodMiniType>(item: T) {
  return z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() });
}

/** One page read from a place in a list: in the list's own order, or against it (`backwards`). */
export interface ResendPageRequest {
  readonly limit: number;
  readonly after: string | undefined;
  readonly backwards: boolean;
}

/**
 * Answers a Resend page: `placeOf` turns `after`'s or `before`'s id into its sort key (undefined for
 * an id that cannot be one of the list's), `load` reads from there; a backwards page is turned round,
 * so every page reads in the list's order.
 */
export async function resendPage<T>(
  query: ResendListQuery,
  placeOf: (id: string) => string | undefined,
  load: (page: ResendPageRequest) => Promise<{ items: readonly T[]; nextAfter: string | undefined }>,
): Promise<{ object: 'list'; data: T[]; has_more: boolean }> {
  const request = pageRequestOf(query, placeOf);
  const { items, nextAfter } = await load(request);
  const data = request.backwards ? [...items].reverse() : [...items];
  return { object: 'list', data, has_more: nextAfter !== undefined };
}

/** Pure: where a page starts and which way it reads, or a validation error naming the parameter. */
export function pageRequestOf(
  query: ResendListQuery,
  placeOf: (id: string) => string | undefined,
): ResendPageRequest {
  if (query.after !== undefined && query.before !== undefined) {
    throw invalid('after', 'after and before cannot be used together');
  }
  const [field, id] = query.before !== undefined ? ['before', query.before] : ['after', query.after];
  if (id === undefined) return { limit: query.limit, after: undefined, backwards: false };
  const place = placeOf(id);
  if (place === undefined) throw invalid(field, `${field} must be the id of an item of this list`);
  return { limit: query.limit, after: place, backwards: field === 'before' };
}

function invalid(path: string, message: string): ApiError {
  return new ApiError('validation_error', { message: `${message}.`, errors: [{ path, message }] });
}
