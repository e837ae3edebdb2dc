/**
 * Pagination cursors: opaque to clients, bound to the project and the route that issued them, and
 * authenticated with an HMAC under a per-stack secret. A cursor from another project or route, one
 * with a flipped bit, a swapped position or a cut-off tail is a 400, never a page of something else.
 *
 * Format: `<payload>.<mac>`, both base64url; the payload is `{"p": position}` (a sort key). The MAC
 * covers the project, the route id and the payload, so it is checked before the payload is read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../api/errors.js';

export interface CursorScope {
  readonly projectId: string;
  /** The route's id in the route table, e.g. `listEmails`. */
  readonly routeId: string;
}

/** Longest cursor accepted: list schemas cap the query parameter at this length too. */
export const MAX_CURSOR_LENGTH = 1024;

export function encodeCursor(secret: Uint8Array, scope: CursorScope, position: string): string {
  const payload = Buffer.from(JSON.stringify({ p: position }), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, scope, payload).toString('base64url')}`;
}

/** The position a cursor names, or a 400 `validation_error` on the `cursor` parameter. */
export function decodeCursor(secret: Uint8Array, scope: CursorScope, cursor: string): string {
  const [payload, signature, ...rest] = cursor.split('.');
  if (
    payload === undefined ||
    signature === undefined ||
    rest.length > 0 ||
    cursor.length > MAX_CURSOR_LENGTH
  )
    throw invalidCursor();
  const expected = mac(secret, scope, payload);
  const given = Buffer.from(signature, 'base64url');
  // Re-encoding catches base64url that decodes leniently (stray characters are skipped by Buffer).
  if (
    given.length !== expected.length ||
    given.toString('base64url') !== signature ||
    !timingSafeEqual(given, expected)
  )
    throw invalidCursor();
  const position = readPosition(Buffer.from(payload, 'base64url').toString('utf8'));
  if (position === undefined) throw invalidCursor();
  return position;
}

function mac(secret: Uint8Array, scope: CursorScope, payload: string): Buffer {
  // Newlines cannot occur in project or route ids, so the three fields cannot run into each other.
  return createHmac('sha256', secret).update(`${scope.projectId}\n${scope.routeId}\n${payload}`).digest();
}

function readPosition(json: string): string | undefined {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && 'p' in value && typeof value.p === 'string')
      return value.p;
  } catch {
    // fall through: not a cursor this stack wrote
  }
  return undefined;
}

function invalidCursor(): ApiError {
  return new ApiError('validation_error', {
    message: 'The cursor query parameter is not a cursor from this list; pass next_cursor unchanged.',
    errors: [{ path: 'cursor', message: 'The cursor query parameter is not a cursor from this list.' }],
  });
}
