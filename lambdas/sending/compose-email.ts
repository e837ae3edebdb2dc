/**
 * The one step of a send that reads templates: the template a request names, from the key's project
 * only (another project's answers 404 exactly like a missing one), applied by apply-template.ts.
 */
import { ApiError } from '../api/errors.js';
import { findTemplate, type TemplateStore } from '../templates/template-store.js';
import { applyTemplate, type ComposedEmail } from './apply-template.js';
import type { SendEmailInput } from './email-schema.js';

export async function composeEmail(
  store: TemplateStore,
  projectId: string,
  input: SendEmailInput,
): Promise<ComposedEmail> {
  if (!input.template) return applyTemplate(input, undefined);
  const template = await findTemplate(store, projectId, input.template.id);
  if (!template) throw new ApiError('not_found', { message: 'Template not found.' });
  return applyTemplate(input, template);
}
