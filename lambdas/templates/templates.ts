/**
 * Creating, changing and deleting templates: check the result (sources against declarations,
 * size), then write it over exactly what was read. The JSON the API answers is built here too.
 */
import { ApiError, type FieldError } from '../api/errors.js';
import { newId } from '../shared/ids.js';
import type { CreateTemplateInput, TemplateJson, UpdateTemplateInput } from './contracts.js';
import { sourceProblems, type VariableDeclaration } from './render.js';
import { getTemplate, type TemplateRecord, type TemplateStore, writeTemplate } from './template-store.js';
import { jsonBytes, MAX_TEMPLATE_JSON_BYTES, TEMPLATE_ID_PREFIX } from './template-rules.js';

export interface TemplatesDependencies extends TemplateStore {
  readonly now: () => Date;
}

/** How often a change is re-read and retried when another request changed the template first. */
const WRITE_ATTEMPTS = 3;

export async function createTemplate(
  deps: TemplatesDependencies,
  projectId: string,
  input: CreateTemplateInput,
): Promise<TemplateRecord> {
  const now = deps.now();
  const template: TemplateRecord = {
    id: newId(TEMPLATE_ID_PREFIX, now),
    projectId,
    ...fieldsOf(input),
    name: input.name,
    variables: declarationsOf(input.variables),
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  assertValid(template);
  // A new id cannot have been written meanwhile: the only refusal is a taken alias (a 409).
  await writeTemplate(deps, undefined, template);
  return template;
}

export async function updateTemplate(
  deps: TemplatesDependencies,
  projectId: string,
  reference: string,
  input: UpdateTemplateInput | undefined,
): Promise<TemplateRecord> {
  return withRetries(async () => {
    const current = await getTemplate(deps, projectId, reference);
    if (!input || Object.keys(input).length === 0) return current;
    const next: TemplateRecord = {
      ...current,
      ...fieldsOf(input),
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.variables === undefined ? {} : { variables: declarationsOf(input.variables) }),
      version: current.version + 1,
      updatedAt: deps.now().toISOString(),
    };
    assertValid(next);
    return (await writeTemplate(deps, current, next)) === 'written' ? next : undefined;
  });
}

export async function deleteTemplate(
  deps: TemplatesDependencies,
  projectId: string,
  reference: string,
): Promise<TemplateRecord> {
  return withRetries(async () => {
    const current = await getTemplate(deps, projectId, reference);
    return (await writeTemplate(deps, current, undefined)) === 'written' ? current : undefined;
  });
}

/** Runs a read-check-write until it writes (answers a record) or runs out of attempts. */
async function withRetries(attempt: () => Promise<TemplateRecord | undefined>): Promise<TemplateRecord> {
  for (let count = 1; count <= WRITE_ATTEMPTS; count++) {
    const written = await attempt();
    if (written) return written;
  }
  throw new ApiError('upstream_unavailable', {
    message: 'The template kept changing while this request tried to write it. Retry shortly.',
  });
}

type OptionalFields = Pick<TemplateRecord, 'alias' | 'subject' | 'html' | 'text' | 'from' | 'replyTo'>;

/**
 * The optional fields the input names: a value sets one, null clears it (undefined), and a field the
 * input leaves out is not in the result, so spreading it over a record keeps that field.
 */
function fieldsOf(input: UpdateTemplateInput): Partial<OptionalFields> {
  const fields: Partial<Record<keyof OptionalFields, unknown>> = {};
  const set = (field: keyof OptionalFields, value: unknown) => {
    if (value !== undefined) fields[field] = value ?? undefined;
  };
  set('alias', input.alias);
  set('subject', input.subject);
  set('html', input.html);
  set('text', input.text);
  set('from', input.from);
  set('replyTo', input.reply_to);
  return fields as Partial<OptionalFields>;
}

function declarationsOf(variables: UpdateTemplateInput['variables'] & object): VariableDeclaration[] {
  return variables.map(({ key, type, fallback }) => ({
    key,
    type,
    ...(fallback === null || fallback === undefined ? {} : { fallback }),
  }));
}

/** The whole template, checked after a create or a change is applied: 400 listing every problem. */
function assertValid(template: TemplateRecord): void {
  const problems: FieldError[] = [...sourceProblems(template, template.variables)];
  if (template.html === undefined && template.text === undefined) {
    problems.push({ path: 'html', message: 'html is required unless text is given.' });
  }
  const bytes = jsonBytes(templateJson(template));
  if (bytes > MAX_TEMPLATE_JSON_BYTES) {
    problems.push({
      path: '',
      message: `The template must be at most ${MAX_TEMPLATE_JSON_BYTES} bytes as JSON, all fields together; it is ${bytes}.`,
    });
  }
  const [first] = problems;
  if (!first) return;
  throw new ApiError('validation_error', {
    message:
      problems.length === 1
        ? first.message
        : `The request has ${problems.length} problems: ${problems.map((problem) => problem.message).join(' ')}`,
    errors: problems,
  });
}

/** The JSON shape the API answers (the `Template` schema of contracts.ts): unset fields are null. */
export function templateJson(template: TemplateRecord): TemplateJson {
  return {
    object: 'template',
    id: template.id,
    name: template.name,
    alias: template.alias ?? null,
    subject: template.subject ?? null,
    html: template.html ?? null,
    text: template.text ?? null,
    from: template.from ?? null,
    reply_to: template.replyTo ? [...template.replyTo] : null,
    variables: template.variables.map(({ key, type, fallback }) => ({
      key,
      type,
      fallback: fallback ?? null,
    })),
    created_at: template.createdAt,
    updated_at: template.updatedAt,
  };
}
