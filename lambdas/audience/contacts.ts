/**
 * Contacts: `CONTACT#<id>` items with the lists they are in (a string set, kept by the membership
 * transactions), and `CONTACT_EMAIL#<lower-cased email>` → the id, written in the same transaction
 * as the contact so an email is unique in its project. Every change is written with its
 * `contact.*` event (the outbox) and only over the version it was computed from.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ApiError } from '../api/errors.js';
import { eventItem } from '../shared/outbox.js';
import { isIdOf, newId } from '../shared/ids.js';
import { queryProjectPage } from '../aws/query-page.js';
import { CONTACT_ID_PREFIX, emailKey, mergeProperties, propertiesProblem } from './contact-rules.js';
import type { ContactJson, CreateContactInput, UpdateContactInput } from './contracts.js';
import type { ContactFacts, Scalar } from './filter.js';
import {
  type AudienceDependencies,
  type AudienceStore,
  CONTACT_PREFIX,
  contactEmailKey,
  contactKey,
  listCountDown,
  memberKey,
  refused,
  transact,
  type TransactItem,
} from './item-keys.js';

export interface ContactRecord extends ContactFacts {
  readonly id: string;
  readonly projectId: string;
  readonly phone?: string | undefined;
  /** Counts writes (membership changes included): a write is conditional on the version it read. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const WRITE_ATTEMPTS = 3;

export async function createContact(
  deps: AudienceDependencies,
  projectId: string,
  input: CreateContactInput,
): Promise<ContactRecord> {
  const now = deps.now();
  const contact: ContactRecord = {
    id: newId(CONTACT_ID_PREFIX, now),
    projectId,
    email: input.email,
    ...optionalFields(input),
    properties: input.properties,
    unsubscribed: input.unsubscribed,
    lists: [],
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const codes = await transact(deps, [
    {
      Put: {
        TableName: deps.dataTable,
        Item: contactItem(contact),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    emailClaim(deps.dataTable, contact),
    {
      Put: {
        TableName: deps.dataTable,
        Item: eventItem(projectId, 'contact.created', contactJson(contact), now),
      },
    },
  ]);
  if (codes && refused(codes, 1)) throw emailTaken(contact.email);
  if (codes) throw new Error('a new contact id was already taken');
  return contact;
}

export async function findContact(
  store: AudienceStore,
  projectId: string,
  id: string,
): Promise<ContactRecord | undefined> {
  if (!isIdOf(CONTACT_ID_PREFIX, id)) return undefined;
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: contactKey(projectId, id), ConsistentRead: true }),
  );
  return Item ? contactFromItem(Item) : undefined;
}

/** A missing contact and another project's contact are the same 404. */
export async function getContact(
  store: AudienceStore,
  projectId: string,
  id: string,
): Promise<ContactRecord> {
  const contact = await findContact(store, projectId, id);
  if (!contact) throw contactNotFound();
  return contact;
}

/** The contact holding this email in the project, compared without regard to case. */
export async function findContactByEmail(
  store: AudienceStore,
  projectId: string,
  email: string,
): Promise<ContactRecord | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      Key: contactEmailKey(projectId, emailKey(email)),
      ConsistentRead: true,
    }),
  );
  if (typeof Item?.contactId !== 'string') return undefined;
  const contact = await findContact(store, projectId, Item.contactId);
  return contact && emailKey(contact.email) === emailKey(email) ? contact : undefined;
}

export async function listContacts(
  store: AudienceStore,
  projectId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ contacts: ContactRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, CONTACT_PREFIX, page);
  return { contacts: items.map(contactFromItem), nextAfter };
}

export async function updateContact(
  deps: AudienceDependencies,
  projectId: string,
  id: string,
  input: UpdateContactInput | undefined,
): Promise<ContactRecord> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const current = await getContact(deps, projectId, id);
    if (!input || Object.keys(input).length === 0) return current;
    const now = deps.now();
    const next: ContactRecord = {
      ...current,
      ...(input.email === undefined ? {} : { email: input.email }),
      ...optionalFields(input, current),
      ...(input.unsubscribed === undefined ? {} : { unsubscribed: input.unsubscribed }),
      properties: input.properties
        ? mergeProperties(current.properties, input.properties)
        : current.properties,
      version: current.version + 1,
      updatedAt: now.toISOString(),
    };
    const problem = propertiesProblem(next.properties);
    if (problem) {
      throw new ApiError('validation_error', {
        message: `properties ${problem}.`,
        errors: [{ path: 'properties', message: `properties ${problem}.` }],
      });
    }
    const emailMoves = emailKey(next.email) !== emailKey(current.email);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: deps.dataTable,
          Item: contactItem(next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        },
      },
      {
        Put: {
          TableName: deps.dataTable,
          Item: eventItem(projectId, 'contact.updated', contactJson(next), now),
        },
      },
    ];
    if (emailMoves) items.push(emailClaim(deps.dataTable, next), emailRelease(deps.dataTable, current));
    const codes = await transact(deps, items);
    if (!codes) return next;
    if (emailMoves && refused(codes, 2)) throw emailTaken(next.email);
  }
  throw changedMeanwhile();
}

