/**
 * Where the public unsubscribe pages are served (no key, no authorizer): read by the CDK stack and the
 * local gateway, with no imports so neither bundles the pages' code to learn their paths.
 */
export const UNSUBSCRIBE_PATH = '/u/{token}';
export const UNSUBSCRIBE_PAGES = [
  { method: 'GET', path: UNSUBSCRIBE_PATH },
  { method: 'POST', path: UNSUBSCRIBE_PATH },
] as const;

/** The token of a `/u/<token>` URL path (the local gateway's match), else undefined. */
export function unsubscribeTokenOfPath(urlPath: string): string | undefined {
  const match = /^\/u\/([^/]+)\/?$/.exec(urlPath);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}
