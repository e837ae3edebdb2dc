/** The templates service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { resendListQuerySchema, resendListResponseSchema } from '../http/resend-paging.js';
import { withMeta } from '../api/schema-meta.js';
import { mailbox, replyToList } from '../shared/mailbox.js';
import { VARIABLE_TYPES } from './render.js';
import { v1TemplateInputOf } from './resend-adapter.js';
import {
  ALIAS_RULE,
  isAlias,
  isVariableKey,
  MAX_FALLBACK_LENGTH,
  MAX_TEMPLATE_JSON_BYTES,
  MAX_VARIABLES,
  VARIABLE_KEY_RULE,
} from './template-rules.js';

const timestamp = withMeta(z.string(), { format: 'date-time', example: '2026-11-24T14:30:00.000Z' });

const alias = withMeta(z.string().check(z.refine(isAlias, ALIAS_RULE)), {
  description: 'Unique in the project; usable wherever the id is.',
  example: 'welcome',
});

const variableValue = z.union([z.string().check(z.maxLength(MAX_FALLBACK_LENGTH)), z.number(), z.boolean()], {
  error: `must be a string (at most ${MAX_FALLBACK_LENGTH} characters), a number, or true or false`,
});

const variableDeclaration = z
  .strictObject({
    key: z.string().check(z.refine(isVariableKey, VARIABLE_KEY_RULE)),
    type: z.enum(VARIABLE_TYPES),
    fallback: withMeta(z.nullish(variableValue), {
      description: 'Used when a send gives no value; of the declared type.',
    }),
  })
  .check(
    z.superRefine((declaration, context) => {
      const { fallback, type } = declaration;
      if (fallback !== undefined && fallback !== null && typeof fallback !== type) {
        context.addIssue({
          code: 'custom',
          path: ['fallback'],
          message: `must be of the declared type, ${type}`,
        });
      }
    }),
  );

const variables = withMeta(
  z.array(variableDeclaration).check(
    z.maxLength(MAX_VARIABLES),
    z.superRefine((declarations, context) => {
      const seen = new Set<string>();
      for (const [index, { key }] of declarations.entries()) {
        if (seen.has(key)) {
          context.addIssue({
            code: 'custom',
            path: [index, 'key'],
            message: `must be unique, and ${key} is declared twice`,
          });
        }
        seen.add(key);
      }
    }),
  ),
  { description: 'The variables the template may use: every name in its sources must be one.' },
);

const subjectSource = z.string().check(
  z.minLength(1),
  z.maxLength(998),
  z.refine((value) => !/[\r\n]/.test(value), 'must not contain line breaks'),
);
// The whole template is bounded as JSON after parsing; this only stops absurd strings early.
const bodySource = z.string().check(z.minLength(1), z.maxLength(MAX_TEMPLATE_JSON_BYTES));

/** The fields a template holds; on create `name` is required, on update every field is optional. */
const templateFields = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
  alias: z.nullish(alias),
  subject: withMeta(z.nullish(subjectSource), { description: 'Mustache, rendered verbatim.' }),
  html: withMeta(z.nullish(bodySource), { description: 'Mustache, every value HTML-escaped.' }),
  text: withMeta(z.nullish(bodySource), { description: 'Mustache, rendered verbatim.' }),
  from: withMeta(z.nullish(mailbox), { description: 'Used when a send gives no from; not rendered.' }),
  reply_to: withMeta(z.nullish(replyToList), {
    description: 'Used when a send gives no reply_to; not rendered.',
  }),
};

export const createTemplateSchema = withMeta(
  z.strictObject({ ...templateFields, variables: z._default(variables, []) }),
  { description: 'Absent and null optional fields are the same: not set.' },
);

export const updateTemplateSchema = withMeta(
  // A PATCH without a body changes nothing, like `{}`: it still answers 404 for a missing template.
  z.optional(
    z.strictObject({
      ...templateFields,
      name: z.optional(templateFields.name),
      variables: z.optional(variables),
    }),
  ),
  { description: 'Only the fields given change; null clears an optional field.' },
);

export type CreateTemplateInput = z.output<typeof createTemplateSchema>;
export type UpdateTemplateInput = NonNullable<z.output<typeof updateTemplateSchema>>;

const nullableString = z.nullable(z.string());

