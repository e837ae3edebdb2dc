/**
 * The Resend surface of the templates service: each `/resend/templates*` route maps Resend's request
 * to the `/v1` route it stands for and calls that route's handler — the template rules, the alias
 * and the checks are the `/v1` ones — then answers in Resend's shape (docs/architecture.md, "API
 * surfaces"). Resend writes variables `{{{VAR}}}`; in `html` that is read as `{{VAR}}`, every value
 * HTML-escaped, as scopegate's html always is. A saved template is the one sends use at once, so it
 * answers `status: "published"` and publishing is a check that it exists.
 */
import type { ServiceHandlers } from '../http/frame.js';
import { answerResendPage } from '../http/resend-paging.js';
import { validate } from '../http/validation.js';
import {
  createTemplateSchema,
  type CreateTemplateInput,
  type RESEND_TEMPLATES_CONTRACTS,
  type ResendTemplateInput,
  type ResendTemplateJson,
  type TEMPLATES_CONTRACTS,
  type TemplateJson,
} from './contracts.js';
import { listTemplates, type TemplateStore, templateListPosition } from './template-store.js';
import { templateJson } from './templates.js';

/** The `/v1` handlers the adapter calls. */
export type TemplatesV1Handlers = ServiceHandlers<
  Omit<typeof TEMPLATES_CONTRACTS, keyof typeof RESEND_TEMPLATES_CONTRACTS>
>;

/** A triple mustache (`{{{ VAR }}}`), which Resend uses for every variable. */
const TRIPLE_MUSTACHE = /\{\{\{\s*([^{}]*?)\s*\}\}\}/g;

/** Resend's `{{{VAR}}}` as scopegate's escaped `{{VAR}}`: html never writes a value out raw. */
export function escapedPlaceholders(html: string): string {
  return html.replace(TRIPLE_MUSTACHE, (_tag, name: string) => `{{${name}}}`);
}

/** Resend's template body as the `/v1` body (checked by the `/v1` schema next). */
export function v1TemplateInputOf(input: ResendTemplateInput): Record<string, unknown> {
  const { variables, html, ...same } = input;
  return {
    ...same,
    ...(html === undefined ? {} : { html: typeof html === 'string' ? escapedPlaceholders(html) : html }),
    ...(variables === undefined
      ? {}
      : {
          variables: variables.map(({ key, type, fallback_value: fallback }) => ({
            key,
            type,
            ...(fallback === undefined ? {} : { fallback }),
          })),
        }),
  };
}

/** A `/v1` template in Resend's shape: live at once, one version, variables stamped with its times. */
export function resendTemplateOf(template: TemplateJson): ResendTemplateJson {
  const { variables, ...fields } = template;
  return {
    ...fields,
    variables: variables.map(({ key, type, fallback }) => ({
      key,
      type,
      fallback_value: fallback ?? null,
      created_at: template.created_at,
      updated_at: template.updated_at,
    })),
    status: 'published',
    published_at: template.updated_at,
    has_unpublished_versions: false,
    current_version_id: template.id,
  };
}

/** What Resend's list shows of a template. */
export function resendTemplateListItemOf(template: TemplateJson) {
  const { id, name, alias, created_at, updated_at } = template;
  return { id, name, alias, status: 'published' as const, published_at: updated_at, created_at, updated_at };
}

/** The body that creates a copy of a template: every field but the alias, which must stay unique. */
export function duplicateInputOf(template: TemplateJson): CreateTemplateInput {
  const suffix = ' (copy)';
  return validate(createTemplateSchema, {
    name: `${template.name.slice(0, 256 - suffix.length)}${suffix}`,
    subject: template.subject,
    html: template.html,
    text: template.text,
    from: template.from,
    reply_to: template.reply_to,
    variables: template.variables,
  });
}

const refOf = (template: { id: string }) => ({ object: 'template' as const, id: template.id });

export function resendTemplatesHandlers(
  v1: TemplatesV1Handlers,
  store: TemplateStore,
): ServiceHandlers<typeof RESEND_TEMPLATES_CONTRACTS> {
  return {
    resendListTemplates: ({ auth, query }) =>
      answerResendPage(query, templateListPosition, async ({ limit, after, direction }) => {
        const { templates, nextAfter } = await listTemplates(store, auth.projectId, {
          limit,
          after,
          backwards: direction === 'backward',
        });
        return {
          items: templates.map((template) => resendTemplateListItemOf(templateJson(template))),
          nextAfter,
        };
      }),
    resendCreateTemplate: async (request) => refOf(await v1.createTemplate({ ...request })),
    resendGetTemplate: async (request) => resendTemplateOf(await v1.getTemplate({ ...request })),
    resendUpdateTemplate: async (request) => refOf(await v1.updateTemplate({ ...request })),
    resendDeleteTemplate: async (request) => ({
      object: 'template',
      ...(await v1.deleteTemplate({ ...request })),
    }),
    // Every saved template is already the one sends use: publishing only answers 404 for none.
    resendPublishTemplate: async (request) => refOf(await v1.updateTemplate({ ...request, body: undefined })),
    resendDuplicateTemplate: async (request) => {
      const original = await v1.getTemplate({ ...request });
      const body = duplicateInputOf(original);
      return refOf(await v1.createTemplate({ ...request, params: undefined, body }));
    },
  };
}
