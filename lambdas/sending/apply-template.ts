/**
 * What a send with a `template` becomes, without AWS imports: the template's fields fill in what the
 * request leaves out (fields given explicitly win, one by one), its sources are rendered with the
 * request's values and the declared fallbacks, and the result is checked like any email.
 */
import { ApiError, type FieldError } from '../api/errors.js';
import {
  prepareSources,
  type RenderedField,
  renderSources,
  resolveVariables,
  type TemplateSources,
} from '../templates/render.js';
import type { TemplateRecord } from '../templates/template-store.js';
import type { SendEmailInput } from './email-schema.js';

/** A send with every field it needs decided: no template left to apply. */
export type ComposedEmail = Omit<SendEmailInput, 'from' | 'subject' | 'template'> & {
  readonly from: string;
  readonly subject: string;
};

const VARIABLES_PATH = 'template.variables';
const MAX_SUBJECT_LENGTH = 998;

/**
 * `template` is the one the request names, read from the caller's project. Throws 400
 * `validation_error` for a value of the wrong type, an undeclared value or a result that is not a
 * valid email, and 422 `missing_variable` for a used variable with no value and no fallback.
 */
export function applyTemplate(input: SendEmailInput, template: TemplateRecord | undefined): ComposedEmail {
  const { template: reference, ...fields } = input;
  if (!reference || !template) return checked(fields, {});
  // Only the sources the request does not override are rendered, so only their variables are needed.
  const sources: TemplateSources = {
    subject: input.subject === undefined ? template.subject : undefined,
    html: input.html === undefined ? template.html : undefined,
    text: input.text === undefined ? template.text : undefined,
  };
  const prepared = prepareSources(sources);
  const resolved = resolveVariables(
    template.variables,
    reference.variables ?? {},
    prepared.used,
    VARIABLES_PATH,
  );
  if (resolved.invalid.length > 0) throw problems('validation_error', resolved.invalid);
  if (resolved.missing.length > 0) throw problems('missing_variable', resolved.missing);
  const rendered = renderSources(prepared, resolved.values);
  return checked(
    {
      ...fields,
      from: input.from ?? template.from,
      reply_to: input.reply_to ?? (template.replyTo ? [...template.replyTo] : undefined),
      subject: input.subject ?? rendered.subject,
      html: input.html ?? nonEmpty(rendered.html),
      text: input.text ?? nonEmpty(rendered.text),
    },
    rendered,
  );
}

/** The checks the request schema makes, made again on what the template supplied. */
function checked(
  email: Omit<SendEmailInput, 'template'>,
  rendered: Partial<Record<RenderedField, string>>,
): ComposedEmail {
  const errors: FieldError[] = [];
  const { from, subject } = email;
  if (from === undefined) {
    errors.push({
      path: 'from',
      message: 'from is required: neither the request nor the template gives it.',
    });
  }
  const fromTemplate = rendered.subject !== undefined ? ', as rendered from the template,' : '';
  if (subject === undefined || subject === '') {
    errors.push({ path: 'subject', message: `subject${fromTemplate} is required and must not be empty.` });
  } else if (/[\r\n]/.test(subject)) {
    errors.push({ path: 'subject', message: `subject${fromTemplate} must not contain line breaks.` });
  } else if (subject.length > MAX_SUBJECT_LENGTH) {
    errors.push({
      path: 'subject',
      message: `subject${fromTemplate} must be at most ${MAX_SUBJECT_LENGTH} characters long.`,
    });
  }
  if (email.html === undefined && email.text === undefined) {
    errors.push({
      path: 'html',
      message: 'html is required unless text is given, by the request or the template.',
    });
  }
  if (errors.length > 0 || from === undefined || subject === undefined) {
    throw problems('validation_error', errors);
  }
  return { ...email, from, subject };
}

/** A body that rendered to nothing is no body: SES refuses an empty one. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function problems(code: 'validation_error' | 'missing_variable', errors: readonly FieldError[]): ApiError {
  const [first] = errors;
  const message =
    errors.length === 1 && first
      ? first.message
      : `The request has ${errors.length} problems: ${errors.map((error) => error.message).join(' ')}`;
  return new ApiError(code, { message, errors });
}
