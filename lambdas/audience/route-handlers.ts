import type { ServiceRoutes } from '../http/frame.js';
import { answerPage } from '../http/paging.js';
import { AUDIENCE_CONTRACTS } from './contracts.js';
import { type AudienceV1Handlers, resendAudienceHandlers } from './resend-adapter.js';
import {
  contactJson,
  createContact,
  deleteContact,
  findContactByEmail,
  getContact,
  listContacts,
  updateContact,
} from './contacts.js';
import type { AudienceDependencies } from './item-keys.js';
import {
  addListContact,
  createList,
  deleteList,
  getList,
  listJson,
  listListContacts,
  listLists,
  removeListContact,
  updateList,
} from './lists.js';
import {
  createSegment,
  deleteSegment,
  evaluateSegment,
  getSegment,
  listSegments,
  segmentJson,
  updateSegment,
} from './segments.js';

export function audienceRoutes(deps: AudienceDependencies): ServiceRoutes<typeof AUDIENCE_CONTRACTS> {
  const v1 = audienceHandlers(deps);
  // Resend's routes are served through the /v1 handlers (./resend-adapter.ts).
  return {
    contracts: AUDIENCE_CONTRACTS,
    idempotency: deps,
    handlers: { ...v1, ...resendAudienceHandlers(deps, v1) },
  };
}

function audienceHandlers(deps: AudienceDependencies): AudienceV1Handlers {
  return {
    listContacts: async ({ auth, query }) => {
      const { email, ...page } = query;
      if (email !== undefined) {
        // One contact or none: a list of at most one, with no next page.
        const found = await findContactByEmail(deps, auth.projectId, email);
        return {
          object: 'list',
          data: found ? [contactJson(found)] : [],
          has_more: false,
          next_cursor: null,
        };
      }
      return answerPage(
        deps,
        { projectId: auth.projectId, routeId: 'listContacts' },
        page,
        async (request) => {
          const { contacts, nextAfter } = await listContacts(deps, auth.projectId, request);
          return { items: contacts.map(contactJson), nextAfter };
        },
      );
    },
    createContact: async ({ auth, body }) => contactJson(await createContact(deps, auth.projectId, body)),
    getContact: async ({ auth, params }) => contactJson(await getContact(deps, auth.projectId, params.id)),
    updateContact: async ({ auth, params, body }) =>
      contactJson(await updateContact(deps, auth.projectId, params.id, body)),
    deleteContact: async ({ auth, params }) => {
      const deleted = await deleteContact(deps, auth.projectId, params.id);
      return { id: deleted.id, deleted: true as const };
    },
    listLists: ({ auth, query }) =>
      answerPage(deps, { projectId: auth.projectId, routeId: 'listLists' }, query, async (page) => {
        const { lists, nextAfter } = await listLists(deps, auth.projectId, page);
        return { items: lists.map(listJson), nextAfter };
      }),
    createList: async ({ auth, body }) => listJson(await createList(deps, auth.projectId, body)),
    getList: async ({ auth, params }) => listJson(await getList(deps, auth.projectId, params.id)),
    updateList: async ({ auth, params, body }) =>
      listJson(await updateList(deps, auth.projectId, params.id, body)),
    deleteList: async ({ auth, params }) => {
      await deleteList(deps, auth.projectId, params.id);
      return { id: params.id, deleted: true as const };
    },
    listListContacts: async ({ auth, params, query }) => {
      const list = await getList(deps, auth.projectId, params.id);
      // A cursor is bound to the list too: another list's cursor is a 400, not a page of this one.
      const scope = { projectId: auth.projectId, routeId: `listListContacts/${list.id}` };
      return answerPage(deps, scope, query, async (page) => {
        const { contacts, nextAfter } = await listListContacts(deps, list, page);
        return { items: contacts.map(contactJson), nextAfter };
      });
    },
    addListContact: async ({ auth, params }) =>
      contactJson(await addListContact(deps, auth.projectId, params.id, params.contact_id)),
    removeListContact: async ({ auth, params }) => {
      await removeListContact(deps, auth.projectId, params.id, params.contact_id);
      return { id: params.contact_id, deleted: true as const };
    },
    listSegments: ({ auth, query }) =>
      answerPage(deps, { projectId: auth.projectId, routeId: 'listSegments' }, query, async (page) => {
        const { segments, nextAfter } = await listSegments(deps, auth.projectId, page);
        return { items: segments.map(segmentJson), nextAfter };
      }),
    createSegment: async ({ auth, body }) => segmentJson(await createSegment(deps, auth.projectId, body)),
    getSegment: async ({ auth, params }) => segmentJson(await getSegment(deps, auth.projectId, params.id)),
    updateSegment: async ({ auth, params, body }) =>
      segmentJson(await updateSegment(deps, auth.projectId, params.id, body)),
    deleteSegment: async ({ auth, params }) => {
      await deleteSegment(deps, auth.projectId, params.id);
      return { id: params.id, deleted: true as const };
    },
    listSegmentContacts: async ({ auth, params, query }) => {
      // The segment first: a missing one is a 404 before any cursor is read.
      const segment = await getSegment(deps, auth.projectId, params.id);
      return answerPage(
        deps,
        { projectId: auth.projectId, routeId: `listSegmentContacts/${segment.id}` },
        query,
        async (page) => {
          const { contacts, nextAfter } = await evaluateSegment(deps, auth.projectId, segment.filter, page);
          return { items: contacts.map(contactJson), nextAfter };
        },
      );
    },
  };
}
