/**
 * Serves the dashboard's static files: the same answers from the local gateway and from the deployed
 * dashboard Lambda. Pure: the files come in as a map, the answer goes out as a proxy result.
 *
 * The dashboard lives on the API's own origin (under `/dashboard/`), so its Content-Security-Policy
 * can allow exactly one place to send requests to: `'self'`, the API.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

export interface StaticFile {
  readonly contentType: string;
  readonly body: Buffer;
}

/** File name (`index.html`, `app.js`, `styles.css`) → its content. */
export type StaticSite = ReadonlyMap<string, StaticFile>;

/** Where the dashboard is mounted, relative to the API's base URL. */
export const DASHBOARD_MOUNT = '/dashboard';

/**
 * Only the page's own scripts and styles, requests to its own origin (the API), images from itself
 * or `data:` URLs; no plugins, frames of it elsewhere, forms or `<base>`. `frame-src 'self'` is
 * absent on purpose: the template preview is a sandboxed `srcdoc` frame, which needs no source.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // The page handles a secret key: never let a shared cache keep it, always revalidate.
  'cache-control': 'no-cache',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  png: 'image/png',
  svg: 'image/svg+xml',
};

export function contentTypeOf(fileName: string): string {
  return CONTENT_TYPES[fileName.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

/** True for a path the dashboard answers: `/dashboard` and everything under `/dashboard/`. */
export function isDashboardPath(path: string): boolean {
  return path === DASHBOARD_MOUNT || path.startsWith(`${DASHBOARD_MOUNT}/`);
}

/**
 * The answer for `path` (the part after the stage, e.g. `/dashboard/app.js`). `/dashboard` redirects
 * to `/dashboard/` with a relative Location, so it works under any stage prefix and the page's
 * relative asset URLs resolve under the mount.
 */
export function dashboardResponse(site: StaticSite, method: string, path: string): APIGatewayProxyResult {
  if (method !== 'GET' && method !== 'HEAD') {
    return text(405, 'Method not allowed.', { allow: 'GET, HEAD' });
  }
  if (path === DASHBOARD_MOUNT) return text(301, 'Moved.', { location: 'dashboard/' });
  const name = path.slice(DASHBOARD_MOUNT.length + 1) || 'index.html';
  // Names are looked up, never joined onto a folder: `..` or an encoded slash finds nothing.
  const file = site.get(name);
  if (!file) return text(404, 'Not found.');
  return {
    statusCode: 200,
    headers: { ...DASHBOARD_SECURITY_HEADERS, 'content-type': file.contentType },
    // Text, not base64: API Gateway REST decodes a base64 body only under the API's binaryMediaTypes,
    // which would also hand every JSON request to the services base64-encoded. All files are text.
    body: method === 'HEAD' ? '' : file.body.toString('utf8'),
  };
}

function text(statusCode: number, body: string, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...DASHBOARD_SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...headers },
    body,
  };
}

/** The OpenAPI document's path: public, as the API's shape is (the local gateway serves it too). */
export const OPENAPI_PATH = '/openapi.json';

/**
 * The deployed static-file Lambda's answer: the OpenAPI document, or a dashboard file. Anything else
 * is 404 (API Gateway routes only these paths to it; this is the second line).
 */
export function publicFileResponse(
  site: StaticSite,
  openApiJson: string,
  method: string,
  path: string,
): APIGatewayProxyResult {
  if (path === OPENAPI_PATH) {
    if (method !== 'GET' && method !== 'HEAD') {
      return text(405, 'Method not allowed.', { allow: 'GET, HEAD' });
    }
    return {
      statusCode: 200,
      headers: { ...DASHBOARD_SECURITY_HEADERS, 'content-type': contentTypeOf(OPENAPI_PATH) },
      body: method === 'HEAD' ? '' : openApiJson,
    };
  }
  if (isDashboardPath(path)) return dashboardResponse(site, method, path);
  return text(404, 'Not found.');
}