export const templateSchema = withMeta(
  z.object({
    object: z.literal('template'),
    id: withMeta(z.string(), { example: 'tpl_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    name: z.string(),
    alias: nullableString,
    subject: nullableString,
    html: nullableString,
    text: nullableString,
    from: nullableString,
    reply_to: z.nullable(z.array(z.string())),
    variables: z.array(
      z.object({
        key: z.string(),
        type: z.enum(VARIABLE_TYPES),
        fallback: z.nullable(z.union([z.string(), z.number(), z.boolean()])),
      }),
    ),
    created_at: timestamp,
    updated_at: timestamp,
  }),
  {
    id: 'Template',
    description: 'A Mustache email template. Optional fields that are not set are null.',
  },
);

export type TemplateJson = z.input<typeof templateSchema>;

const templateParams = z.object({
  id: withMeta(z.string(), { description: 'The template id, `tpl_…`, or its alias.' }),
});

/**
 * Resend's template body: its field names (`fallback_value`, `reply_to` one address or a list) over
 * the same fields, mapped to the `/v1` body — `{{{VAR}}}` in `html` read as the escaped `{{VAR}}` —
 * and then checked by the `/v1` schema itself, so the rules are the `/v1` ones to the letter.
 */
const resendTemplateFields = {
  name: z.optional(z.string()),
  alias: z.nullish(z.string()),
  subject: withMeta(z.nullish(z.string()), { description: 'Mustache, rendered verbatim.' }),
  html: withMeta(z.nullish(z.string()), {
    description: 'Mustache; `{{{VAR}}}` is read as `{{VAR}}`: every value HTML-escaped.',
  }),
  text: withMeta(z.nullish(z.string()), { description: 'Mustache, rendered verbatim.' }),
  from: z.nullish(z.string()),
  reply_to: z.nullish(z.union([z.string(), z.array(z.string())])),
  variables: z.optional(
    z.array(
      z.strictObject({
        key: z.string(),
        type: z.enum(VARIABLE_TYPES),
        fallback_value: z.nullish(z.union([z.string(), z.number(), z.boolean()])),
      }),
    ),
  ),
};

export type ResendTemplateInput = {
  readonly [Field in keyof typeof resendTemplateFields]?: z.output<(typeof resendTemplateFields)[Field]>;
};

const resendCreateTemplateSchema = z.pipe(
  z.pipe(z.strictObject(resendTemplateFields), z.transform(v1TemplateInputOf)),
  createTemplateSchema,
);
const resendUpdateTemplateSchema = z.pipe(
  z.pipe(
    z.optional(z.strictObject(resendTemplateFields)),
    z.transform((input) => (input === undefined ? undefined : v1TemplateInputOf(input))),
  ),
  updateTemplateSchema,
);

const resendVariableSchema = z.object({
  key: z.string(),
  type: z.enum(VARIABLE_TYPES),
  fallback_value: z.nullable(z.union([z.string(), z.number(), z.boolean()])),
  created_at: timestamp,
  updated_at: timestamp,
});

const resendTemplateSchema = withMeta(
  z.object({
    object: z.literal('template'),
    id: withMeta(z.string(), { example: 'tpl_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw' }),
    name: z.string(),
    alias: nullableString,
    subject: nullableString,
    html: nullableString,
    text: nullableString,
    from: nullableString,
    reply_to: z.nullable(z.array(z.string())),
    variables: z.array(resendVariableSchema),
    status: withMeta(z.literal('published'), { description: 'A saved template is live at once.' }),
    published_at: withMeta(timestamp, { description: 'When the version sends use was saved.' }),
    has_unpublished_versions: z.literal(false),
    current_version_id: withMeta(z.string(), { description: 'The template id: one version is kept.' }),
    created_at: timestamp,
    updated_at: timestamp,
  }),
  { id: 'ResendTemplate', description: "A template in Resend's shape." },
);

export type ResendTemplateJson = z.input<typeof resendTemplateSchema>;

const resendTemplateListItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  alias: nullableString,
  status: z.literal('published'),
  published_at: timestamp,
  created_at: timestamp,
  updated_at: timestamp,
});

const resendTemplateRef = z.object({ object: z.literal('template'), id: z.string() });

/** The routes of the Resend surface this service serves (lambdas/templates/resend-adapter.ts maps them). */
export const RESEND_TEMPLATES_CONTRACTS = {
  resendListTemplates: defineContract({
    query: resendListQuerySchema,
    response: {
      status: 200,
      description: 'A page of templates, newest first.',
      schema: resendListResponseSchema(resendTemplateListItemSchema),
    },
  }),
  resendCreateTemplate: defineContract({
    idempotent: true,
    body: resendCreateTemplateSchema,
    response: { status: 201, description: 'The new template, live at once.', schema: resendTemplateRef },
    errors: ['already_exists'],
  }),
  resendGetTemplate: defineContract({
    params: templateParams,
    response: { status: 200, description: 'The template.', schema: resendTemplateSchema },
    errors: ['not_found'],
  }),
  resendUpdateTemplate: defineContract({
    params: templateParams,
    body: resendUpdateTemplateSchema,
    response: {
      status: 200,
      description: 'The template is changed; sends use it at once.',
      schema: resendTemplateRef,
    },
    errors: ['not_found', 'already_exists'],
  }),
  resendDeleteTemplate: defineContract({
    params: templateParams,
    response: {
      status: 200,
      description: 'The template is deleted and its alias free.',
      schema: z.object({ object: z.literal('template'), id: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found'],
  }),
  resendPublishTemplate: defineContract({
    params: templateParams,
    response: {
      status: 200,
      description: 'Nothing to do: every saved template is already the one sends use. 404 for none.',
      schema: resendTemplateRef,
    },
    errors: ['not_found'],
  }),
  resendDuplicateTemplate: defineContract({
    idempotent: true,
    params: templateParams,
    response: {
      status: 201,
      description: 'A copy named "<name> (copy)", without the alias (aliases are unique).',
      schema: resendTemplateRef,
    },
    errors: ['not_found'],
  }),
};

export const TEMPLATES_CONTRACTS = {
  ...RESEND_TEMPLATES_CONTRACTS,
  listTemplates: defineContract({
    query: listQuerySchema,
    response: {
      status: 200,
      description: 'A page of templates, newest first.',
      schema: listResponseSchema(templateSchema),
    },
  }),
  createTemplate: defineContract({
    idempotent: true,
    body: createTemplateSchema,
    response: { status: 201, description: 'The template.', schema: templateSchema },
    errors: ['already_exists'],
  }),
  getTemplate: defineContract({
    params: templateParams,
    response: { status: 200, description: 'The template.', schema: templateSchema },
    errors: ['not_found'],
  }),
  updateTemplate: defineContract({
    params: templateParams,
    body: updateTemplateSchema,
    response: { status: 200, description: 'The template as changed.', schema: templateSchema },
    errors: ['not_found', 'already_exists'],
  }),
  deleteTemplate: defineContract({
    params: templateParams,
    response: {
      status: 200,
      description: 'The template is deleted and its alias free.',
      schema: z.object({ id: z.string(), deleted: z.literal(true) }),
    },
    errors: ['not_found'],
  }),
} satisfies ServiceContracts<'templates'>;
