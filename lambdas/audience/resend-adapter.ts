/**
 * The Resend surface of the audience service. Resend's segments (and the audiences its SDK 6 calls
 * segments) are fixed groups of contacts: they are scopegate lists. A contact is named in a path by
 * its id or its email. Every route calls the `/v1` handlers it stands for — validation, uniqueness,
 * project isolation, events and audit are theirs — and maps the answers to Resend's shapes
 * (docs/architecture.md, "API surfaces").
 */
import type { ServiceHandlers } from '../http/frame.js';
import { resendListOf, type ResendListQuery, v1ListQuery } from '../http/resend-paging.js';
import type { CursorSecretStore } from '../http/cursor-secret.js';
import { isIdOf } from '../shared/ids.js';
import { CONTACT_ID_PREFIX, LIST_ID_PREFIX } from './contact-rules.js';
import { contactNotFound } from './contacts.js';
import type {
  AUDIENCE_CONTRACTS,
  ContactJson,
  CreateContactInput,
  ListJson,
  RESEND_AUDIENCE_CONTRACTS,
  ResendContactCreateInput,
  UpdateContactInput,
} from './contracts.js';
import { CONTACT_PREFIX, LIST_PREFIX, memberPrefix } from './item-keys.js';

/** The `/v1` handlers the adapter calls. */
export type AudienceV1Handlers = ServiceHandlers<
  Omit<typeof AUDIENCE_CONTRACTS, keyof typeof RESEND_AUDIENCE_CONTRACTS>
>;

/** What every `/v1` call made for one Resend request shares: its caller and request id. */
interface Caller {
  readonly auth: Parameters<AudienceV1Handlers['getContact']>[0]['auth'];
  readonly requestId: string;
  readonly markReplayed: () => void;
}

/** A `/v1` request of the caller's, with only the parts given. */
function v1Request<P = undefined, Q = undefined, B = undefined>(
  caller: Caller,
  parts: { params?: P; query?: Q; body?: B },
) {
  return {
    auth: caller.auth,
    requestId: caller.requestId,
    markReplayed: caller.markReplayed,
    params: parts.params as P,
    query: parts.query as Q,
    body: parts.body as B,
    headers: undefined,
  };
}

/** A contact in Resend's list shape (`contacts.list`). */
export function resendContactItemOf(contact: ContactJson) {
  return {
    id: contact.id,
    email: contact.email,
    first_name: contact.first_name,
    last_name: contact.last_name,
    created_at: contact.created_at,
    unsubscribed: contact.unsubscribed,
  };
}

/** A contact in Resend's shape (`contacts.get`): each property with its type beside its value. */
export function resendContactOf(contact: ContactJson) {
  return {
    object: 'contact' as const,
    ...resendContactItemOf(contact),
    properties: Object.fromEntries(
      Object.entries(contact.properties).map(([name, value]) => [name, typedProperty(value)]),
    ),
  };
}

function typedProperty(value: string | number | boolean) {
  if (typeof value === 'number') return { type: 'number' as const, value };
  if (typeof value === 'boolean') return { type: 'boolean' as const, value };
  return { type: 'string' as const, value };
}

/** A list in Resend's segment shape. */
export function resendSegmentOf(list: ListJson) {
  return { id: list.id, name: list.name, created_at: list.created_at };
}

/** The `/v1` create body of a Resend one: the same fields, the segments joined afterwards. */
export function v1ContactOf(input: ResendContactCreateInput): CreateContactInput {
  const { segments: _segments, ...contact } = input;
  return contact;
}

/** The segment ids a create names, without repeats, with the audience of a legacy path first. */
export function segmentIdsOf(input: ResendContactCreateInput, audienceId?: string): string[] {
  const named = (input.segments ?? []).map((segment) => segment.id);
  return [...new Set([...(audienceId === undefined ? [] : [audienceId]), ...named])];
}

/** The sort keys `/v1` lists page from, for an item id (undefined: not an id of that kind). */
export const positions = {
  contact: (id: string) => (isIdOf(CONTACT_ID_PREFIX, id) ? `${CONTACT_PREFIX}${id}` : undefined),
  list: (id: string) => (isIdOf(LIST_ID_PREFIX, id) ? `${LIST_PREFIX}${id}` : undefined),
  member: (listId: string) => (id: string) =>
    isIdOf(CONTACT_ID_PREFIX, id) ? `${memberPrefix(listId)}${id}` : undefined,
};

/** A contact named by id or by email (an email has an `@`; an id never does). */
export function isEmailRef(ref: string): boolean {
  return ref.includes('@');
}

