/** The audience service's routes: contacts, lists and segments (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { withMeta } from '../api/schema-meta.js';
import { MAX_MAILBOX_LENGTH } from '../shared/mailbox.js';
import { resendListQuerySchema, resendListResponseSchema } from '../http/resend-paging.js';
import {
  isPropertyName,
  MAX_LISTS_PER_CONTACT,
  MAX_PROPERTIES,
  MAX_PROPERTY_NUMBER,
  MAX_PROPERTY_STRING,
  PROPERTY_NAME_RULE,
  propertiesProblem,
} from './contact-rules.js';
import {
  conditionProblem,
  FILTER_OPS,
  FIXED_FIELDS,
  MATCH_MODES,
  MAX_CONDITIONS,
  type Filter,
} from './filter.js';

const timestamp = withMeta(z.string(), { format: 'date-time', example: '2026-11-24T14:30:00.000Z' });
const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(256));
const description = z.string().check(z.maxLength(1000));

// ---- contacts ----

const email = withMeta(
  z.pipe(
    z
      .string()
      .check(z.trim(), z.maxLength(MAX_MAILBOX_LENGTH, `must be at most ${MAX_MAILBOX_LENGTH} characters`)),
    z.email({ error: 'must be an email address' }),
  ),
  {
    description: 'Unique in the project, compared without regard to case.',
    example: 'ada@example.com',
  },
);
const phone = z
  .string()
  .check(z.regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, like +14155550123'));
const personName = z.string().check(z.trim(), z.minLength(1), z.maxLength(256));

const propertyValue = z.union(
  [
    z.string().check(z.maxLength(MAX_PROPERTY_STRING)),
    z.number().check(z.minimum(-MAX_PROPERTY_NUMBER), z.maximum(MAX_PROPERTY_NUMBER)),
    z.boolean(),
  ],
  {
    error: `must be a string (at most ${MAX_PROPERTY_STRING} characters), a number (at most 2^53 - 1 in size), or true or false`,
  },
);

/** Counted before the values are read, so 100,000 properties cost one check, not 100,000 issues. */
const propertyMap = <V extends z.ZodMiniType>(value: V) =>
  z.pipe(
    z
      .record(z.string(), z.unknown())
      .check(
        z.refine(
          (map) => Object.keys(map).length <= MAX_PROPERTIES,
          `must hold at most ${MAX_PROPERTIES} properties`,
        ),
      ),
    z.record(z.string().check(z.refine(isPropertyName, PROPERTY_NAME_RULE)), value),
  );

const properties = withMeta(
  propertyMap(propertyValue).check(
    z.superRefine((map, context) => {
      const problem = propertiesProblem(map);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  ),
  { description: `Custom fields: at most ${MAX_PROPERTIES}, 8 KB as JSON in all.` },
);

export const createContactSchema = z.strictObject({
  email,
  phone: z.nullish(phone),
  first_name: z.nullish(personName),
  last_name: z.nullish(personName),
  properties: z._default(properties, {}),
  unsubscribed: z._default(z.boolean(), false),
});

export const updateContactSchema = withMeta(
  z.optional(
    z.strictObject({
      email: z.optional(email),
      phone: z.nullish(phone),
      first_name: z.nullish(personName),
      last_name: z.nullish(personName),
      properties: withMeta(z.optional(propertyMap(z.nullable(propertyValue))), {
        description: 'Merged into the contact’s properties: a value sets one, null removes it.',
      }),
      unsubscribed: z.optional(z.boolean()),
    }),
  ),
  { description: 'Only the fields given change; null clears an optional field.' },
);

export type CreateContactInput = z.output<typeof createContactSchema>;
export type UpdateContactInput = NonNullable<z.output<typeof updateContactSchema>>;

export const contactSchema = withMeta(
  z.object({
    object: z.literal('contact'),
    id: withMeta(z.string(), { example: 'ct_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    email: z.string(),
    phone: z.nullable(z.string()),
    first_name: z.nullable(z.string()),
    last_name: z.nullable(z.string()),
    properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    unsubscribed: z.boolean(),
    lists: withMeta(z.array(z.string()), { description: 'The ids of the lists the contact is in.' }),
    created_at: timestamp,
    updated_at: timestamp,
  }),
  { id: 'Contact', description: 'A person the project may send to.' },
);
export type ContactJson = z.input<typeof contactSchema>;

const contactsQuery = z.extend(listQuerySchema, {
  email: withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_MAILBOX_LENGTH))), {
    description: 'Only the contact with this email (any case): a list of zero or one.',
  }),
});

