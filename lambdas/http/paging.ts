/**
 * Answers a list route's page: verifies the request's cursor against the project and route, loads
 * the page after that position, and signs the next position into `next_cursor`.
 */
import { type CursorScope, decodeCursor, encodeCursor } from './cursor.js';
import { type CursorSecretStore, cursorSecret } from './cursor-secret.js';
import { type ListQuery, listResponse } from './list.js';

export interface LoadedPage<T> {
  readonly items: readonly T[];
  readonly nextAfter: string | undefined;
}

export async function answerPage<T>(
  store: CursorSecretStore,
  scope: CursorScope,
  query: ListQuery,
  load: (page: { limit: number; after: string | undefined }) => Promise<LoadedPage<T>>,
) {
  const secret = await cursorSecret(store);
  const after = query.cursor === undefined ? undefined : decodeCursor(secret, scope, query.cursor);
  const { items, nextAfter } = await load({ limit: query.limit, after });
  return listResponse(items, nextAfter === undefined ? undefined : encodeCursor(secret, scope, nextAfter));
}
