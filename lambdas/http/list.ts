/**
 * The shape every list route shares: `limit` (1–100, default 20) and `cursor` in, and
 * `{"object":"list","data":[…],"has_more","next_cursor"}` out.
 */
import * as z from 'zod/mini';
import { MAX_CURSOR_LENGTH } from './cursor.js';
import { withMeta } from '../api/schema-meta.js';

const LIMIT_RULE = 'must be a whole number from 1 to 100';

export const listQuerySchema = z.strictObject({
  limit: withMeta(
    z._default(
      z.coerce
        .number({ error: LIMIT_RULE })
        .check(z.int(LIMIT_RULE), z.minimum(1, LIMIT_RULE), z.maximum(100, LIMIT_RULE)),
      20,
    ),
    { description: 'How many items to answer, 1–100.' },
  ),
  cursor: withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_CURSOR_LENGTH))), {
    description: "The previous page's `next_cursor`, passed unchanged.",
  }),
});

export type ListQuery = z.output<typeof listQuerySchema>;

export function listResponseSchema<T extends z.ZodMiniType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: withMeta(z.nullable(z.string()), {
      description: 'Pass as `cursor` for the next page; null on the last.',
    }),
  });
}

export function listResponse<T>(data: readonly T[], nextCursor: string | undefined) {
  return {
    object: 'list' as const,
    data: [...data],
    has_more: nextCursor !== undefined,
    next_cursor: nextCursor ?? null,
  };
}
