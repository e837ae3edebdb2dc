/**
 * The unsubscribe pages, pure: small fixed HTML documents that echo nothing from the request (no
 * token, no address), load nothing from elsewhere, and forbid framing and scripts by their headers.
 * The confirm form posts back to the page's own URL, so the page never has to write that URL.
 */
import { createHash } from 'node:crypto';

export interface PageResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2328}' +
  'button{font:inherit;padding:.5rem 1rem;cursor:pointer}';
const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** Only the inline style above may apply; forms post only to this origin; nothing may frame the page. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // A page that changes state on POST, and a link that must not be shared by caches.
  'cache-control': 'no-store',
} as const;

const TEXT_HEADERS = {
  'content-type': 'text/plain; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
} as const;

function page(statusCode: number, title: string, content: string): PageResult {
  const body =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<meta name="robots" content="noindex"><title>${title}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${title}</h1>${content}</main></body></html>`;
  return { statusCode, headers: PAGE_HEADERS, body };
}

/** GET: asks, changes nothing (mail scanners open links). */
export function confirmPage(): PageResult {
  return page(
    200,
    'Unsubscribe',
    '<p>Stop receiving these emails?</p>' +
      '<form method="post"><input type="hidden" name="confirm" value="unsubscribe">' +
      '<button type="submit">Unsubscribe</button></form>',
  );
}

export function donePage(): PageResult {
  return page(200, 'Unsubscribed', '<p>You will not receive these emails any more.</p>');
}

export function notFoundPage(): PageResult {
  return page(404, 'Link not valid', '<p>This unsubscribe link is not valid.</p>');
}

export function badRequestPage(): PageResult {
  return page(400, 'Not understood', '<p>Open the unsubscribe link again and use its button.</p>');
}

export function text(statusCode: number, body: string): PageResult {
  return { statusCode, headers: TEXT_HEADERS, body };
}
