import type { ServiceRoutes } from '../http/frame.js';
import { answerPage } from '../http/paging.js';
import { TEMPLATES_CONTRACTS } from './contracts.js';
import { resendTemplatesHandlers, type TemplatesV1Handlers } from './resend-adapter.js';
import { getTemplate, listTemplates } from './template-store.js';
import {
  createTemplate,
  deleteTemplate,
  type TemplatesDependencies,
  templateJson,
  updateTemplate,
} from './templates.js';

export function templatesRoutes(deps: TemplatesDependencies): ServiceRoutes<typeof TEMPLATES_CONTRACTS> {
  const v1 = templatesHandlers(deps);
  // The Resend surface's adapter serves its routes through the /v1 handlers (./resend-adapter.ts).
  return {
    contracts: TEMPLATES_CONTRACTS,
    idempotency: deps,
    handlers: { ...v1, ...resendTemplatesHandlers(v1, deps) },
  };
}

function templatesHandlers(deps: TemplatesDependencies): TemplatesV1Handlers {
  return {
    listTemplates: ({ auth, query }) =>
      answerPage(deps, { projectId: auth.projectId, routeId: 'listTemplates' }, query, async (page) => {
        const { templates, nextAfter } = await listTemplates(deps, auth.projectId, page);
        return { items: templates.map(templateJson), nextAfter };
      }),
    createTemplate: async ({ auth, body }) => templateJson(await createTemplate(deps, auth.projectId, body)),
    getTemplate: async ({ auth, params }) => templateJson(await getTemplate(deps, auth.projectId, params.id)),
    updateTemplate: async ({ auth, params, body }) =>
      templateJson(await updateTemplate(deps, auth.projectId, params.id, body)),
    deleteTemplate: async ({ auth, params }) => {
      const deleted = await deleteTemplate(deps, auth.projectId, params.id);
      return { id: deleted.id, deleted: true as const };
    },
  };
}
