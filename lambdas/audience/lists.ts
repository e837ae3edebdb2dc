/**
 * Lists and membership. A list is `LIST#<id>` with its `contactCount`; a membership is
 * `LIST_MEMBER#<listId>#<contactId>` plus the list id in the contact's `lists` set, and the three
 * (member item, count, contact) change in one transaction, so a count never drifts from its members.
 *
 * Deleting a list first marks it `deleting` (from then on it answers 404 and takes no member), then
 * removes its members a page at a time, each page in one transaction with the contacts' sets, and
 * deletes the list item when none is left (docs/decisions/0019-audiences.md).
 */
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { ApiError } from '../api/errors.js';
import { isIdOf, newId } from '../shared/ids.js';
import { queryProjectPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';
import { CONTACT_ID_PREFIX, LIST_ID_PREFIX, MAX_LISTS_PER_CONTACT } from './contact-rules.js';
import { type ContactRecord, contactNotFound, findContact, getContact } from './contacts.js';
import type { CreateListInput, ListJson, UpdateListInput } from './contracts.js';
import {
  type AudienceDependencies,
  type AudienceStore,
  contactKey,
  LIST_PREFIX,
  listCountDown,
  listKey,
  memberKey,
  memberPrefix,
  refused,
  transact,
  type TransactItem,
} from './item-keys.js';

export interface ListRecord {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly contactCount: number;
  /** Set when a delete has begun: the list is gone for every reader, its members are being removed. */
  readonly deleting?: boolean | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Members removed per transaction: two items each (member, contact), within DynamoDB's 100. */
const MEMBERS_PER_TRANSACTION = 25;
/** Transactions in flight at once while a list is deleted. */
const DELETE_CONCURRENCY = 4;
/** A delete stops removing members after this long and asks the client to repeat it. */
export const DELETE_BUDGET_MS = 20_000;

export async function createList(
  deps: AudienceDependencies,
  projectId: string,
  input: CreateListInput,
): Promise<ListRecord> {
  const at = deps.now();
  const now = at.toISOString();
  const list: ListRecord = {
    id: newId(LIST_ID_PREFIX, at),
    projectId,
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    contactCount: 0,
    createdAt: now,
    updatedAt: now,
  };
  const codes = await transact(deps, [
    {
      Put: {
        TableName: deps.dataTable,
        Item: { ...listKey(projectId, list.id), ...list },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ]);
  if (codes) throw new Error('a new list id was already taken');
  return list;
}

/** The list, also while it is being deleted (only the delete itself reads it then). */
async function readList(
  store: AudienceStore,
  projectId: string,
  id: string,
): Promise<ListRecord | undefined> {
  if (!isIdOf(LIST_ID_PREFIX, id)) return undefined;
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: listKey(projectId, id), ConsistentRead: true }),
  );
  return Item ? listFromItem(Item) : undefined;
}

/** A missing list, a list being deleted and another project's list are the same 404. */
export async function getList(store: AudienceStore, projectId: string, id: string): Promise<ListRecord> {
  const list = await readList(store, projectId, id);
  if (!list || list.deleting) throw listNotFound();
  return list;
}

/** Newest first. A list being deleted is left out, so such a page may hold one item fewer. */
export async function listLists(
  store: AudienceStore,
  projectId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ lists: ListRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, LIST_PREFIX, page);
  return { lists: items.map(listFromItem).filter((list) => !list.deleting), nextAfter };
}