export async function deleteContact(
  deps: AudienceDependencies,
  projectId: string,
  id: string,
): Promise<ContactRecord> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const current = await getContact(deps, projectId, id);
    const now = deps.now();
    const items: TransactItem[] = [
      {
        Delete: {
          TableName: deps.dataTable,
          Key: contactKey(projectId, id),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        },
      },
      emailRelease(deps.dataTable, current),
      {
        Put: {
          TableName: deps.dataTable,
          Item: eventItem(projectId, 'contact.deleted', { id, email: current.email }, now),
        },
      },
      // Its memberships go with it (at most MAX_LISTS_PER_CONTACT, so this fits one transaction).
      ...current.lists.flatMap((listId): TransactItem[] => [
        { Delete: { TableName: deps.dataTable, Key: memberKey(projectId, listId, id) } },
        listCountDown(deps.dataTable, projectId, listId),
      ]),
    ];
    if (!(await transact(deps, items))) return current;
  }
  throw changedMeanwhile();
}

/** The JSON the API answers (the `Contact` schema): unset fields are null, lists sorted. */
export function contactJson(contact: ContactRecord): ContactJson {
  return {
    object: 'contact',
    id: contact.id,
    email: contact.email,
    phone: contact.phone ?? null,
    first_name: contact.firstName ?? null,
    last_name: contact.lastName ?? null,
    properties: { ...contact.properties },
    unsubscribed: contact.unsubscribed,
    lists: [...contact.lists].sort(),
    created_at: contact.createdAt,
    updated_at: contact.updatedAt,
  };
}

export function contactNotFound(): ApiError {
  return new ApiError('not_found', { message: 'Contact not found.' });
}

function changedMeanwhile(): ApiError {
  return new ApiError('upstream_unavailable', {
    message: 'The contact kept changing while this request tried to write it. Retry shortly.',
  });
}

function emailTaken(email: string): ApiError {
  return new ApiError('already_exists', {
    message: `A contact with the email ${email} already exists in this project.`,
    errors: [
      { path: 'email', message: `email ${email} is already used by another contact of this project.` },
    ],
  });
}

function emailClaim(table: string, contact: ContactRecord): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: { ...contactEmailKey(contact.projectId, emailKey(contact.email)), contactId: contact.id },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function emailRelease(table: string, contact: ContactRecord): TransactItem {
  return {
    Delete: {
      TableName: table,
      Key: contactEmailKey(contact.projectId, emailKey(contact.email)),
      ConditionExpression: 'contactId = :id',
      ExpressionAttributeValues: { ':id': contact.id },
    },
  };
}

type OptionalField = 'phone' | 'firstName' | 'lastName';

/**
 * The optional fields the input names: a value sets one, null clears it; a field the input leaves
 * out keeps `current`'s value.
 */
function optionalFields(
  input: Pick<UpdateContactInput, 'phone' | 'first_name' | 'last_name'>,
  current: Partial<Pick<ContactRecord, OptionalField>> = {},
): Partial<Pick<ContactRecord, OptionalField>> {
  const pick = (given: string | null | undefined, kept: string | undefined) =>
    given === undefined ? kept : (given ?? undefined);
  return {
    phone: pick(input.phone, current.phone),
    firstName: pick(input.first_name, current.firstName),
    lastName: pick(input.last_name, current.lastName),
  };
}

/**
 * The stored item. Properties are kept as JSON text (read back exactly as written, whatever the
 * names); the lists as a string set, absent when empty (DynamoDB has no empty set).
 */
export function contactItem(contact: ContactRecord): Record<string, unknown> {
  const { properties, lists, ...rest } = contact;
  return {
    ...contactKey(contact.projectId, contact.id),
    ...rest,
    propertiesJson: JSON.stringify(properties),
    ...(lists.length > 0 ? { lists: new Set(lists) } : {}),
  };
}

export function contactFromItem(item: Record<string, unknown>): ContactRecord {
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    id: String(item.id),
    projectId: String(item.projectId),
    email: String(item.email),
    phone: str(item.phone),
    firstName: str(item.firstName),
    lastName: str(item.lastName),
    properties: readProperties(item.propertiesJson),
    unsubscribed: item.unsubscribed === true,
    lists: item.lists instanceof Set ? [...(item.lists as Set<unknown>)].map(String) : [],
    version: typeof item.version === 'number' ? item.version : 0,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

function readProperties(json: unknown): Record<string, Scalar> {
  if (typeof json !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, Scalar] =>
        ['string', 'number', 'boolean'].includes(typeof entry[1]),
      ),
    );
  } catch {
    return {};
  }
}
