/**
 * Hash routes (`#/domains/dom_…`): the page is static, so the server never sees a route, and the key is
 * never part of one.
 */
import { signal } from '@preact/signals';

export type Section =
  | 'overview'
  | 'domains'
  | 'templates'
  | 'webhooks'
  | 'emails'
  | 'contacts'
  | 'lists'
  | 'segments'
  | 'broadcasts'
  | 'suppressions'
  | 'keys'
  | 'audit-log';
export const SECTIONS: readonly { section: Section; label: string }[] = [
  { section: 'overview', label: 'Overview' },
  { section: 'domains', label: 'Domains' },
  { section: 'templates', label: 'Templates' },
  { section: 'webhooks', label: 'Webhooks' },
  { section: 'emails', label: 'Emails' },
  { section: 'contacts', label: 'Contacts' },
  { section: 'lists', label: 'Lists' },
  { section: 'segments', label: 'Segments' },
  { section: 'broadcasts', label: 'Broadcasts' },
  { section: 'suppressions', label: 'Suppressions' },
  { section: 'keys', label: 'API keys' },
  { section: 'audit-log', label: 'Audit log' },
];

export interface Route {
  readonly section: Section;
  /** The resource id (or `new`) after the section, if any. */
  readonly id: string | undefined;
}

export function parseRoute(hash: string): Route {
  const [name = '', id] = hash.replace(/^#\/?/, '').split('/');
  const known = SECTIONS.find((entry) => entry.section === name);
  return { section: known?.section ?? 'overview', id: known && id ? decodeURIComponent(id) : undefined };
}

export function href(section: Section, id?: string): string {
  return id === undefined ? `#/${section}` : `#/${section}/${encodeURIComponent(id)}`;
}

export const route = signal<Route>(parseRoute(location.hash));
addEventListener('hashchange', () => {
  route.value = parseRoute(location.hash);
});

export function navigate(section: Section, id?: string): void {
  location.hash = href(section, id);
}