export async function updateList(
  deps: AudienceDependencies,
  projectId: string,
  id: string,
  input: UpdateListInput | undefined,
): Promise<ListRecord> {
  const current = await getList(deps, projectId, id);
  if (!input || Object.keys(input).length === 0) return current;
  const sets: string[] = ['updatedAt = :now'];
  const removes: string[] = [];
  const values: Record<string, unknown> = { ':now': deps.now().toISOString() };
  if (input.name !== undefined) {
    sets.push('#name = :name');
    values[':name'] = input.name;
  }
  if (input.description === null || input.description === '') removes.push('description');
  else if (input.description !== undefined) {
    sets.push('description = :description');
    values[':description'] = input.description;
  }
  try {
    // An update, not a put: the count is changed by membership transactions at the same time.
    const { Attributes } = await deps.documents.send(
      new UpdateCommand({
        TableName: deps.dataTable,
        Key: listKey(projectId, id),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting)',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? listFromItem(Attributes) : current;
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw listNotFound();
    throw error;
  }
}

/** Puts a contact in a list; a contact already in it is answered as it is. */
export async function addListContact(
  deps: AudienceDependencies,
  projectId: string,
  listId: string,
  contactId: string,
): Promise<ContactRecord> {
  await getList(deps, projectId, listId);
  const contact = await getContact(deps, projectId, contactId);
  if (contact.lists.includes(listId)) return contact;
  if (contact.lists.length >= MAX_LISTS_PER_CONTACT) throw tooManyLists();
  const codes = await transact(deps, [
    {
      Put: {
        TableName: deps.dataTable,
        Item: {
          ...memberKey(projectId, listId, contactId),
          listId,
          contactId,
          createdAt: deps.now().toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: deps.dataTable,
        Key: listKey(projectId, listId),
        UpdateExpression: 'ADD contactCount :one',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting)',
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
    {
      Update: {
        TableName: deps.dataTable,
        Key: contactKey(projectId, contactId),
        UpdateExpression: 'ADD lists :list, version :one',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lists) OR size(lists) < :max)',
        ExpressionAttributeValues: { ':list': new Set([listId]), ':one': 1, ':max': MAX_LISTS_PER_CONTACT },
      },
    },
  ]);
  if (codes && refused(codes, 1)) throw listNotFound();
  if (codes && refused(codes, 2)) {
    if (!(await findContact(deps, projectId, contactId))) throw contactNotFound();
    throw tooManyLists();
  }
  // Refused only because the member item exists: another request put it in first.
  return getContact(deps, projectId, contactId);
}

export async function removeListContact(
  deps: AudienceDependencies,
  projectId: string,
  listId: string,
  contactId: string,
): Promise<void> {
  await getList(deps, projectId, listId);
  if (!isIdOf(CONTACT_ID_PREFIX, contactId)) throw contactNotFound();
  const codes = await transact(deps, [
    {
      Delete: {
        TableName: deps.dataTable,
        Key: memberKey(projectId, listId, contactId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    listCountDown(deps.dataTable, projectId, listId),
    contactLeaves(deps.dataTable, projectId, listId, contactId),
  ]);
  if (codes && refused(codes, 0)) {
    throw new ApiError('not_found', { message: 'The contact is not in this list.' });
  }
  if (codes) throw listNotFound();
}

/**
 * A page of a list's contacts (a list the caller read with getList), newest contact first: one
 * Query of its member items, then the contacts themselves.
 */
export async function listListContacts(
  store: AudienceStore,
  { projectId, id: listId }: ListRecord,
  page: { limit: number; after?: string | undefined },
): Promise<{ contacts: ContactRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, memberPrefix(listId), page);
  const contacts = await Promise.all(
    items.map((item) => findContact(store, projectId, String(item.contactId))),
  );
  // A contact deleted between the two reads takes its membership with it: it is left out.
  return { contacts: contacts.filter((contact) => contact !== undefined), nextAfter };
}

/**
 * Deletes a list: marks it, removes its members (each with its contact's set entry), then the list.
 * A delete that runs out of time answers 503 asking for a repeat; a repeat continues where it stopped.
 */
export async function deleteList(
  deps: AudienceDependencies,
  projectId: string,
  listId: string,
): Promise<void> {
  const list = await readList(deps, projectId, listId);
  if (!list) throw listNotFound();
  if (!list.deleting) await markDeleting(deps, projectId, listId);
  const started = Date.now();
  for (;;) {
    const { Items = [] } = await deps.documents.send(
      new QueryCommand({
        TableName: deps.dataTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': projectPartition(projectId), ':prefix': memberPrefix(listId) },
        ProjectionExpression: 'contactId',
        ConsistentRead: true,
        Limit: MEMBERS_PER_TRANSACTION * DELETE_CONCURRENCY,
      }),
    );
    if (Items.length === 0) break;
    if (Date.now() - started > DELETE_BUDGET_MS) {
      throw new ApiError('upstream_unavailable', {
        message:
          'The list is deleted, but some of its memberships are still being removed. Repeat the DELETE to finish.',
      });
    }
    const contactIds = Items.map((item) => String(item.contactId));
    const chunks: string[][] = [];
    for (let start = 0; start < contactIds.length; start += MEMBERS_PER_TRANSACTION) {
      chunks.push(contactIds.slice(start, start + MEMBERS_PER_TRANSACTION));
    }
    await Promise.all(chunks.map((chunk) => removeMembers(deps, projectId, listId, chunk)));
  }
  const codes = await transact(deps, [
    {
      Delete: {
        TableName: deps.dataTable,
        Key: listKey(projectId, listId),
        ConditionExpression: 'attribute_exists(deleting)',
      },
    },
  ]);
  if (codes) throw listNotFound();
}

async function markDeleting(deps: AudienceDependencies, projectId: string, listId: string): Promise<void> {
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.dataTable,
        Key: listKey(projectId, listId),
        UpdateExpression: 'SET deleting = :true, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':true': true, ':now': deps.now().toISOString() },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw listNotFound();
    throw error;
  }
}

async function removeMembers(
  deps: AudienceDependencies,
  projectId: string,
  listId: string,
  contactIds: readonly string[],
): Promise<void> {
  const pair = (contactId: string): TransactItem[] => [
    {
      Delete: {
        TableName: deps.dataTable,
        Key: memberKey(projectId, listId, contactId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    contactLeaves(deps.dataTable, projectId, listId, contactId),
  ];
  if (!(await transact(deps, contactIds.flatMap(pair)))) return;
  // Refused as a whole: one member at a time, so one refusal cannot hold back the rest.
  for (const contactId of contactIds) {
    const codes = await transact(deps, pair(contactId));
    if (codes && !refused(codes, 0) && refused(codes, 1)) {
      // A member item whose contact is gone (only a hand edit makes one): it goes alone, or the
      // delete would meet it on every page.
      await deps.documents.send(
        new DeleteCommand({ TableName: deps.dataTable, Key: memberKey(projectId, listId, contactId) }),
      );
    }
  }
}

function contactLeaves(table: string, projectId: string, listId: string, contactId: string): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: contactKey(projectId, contactId),
      UpdateExpression: 'DELETE lists :list ADD version :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':list': new Set([listId]), ':one': 1 },
    },
  };
}

export function listJson(list: ListRecord): ListJson {
  return {
    object: 'contact_list',
    id: list.id,
    name: list.name,
    description: list.description ?? null,
    contact_count: list.contactCount,
    created_at: list.createdAt,
    updated_at: list.updatedAt,
  };
}

function listFromItem(item: Record<string, unknown>): ListRecord {
  return {
    id: String(item.id),
    projectId: String(item.projectId),
    name: String(item.name),
    description: typeof item.description === 'string' ? item.description : undefined,
    contactCount: typeof item.contactCount === 'number' ? item.contactCount : 0,
    deleting: item.deleting === true,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

function listNotFound(): ApiError {
  return new ApiError('not_found', { message: 'List not found.' });
}

function tooManyLists(): ApiError {
  return new ApiError('validation_error', {
    message: `A contact can be in at most ${MAX_LISTS_PER_CONTACT} lists; take it out of one first.`,
    errors: [{ path: 'contact_id', message: `contact_id is already in ${MAX_LISTS_PER_CONTACT} lists.` }],
  });
}
