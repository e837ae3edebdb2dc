/**
 * Resend's list shape: `limit` (1–100, default 20) and `after` or `before` (an item id) in,
 * `{"object":"list","data":[…],"has_more"}` out. Lists run newest first; `after` an id reads the
 * older items that follow it, `before` an id the newer ones that precede it (read oldest first from
 * the id, answered newest first), and `has_more` says whether the read stopped short of the end.
 * An id from another project, or none at all, only moves the start within the caller's own items.
 */
import * as z from 'zod/mini';
import { listQuerySchema } from './list.js';
import { withMeta } from '../api/schema-meta.js';

const itemId = z.string().check(z.minLength(1), z.maxLength(256));

export const resendListQuerySchema = z
  .strictObject({
    limit: listQuerySchema.shape.limit,
    after: withMeta(z.optional(itemId), { description: 'Answer the items after (older than) this id.' }),
    before: withMeta(z.optional(itemId), {
      description: 'Answer the items before (newer than) this id.',
    }),
  })
  .check(
    z.refine((query) => query.after === undefined || query.before === undefined, {
      message: 'after and before cannot be used together',
      path: ['before'],
    }),
  );

export type ResendListQuery = z.output<typeof resendListQuerySchema>;

export function resendListSchema<T extends z.ZodMiniType>(item: T) {
  return z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() });
}

/** Which page a store reads: from an item's id (exclusive), in either direction. */
export interface ResendPageRead {
  readonly limit: number;
  /** The id the page starts from (exclusive); undefined: the newest items. */
  readonly fromId: string | undefined;
  /** True for `before`: the store reads from the id towards the newest. */
  readonly oldestFirst: boolean;
}

/** One page of a list as a store answers it (its `nextAfter` set when it stopped short of the end). */
export interface ResendLoadedPage<T> {
  readonly items: readonly T[];
  readonly nextAfter: string | undefined;
}

export async function answerResendPage<T>(
  query: ResendListQuery,
  load: (read: ResendPageRead) => Promise<ResendLoadedPage<T>>,
) {
  const oldestFirst = query.before !== undefined;
  const { items, nextAfter } = await load({
    limit: query.limit,
    fromId: query.before ?? query.after,
    oldestFirst,
  });
  return {
    object: 'list' as const,
    data: oldestFirst ? [...items].reverse() : [...items],
    has_more: nextAfter !== undefined,
  };
}
