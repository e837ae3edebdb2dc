/**
 * A broadcast's audience, read one bounded page at a time when sending starts: a list's members, or
 * the contacts a segment matches (whose evaluation stops after its own budgets and answers a
 * position to continue from, which the next resolve message carries).
 */
import { ApiError } from '../api/errors.js';
import type { ContactRecord } from '../audience/contacts.js';
import { getList, listListContacts } from '../audience/lists.js';
import { evaluateSegment, getSegment } from '../audience/segments.js';
import type { Audience, BroadcastStore } from './broadcast-store.js';

export const AUDIENCE_PAGE = 100;

export type AudiencePage =
  | {
      readonly found: true;
      readonly contacts: readonly ContactRecord[];
      readonly nextAfter: string | undefined;
    }
  | { readonly found: false };

export async function readAudiencePage(
  store: BroadcastStore,
  projectId: string,
  audience: Audience,
  after: string | undefined,
): Promise<AudiencePage> {
  try {
    if ('listId' in audience) {
      const list = await getList(store, projectId, audience.listId);
      const { contacts, nextAfter } = await listListContacts(store, list, { limit: AUDIENCE_PAGE, after });
      return { found: true, contacts, nextAfter };
    }
    const segment = await getSegment(store, projectId, audience.segmentId);
    const { contacts, nextAfter } = await evaluateSegment(store, projectId, segment.filter, {
      limit: AUDIENCE_PAGE,
      after,
    });
    return { found: true, contacts, nextAfter };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') return { found: false };
    throw error;
  }
}

/** Whether the audience exists now: checked when a broadcast is created, changed and sent. */
export async function assertAudience(
  store: BroadcastStore,
  projectId: string,
  audience: Audience,
): Promise<void> {
  if ('listId' in audience) await getList(store, projectId, audience.listId);
  else await getSegment(store, projectId, audience.segmentId);
}
