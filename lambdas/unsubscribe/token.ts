/**
 * Unsubscribe tokens: what `{{unsubscribe_url}}` and a broadcast email's `List-Unsubscribe` header
 * carry, read back by `GET`/`POST /u/{token}` (no key, no authorizer). A token names the project, the
 * contact and the broadcast, and is signed with the stack's own secret (`UNSUBSCRIBE_SECRET`,
 * lambdas/http/cursor-secret.ts), so a forged or edited token reads as nothing — the route answers
 * 404 exactly as for an unknown one. Tokens do not expire: an unsubscribe link must keep working.
 *
 *   token = base64url(JSON [projectId, contactId, broadcastId]) "." base64url(HMAC-SHA256(payload))
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UnsubscribeSubject {
  readonly projectId: string;
  readonly contactId: string;
  /** The broadcast the email belonged to; null for an email sent outside a broadcast. */
  readonly broadcastId: string | null;
}

/** Longer tokens are refused unread: a route answers 404 without computing a MAC. */
export const MAX_TOKEN_LENGTH = 512;

export function signUnsubscribeToken(secret: Uint8Array, subject: UnsubscribeSubject): string {
  const payload = Buffer.from(
    JSON.stringify([subject.projectId, subject.contactId, subject.broadcastId]),
    'utf8',
  ).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The subject of a token this stack signed, or undefined for anything else (fail closed). */
export function readUnsubscribeToken(secret: Uint8Array, token: string): UnsubscribeSubject | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  const [, payload, signature] = match;
  const expected = Buffer.from(mac(secret, payload), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return subjectOf(payload);
}

/** The URL a recipient opens (or a mail client POSTs to, RFC 8058): `<apiBaseUrl>u/<token>`. */
export function unsubscribeUrl(apiBaseUrl: string, token: string): string {
  return `${apiBaseUrl.endsWith('/') ? apiBaseUrl : `${apiBaseUrl}/`}u/${token}`;
}

function mac(secret: Uint8Array, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('base64url');
}

function subjectOf(payload: string): UnsubscribeSubject | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [projectId, contactId, broadcastId] = parsed as unknown[];
  if (typeof projectId !== 'string' || typeof contactId !== 'string') return undefined;
  if (broadcastId !== null && typeof broadcastId !== 'string') return undefined;
  return { projectId, contactId, broadcastId };
}
