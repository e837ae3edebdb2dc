/**
 * The shape every list route shares: `limit` (1–100, default 20) and `cursor` in, and
 * `{"object":"list","data":[…],"has_more","next_cursor"}` out.
 */
import { z } from 'zod';
import { MAX_CURSOR_LENGTH } from './cursor.js';

export const listQuerySchema = z
  .object({
    limit: z.coerce
      .number({ error: 'must be a whole number from 1 to 100' })
      .int('must be a whole number from 1 to 100')
      .min(1, 'must be a whole number from 1 to 100')
      .max(100, 'must be a whole number from 1 to 100')
      .default(20)
      .meta({ description: 'How many items to answer, 1–100.' }),
    cursor: z
      .string()
      .min(1)
      .max(MAX_CURSOR_LENGTH)
      .optional()
      .meta({ description: "The previous page's `next_cursor`, passed unchanged." }),
  })
  .strict();

export type ListQuery = z.output<typeof listQuerySchema>;

export function listResponseSchema<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
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