export function resendAudienceHandlers(
  store: CursorSecretStore,
  v1: AudienceV1Handlers,
): ServiceHandlers<typeof RESEND_AUDIENCE_CONTRACTS> {
  /** The contact a path names, by id or email; a 404 as `/v1`'s when there is none. */
  async function contactOf(caller: Caller, ref: string): Promise<ContactJson> {
    if (!isEmailRef(ref)) return v1.getContact(v1Request(caller, { params: { id: ref } }));
    const found = await v1.listContacts(v1Request(caller, { query: { limit: 1, email: ref } }));
    const contact = found.data[0];
    if (!contact) throw contactNotFound();
    return contact;
  }

  /** A contact of an audience (a list): the list must exist, and the contact be in it. */
  async function audienceContactOf(caller: Caller, listId: string, ref: string): Promise<ContactJson> {
    await v1.getList(v1Request(caller, { params: { id: listId } }));
    const contact = await contactOf(caller, ref);
    if (!contact.lists.includes(listId)) throw contactNotFound();
    return contact;
  }

  /**
   * Creates a contact and puts it in its segments. Every segment is read first, so a missing one is
   * a 404 before the contact exists.
   */
  async function createContact(caller: Caller, input: ResendContactCreateInput, audienceId?: string) {
    const segmentIds = segmentIdsOf(input, audienceId);
    for (const id of segmentIds) await v1.getList(v1Request(caller, { params: { id } }));
    const contact = await v1.createContact(v1Request(caller, { body: v1ContactOf(input) }));
    for (const id of segmentIds) {
      await v1.addListContact(v1Request(caller, { params: { id, contact_id: contact.id } }));
    }
    return { object: 'contact' as const, id: contact.id };
  }

  async function listPage(
    caller: Caller,
    routeId: string,
    positionOf: (id: string) => string | undefined,
    query: ResendListQuery,
  ) {
    return v1ListQuery({ store, scope: { projectId: caller.auth.projectId, routeId }, positionOf }, query);
  }

  async function updateContact(caller: Caller, contact: ContactJson, body: UpdateContactInput | undefined) {
    const changed = await v1.updateContact(v1Request(caller, { params: { id: contact.id }, body }));
    return { object: 'contact' as const, id: changed.id };
  }

  async function deleteContact(caller: Caller, contact: ContactJson) {
    const deleted = await v1.deleteContact(v1Request(caller, { params: { id: contact.id } }));
    return { object: 'contact' as const, contact: deleted.id, deleted: true as const };
  }

  return {
    resendCreateContact: (request) => createContact(request, request.body),
    resendCreateAudienceContact: (request) => createContact(request, request.body, request.params.id),
    resendListContacts: async (request) => {
      const query = await listPage(request, 'listContacts', positions.contact, request.query);
      return resendListOf(await v1.listContacts(v1Request(request, { query })), resendContactItemOf);
    },
    resendGetContact: async (request) => resendContactOf(await contactOf(request, request.params.id)),
    resendGetAudienceContact: async (request) =>
      resendContactOf(await audienceContactOf(request, request.params.id, request.params.contact_id)),
    resendUpdateContact: async (request) =>
      updateContact(request, await contactOf(request, request.params.id), request.body),
    resendUpdateAudienceContact: async (request) =>
      updateContact(
        request,
        await audienceContactOf(request, request.params.id, request.params.contact_id),
        request.body,
      ),
    resendDeleteContact: async (request) =>
      deleteContact(request, await contactOf(request, request.params.id)),
    resendDeleteAudienceContact: async (request) =>
      deleteContact(request, await audienceContactOf(request, request.params.id, request.params.contact_id)),
    resendListContactSegments: async (request) => {
      // A contact is in at most 40 lists: one page holds them all.
      const contact = await contactOf(request, request.params.id);
      const lists = await Promise.all(
        contact.lists.map((id) => v1.getList(v1Request(request, { params: { id } }))),
      );
      return { object: 'list', has_more: false, data: lists.map(resendSegmentOf) };
    },
    resendAddContactSegment: async (request) => {
      const contact = await contactOf(request, request.params.id);
      const id = request.params.segment_id;
      await v1.addListContact(v1Request(request, { params: { id, contact_id: contact.id } }));
      return { id };
    },
    resendRemoveContactSegment: async (request) => {
      const contact = await contactOf(request, request.params.id);
      const id = request.params.segment_id;
      await v1.removeListContact(v1Request(request, { params: { id, contact_id: contact.id } }));
      return { id, deleted: true };
    },
    resendCreateSegment: async (request) => {
      const list = await v1.createList(v1Request(request, { body: { name: request.body.name } }));
      return { object: 'segment', id: list.id, name: list.name };
    },
    resendListSegments: async (request) => {
      const query = await listPage(request, 'listLists', positions.list, request.query);
      return resendListOf(await v1.listLists(v1Request(request, { query })), resendSegmentOf);
    },
    resendGetSegment: async (request) => ({
      object: 'segment',
      ...resendSegmentOf(await v1.getList(v1Request(request, { params: request.params }))),
    }),
    resendUpdateSegment: async (request) => {
      const body = request.body?.name === undefined ? {} : { name: request.body.name };
      const list = await v1.updateList(v1Request(request, { params: request.params, body }));
      return { object: 'segment', id: list.id };
    },
    resendDeleteSegment: async (request) => {
      const deleted = await v1.deleteList(v1Request(request, { params: request.params }));
      return { object: 'segment', id: deleted.id, deleted: true };
    },
    resendListSegmentContacts: async (request) => {
      const listId = request.params.id;
      // The list first, as /v1 reads it: a missing one is a 404 before `after` is read.
      await v1.getList(v1Request(request, { params: { id: listId } }));
      const query = await listPage(
        request,
        `listListContacts/${listId}`,
        positions.member(listId),
        request.query,
      );
      const page = await v1.listListContacts(v1Request(request, { params: { id: listId }, query }));
      return resendListOf(page, resendContactItemOf);
    },
  };
}
