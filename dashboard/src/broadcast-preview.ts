/**
 * A draft broadcast's preview for one real contact, rendered in the page by the server's own modules:
 * lambdas/broadcasts/content.ts composes the content exactly as sending does (the draft's own sources
 * over its template's, the template's variables resolved, every check in the API's words), and
 * lambdas/broadcasts/personalize.ts renders it for the contact as the sender does. One implementation,
 * not a copy; only the unsubscribe link differs, since each recipient's is signed by the stack.
 */
import type { FieldError } from '../../lambdas/api/errors';
import { composeContent, type ContentTemplate } from '../../lambdas/broadcasts/content';
import {
  type PersonalContact,
  prepareBroadcast,
  renderFor,
  type Sources,
} from '../../lambdas/broadcasts/personalize';
import type { RenderedBodies, VariableValue } from '../../lambdas/templates/render';
import type { Schemas } from './api';

export interface BroadcastPreview {
  /** Absent when the draft could not be sent as it stands (then `problems` says why). */
  readonly rendered: RenderedBodies | undefined;
  readonly problems: readonly FieldError[];
}

/** Where `{{unsubscribe_url}}` points in a preview: the API's unsubscribe path, without a real token. */
export function previewUnsubscribeUrl(apiBaseUrl: string): string {
  return `${apiBaseUrl.replace(/\/$/, '')}/u/preview`;
}

export function previewBroadcast(
  own: Sources,
  template: ContentTemplate | undefined,
  given: Readonly<Record<string, VariableValue>>,
  contact: PersonalContact,
  unsubscribeUrl: string,
): BroadcastPreview {
  const composed = composeContent(own, template, given);
  if (!composed.ok) return { rendered: undefined, problems: composed.errors };
  const { subject, html, text, variables } = composed.content;
  const rendered = renderFor(prepareBroadcast({ subject, html, text }, variables), contact, unsubscribeUrl);
  return { rendered, problems: [] };
}

/** A contact as the API answers it, in the shape the sender renders with (a null field is absent). */
export function personalContact(contact: Schemas['Contact']): PersonalContact {
  return {
    id: contact.id,
    email: contact.email,
    firstName: contact.first_name ?? undefined,
    lastName: contact.last_name ?? undefined,
    phone: contact.phone ?? undefined,
    properties: contact.properties,
  };
}

/** A template as the API answers it, as far as a broadcast's content goes. */
export function contentTemplate(template: Schemas['Template']): ContentTemplate {
  return {
    subject: template.subject ?? undefined,
    html: template.html ?? undefined,
    text: template.text ?? undefined,
    variables: template.variables.map(({ key, type, fallback }) =>
      fallback === null ? { key, type } : { key, type, fallback },
    ),
  };
}