// ---- lists ----

export const createListSchema = z.strictObject({ name, description: z.nullish(description) });
export const updateListSchema = z.optional(
  z.strictObject({ name: z.optional(name), description: z.nullish(description) }),
);
export type CreateListInput = z.output<typeof createListSchema>;
export type UpdateListInput = NonNullable<z.output<typeof updateListSchema>>;

export const listSchema = withMeta(
  z.object({
    object: z.literal('contact_list'),
    id: withMeta(z.string(), { example: 'lst_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    name: z.string(),
    description: z.nullable(z.string()),
    contact_count: z.number().check(z.int()),
    created_at: timestamp,
    updated_at: timestamp,
  }),
  { id: 'ContactList', description: 'A named set of contacts.' },
);
export type ListJson = z.input<typeof listSchema>;

// ---- segments ----

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const conditionSchema = z
  .strictObject({
    field: withMeta(z.string().check(z.maxLength(80)), {
      description: `${FIXED_FIELDS.join(', ')} or properties.<name>`,
    }),
    op: withMeta(z.string().check(z.maxLength(20)), { enum: [...FILTER_OPS] }),
    value: z.optional(z.union([scalar, z.array(scalar)])),
  })
  .check(
    z.superRefine((condition, context) => {
      const problem = conditionProblem(condition);
      if (problem) context.addIssue({ code: 'custom', path: [problem.part], message: problem.message });
    }),
  );

const filterSchema = withMeta(
  z.strictObject({
    match: z._default(z.enum(MATCH_MODES, { error: 'must be all or any' }), 'all'),
    // The count is checked before any condition is read: 10,000 conditions are one 400, at once.
    conditions: z.pipe(
      z
        .array(z.unknown())
        .check(
          z.minLength(1, 'must hold at least one condition'),
          z.maxLength(MAX_CONDITIONS, `must hold at most ${MAX_CONDITIONS} conditions`),
        ),
      z.array(conditionSchema),
    ),
  }),
  {
    id: 'SegmentFilter',
    description:
      'Contacts match when all (or any) conditions hold. Ops: eq neq contains starts_with exists not_exists gt gte lt lte in_list not_in_list.',
  },
);

export const createSegmentSchema = z.strictObject({ name, filter: filterSchema });
export const updateSegmentSchema = z.optional(
  z.strictObject({ name: z.optional(name), filter: z.optional(filterSchema) }),
);
export type CreateSegmentInput = z.output<typeof createSegmentSchema>;
export type UpdateSegmentInput = NonNullable<z.output<typeof updateSegmentSchema>>;

export const segmentSchema = withMeta(
  z.object({
    object: z.literal('segment'),
    id: withMeta(z.string(), { example: 'seg_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    name: z.string(),
    filter: z.object({
      match: z.enum(MATCH_MODES),
      conditions: z.array(
        z.object({
          field: z.string(),
          op: z.enum(FILTER_OPS),
          value: z.optional(z.union([scalar, z.array(scalar)])),
        }),
      ),
    }),
    created_at: timestamp,
    updated_at: timestamp,
  }),
  { id: 'Segment', description: 'A saved filter over the project’s contacts, evaluated on read.' },
);
export type SegmentJson = z.input<typeof segmentSchema>;

/** The stored form of a validated filter (the contract checked op and field together). */
export function filterOf(input: CreateSegmentInput['filter']): Filter {
  return input as Filter;
}

// ---- routes ----

const idParams = (what: string, prefix: string) =>
  z.object({
    id: withMeta(z.string().check(z.maxLength(64)), { description: `The ${what} id, \`${prefix}_…\`.` }),
  });
const contactParams = idParams('contact', 'ct');
const listParams = idParams('list', 'lst');
const segmentParams = idParams('segment', 'seg');
const membershipParams = z.object({
  id: withMeta(z.string().check(z.maxLength(64)), { description: 'The list id, `lst_…`.' }),
  contact_id: withMeta(z.string().check(z.maxLength(64)), { description: 'The contact id, `ct_…`.' }),
});
const deleted = z.object({ id: z.string(), deleted: z.literal(true) });

// ---- Resend's contacts, segments and audiences (lambdas/audience/resend-adapter.ts maps them) ----

/** A contact named in a Resend path: its id (`ct_…`) or its email. */
const resendContactRef = withMeta(z.string().check(z.minLength(1), z.maxLength(MAX_MAILBOX_LENGTH)), {
  description: 'The contact id, `ct_…`, or its email address.',
});
const resendContactParams = z.object({ id: resendContactRef });
/** Resend's segments and audiences are scopegate lists. */
const resendSegmentId = withMeta(z.string().check(z.maxLength(64)), {
  description: 'The segment (audience) id: a scopegate list id, `lst_…`.',
});
const resendSegmentParams = z.object({ id: resendSegmentId });
const resendAudienceContactParams = z.object({
  id: resendSegmentId,
  contact_id: withMeta(z.string().check(z.minLength(1), z.maxLength(MAX_MAILBOX_LENGTH)), {
    description: 'The contact id, `ct_…`, or its email address.',
  }),
});
const resendContactSegmentParams = z.object({ id: resendContactRef, segment_id: resendSegmentId });

const resendContactCreateSchema = z.extend(createContactSchema, {
  segments: withMeta(
    z.optional(
      z
        .array(z.strictObject({ id: resendSegmentId }))
        .check(z.maxLength(MAX_LISTS_PER_CONTACT, `must list at most ${MAX_LISTS_PER_CONTACT} segments`)),
    ),
    { description: 'Segments (scopegate lists) the new contact joins; each must exist.' },
  ),
});
export type ResendContactCreateInput = z.output<typeof resendContactCreateSchema>;

const resendContactRefSchema = z.object({ object: z.literal('contact'), id: z.string() });
const resendContactItemSchema = z.object({
  id: z.string(),
  email: z.string(),
  first_name: z.nullable(z.string()),
  last_name: z.nullable(z.string()),
  created_at: timestamp,
  unsubscribed: z.boolean(),
});
const resendContactSchema = withMeta(
  z.extend(resendContactItemSchema, {
    object: z.literal('contact'),
    properties: z.record(
      z.string(),
      z.object({ type: z.enum(['string', 'number', 'boolean']), value: scalar }),
    ),
  }),
  { id: 'ResendContact', description: "A contact in Resend's shape: each property with its type." },
);
const resendContactDeletedSchema = z.object({
  object: z.literal('contact'),
  contact: z.string(),
  deleted: z.literal(true),
});
const resendSegmentItemSchema = z.object({ id: z.string(), name: z.string(), created_at: timestamp });
const resendSegmentSchema = z.extend(resendSegmentItemSchema, { object: z.literal('segment') });

const resendContactCreate = {
  idempotent: true,
  body: resendContactCreateSchema,
  unsupportedFields: ['topics'],
  response: { status: 201, description: 'The contact was created.', schema: resendContactRefSchema },
  errors: ['already_exists', 'not_found', 'invalid_parameter'],
} as const;

/** The routes of the Resend surface this service serves. */
export const RESEND_AUDIENCE_CONTRACTS = {
  resendCreateContact: defineContract(resendContactCreate),
  resendListContacts: defineContract({
    query: resendListQuerySchema,
    response: {
      status: 200,
      description: 'A page of contacts, newest first.',
      schema: resendListResponseSchema(resendContactItemSchema),
    },
    errors: ['invalid_parameter'],
  }),
  resendGetContact: defineContract({
    params: resendContactParams,
    response: { status: 200, description: 'The contact.', schema: resendContactSchema },
    errors: ['not_found'],
  }),
  resendUpdateContact: defineContract({
    params: resendContactParams,
    body: updateContactSchema,
    response: { status: 200, description: 'The contact was changed.', schema: resendContactRefSchema },
    errors: ['not_found', 'already_exists'],
  }),
  resendDeleteContact: defineContract({
    params: resendContactParams,
    response: {
      status: 200,
      description: 'The contact is deleted, with its segment memberships.',
      schema: resendContactDeletedSchema,
    },
    errors: ['not_found'],
  }),
  resendListContactSegments: defineContract({
    params: resendContactParams,
    query: resendListQuerySchema,
    response: {
      status: 200,
      description: 'The segments (lists) the contact is in, all on one page.',
      schema: resendListResponseSchema(resendSegmentItemSchema),
    },
    errors: ['not_found', 'invalid_parameter'],
  }),
  resendAddContactSegment: defineContract({
    params: resendContactSegmentParams,
    response: {
      status: 200,
      description: 'The contact is in the segment (the segment id).',
      schema: z.object({ id: z.string() }),
    },
    errors: ['not_found'],
  }),
  resendRemoveContactSegment: defineContract({
    params: resendContactSegmentParams,
    response: {
      status: 200,
      description: 'The contact is no longer in the segment (the segment id).',
      schema: z.object({ id: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found'],
  }),
  resendCreateAudienceContact: defineContract({ ...resendContactCreate, params: resendSegmentParams }),
  resendGetAudienceContact: defineContract({
    params: resendAudienceContactParams,
    response: { status: 200, description: 'The contact, in the audience.', schema: resendContactSchema },
    errors: ['not_found'],
  }),
  resendUpdateAudienceContact: defineContract({
    params: resendAudienceContactParams,
    body: updateContactSchema,
    response: { status: 200, description: 'The contact was changed.', schema: resendContactRefSchema },
    errors: ['not_found', 'already_exists'],
  }),
  resendDeleteAudienceContact: defineContract({
    params: resendAudienceContactParams,
    response: {
      status: 200,
      description: 'The contact (which was in the audience) is deleted.',
      schema: resendContactDeletedSchema,
    },
    errors: ['not_found'],
  }),
  resendCreateSegment: defineContract({
    idempotent: true,
    body: z.strictObject({ name }),
    response: {
      status: 201,
      description: 'The segment: a scopegate list.',
      schema: z.object({ object: z.literal('segment'), id: z.string(), name: z.string() }),
    },
  }),
  resendListSegments: defineContract({
    query: resendListQuerySchema,
    response: {
      status: 200,
      description: 'A page of segments (lists), newest first.',
      schema: resendListResponseSchema(resendSegmentItemSchema),
    },
    errors: ['invalid_parameter'],
  }),
  resendGetSegment: defineContract({
    params: resendSegmentParams,
    response: { status: 200, description: 'The segment.', schema: resendSegmentSchema },
    errors: ['not_found'],
  }),
  resendUpdateSegment: defineContract({
    params: resendSegmentParams,
    body: z.optional(z.strictObject({ name: z.optional(name) })),
    response: {
      status: 200,
      description: 'The segment was changed.',
      schema: z.object({ object: z.literal('segment'), id: z.string() }),
    },
    errors: ['not_found'],
  }),
  resendDeleteSegment: defineContract({
    params: resendSegmentParams,
    response: {
      status: 200,
      description: 'The segment is deleted; its contacts stay.',
      schema: z.object({ object: z.literal('segment'), id: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found', 'upstream_unavailable'],
  }),
  resendListSegmentContacts: defineContract({
    params: resendSegmentParams,
    query: resendListQuerySchema,
    response: {
      status: 200,
      description: "A page of the segment's contacts, newest contact first.",
      schema: resendListResponseSchema(resendContactItemSchema),
    },
    errors: ['not_found', 'invalid_parameter'],
  }),
};

export const AUDIENCE_CONTRACTS = {
  ...RESEND_AUDIENCE_CONTRACTS,
  listContacts: defineContract({
    query: contactsQuery,
    response: {
      status: 200,
      description: 'A page of contacts, newest first (or the one with `email`).',
      schema: listResponseSchema(contactSchema),
    },
  }),
  createContact: defineContract({
    idempotent: true,
    body: createContactSchema,
    response: { status: 201, description: 'The contact.', schema: contactSchema },
    errors: ['already_exists'],
  }),
  getContact: defineContract({
    params: contactParams,
    response: { status: 200, description: 'The contact.', schema: contactSchema },
    errors: ['not_found'],
  }),
  updateContact: defineContract({
    params: contactParams,
    body: updateContactSchema,
    response: { status: 200, description: 'The contact as changed.', schema: contactSchema },
    errors: ['not_found', 'already_exists'],
  }),
  deleteContact: defineContract({
    params: contactParams,
    response: {
      status: 200,
      description: 'The contact is deleted, with its list memberships.',
      schema: deleted,
    },
    errors: ['not_found'],
  }),
  listLists: defineContract({
    query: listQuerySchema,
    response: {
      status: 200,
      description: 'A page of lists, newest first.',
      schema: listResponseSchema(listSchema),
    },
  }),
  createList: defineContract({
    idempotent: true,
    body: createListSchema,
    response: { status: 201, description: 'The list.', schema: listSchema },
  }),
  getList: defineContract({
    params: listParams,
    response: { status: 200, description: 'The list.', schema: listSchema },
    errors: ['not_found'],
  }),
  updateList: defineContract({
    params: listParams,
    body: updateListSchema,
    response: { status: 200, description: 'The list as changed.', schema: listSchema },
    errors: ['not_found'],
  }),
  deleteList: defineContract({
    params: listParams,
    response: {
      status: 200,
      description: 'The list is deleted and its contacts are no longer in it.',
      schema: deleted,
    },
    errors: ['not_found', 'upstream_unavailable'],
  }),
  listListContacts: defineContract({
    params: listParams,
    query: listQuerySchema,
    response: {
      status: 200,
      description: 'A page of the list’s contacts, newest contact first.',
      schema: listResponseSchema(contactSchema),
    },
    errors: ['not_found'],
  }),
  addListContact: defineContract({
    params: membershipParams,
    response: { status: 200, description: 'The contact, now in the list.', schema: contactSchema },
    errors: ['not_found'],
  }),
  removeListContact: defineContract({
    params: membershipParams,
    response: {
      status: 200,
      description: 'The contact (its id) is no longer in the list.',
      schema: deleted,
    },
    errors: ['not_found'],
  }),
  listSegments: defineContract({
    query: listQuerySchema,
    response: {
      status: 200,
      description: 'A page of segments, newest first.',
      schema: listResponseSchema(segmentSchema),
    },
  }),
  createSegment: defineContract({
    idempotent: true,
    body: createSegmentSchema,
    response: { status: 201, description: 'The segment.', schema: segmentSchema },
  }),
  getSegment: defineContract({
    params: segmentParams,
    response: { status: 200, description: 'The segment.', schema: segmentSchema },
    errors: ['not_found'],
  }),
  updateSegment: defineContract({
    params: segmentParams,
    body: updateSegmentSchema,
    response: { status: 200, description: 'The segment as changed.', schema: segmentSchema },
    errors: ['not_found'],
  }),
  deleteSegment: defineContract({
    params: segmentParams,
    response: { status: 200, description: 'The segment is deleted.', schema: deleted },
    errors: ['not_found'],
  }),
  listSegmentContacts: defineContract({
    params: segmentParams,
    query: listQuerySchema,
    response: {
      status: 200,
      description:
        'The contacts the segment matches now, newest first. A page may hold fewer than `limit` (even none) while `has_more` is true: each request examines a bounded number of contacts; follow `next_cursor`.',
      schema: listResponseSchema(contactSchema),
    },
    errors: ['not_found'],
  }),
} satisfies ServiceContracts<'audience'>;
