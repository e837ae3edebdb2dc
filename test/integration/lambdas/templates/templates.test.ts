/** The template store against DynamoDB Local: alias uniqueness, alias moves, and writes over a stale read. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { projectPartition } from '../../../../lambdas/aws/tables.js';
import { findTemplate, listTemplates, writeTemplate } from '../../../../lambdas/templates/template-store.js';
import {
  createTemplate,
  deleteTemplate,
  type TemplatesDependencies,
  updateTemplate,
} from '../../../../lambdas/templates/templates.js';
import { createTestAws } from '../../../support/local-aws.js';

let deps: TemplatesDependencies;
beforeAll(async () => {
  const aws = await createTestAws();
  deps = { documents: aws.documents, dataTable: aws.tables.data, now: () => new Date() };
});

let counter = 0;
/** A project of its own per test, so no test sees another's templates. */
const freshProject = () => `proj_tpl${++counter}_${Date.now()}`;
const input = (extra: Record<string, unknown> = {}) => ({
  name: 'Welcome',
  text: 'Hi',
  variables: [],
  ...extra,
});

async function aliasItem(projectId: string, alias: string) {
  const { Item } = await deps.documents.send(
    new GetCommand({
      TableName: deps.dataTable,
      Key: { pk: projectPartition(projectId), sk: `TEMPLATE_ALIAS#${alias}` },
    }),
  );
  return Item;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
}

describe('aliases', () => {
  it('lets exactly one of many concurrent creates take an alias', async () => {
    const projectId = freshProject();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => codeOf(createTemplate(deps, projectId, input({ alias: 'welcome' })))),
    );
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'already_exists')).toHaveLength(7);
    const { templates } = await listTemplates(deps, projectId, { limit: 100 });
    expect(templates).toHaveLength(1);
    expect((await aliasItem(projectId, 'welcome'))?.templateId).toBe(templates[0]?.id);
  });

  it('keeps aliases per project: the same alias in two projects names two templates', async () => {
    const [first, second] = [freshProject(), freshProject()];
    const mine = await createTemplate(deps, first, input({ alias: 'welcome' }));
    const theirs = await createTemplate(deps, second, input({ alias: 'welcome' }));
    expect((await findTemplate(deps, first, 'welcome'))?.id).toBe(mine.id);
    expect((await findTemplate(deps, second, 'welcome'))?.id).toBe(theirs.id);
    expect(await findTemplate(deps, first, theirs.id)).toBeUndefined();
  });

  it('moves the alias on update: the old one is free, the new one taken', async () => {
    const projectId = freshProject();
    const template = await createTemplate(deps, projectId, input({ alias: 'old' }));
    await updateTemplate(deps, projectId, 'old', { alias: 'new' });
    expect(await aliasItem(projectId, 'old')).toBeUndefined();
    expect((await findTemplate(deps, projectId, 'new'))?.id).toBe(template.id);
    expect(await codeOf(createTemplate(deps, projectId, input({ alias: 'new' })))).toBe('already_exists');
    expect(await codeOf(createTemplate(deps, projectId, input({ alias: 'old' })))).toBe('ok');
  });

  it('refuses to move an alias onto a taken one, and changes nothing', async () => {
    const projectId = freshProject();
    const first = await createTemplate(deps, projectId, input({ alias: 'first' }));
    await createTemplate(deps, projectId, input({ alias: 'second' }));
    expect(
      await codeOf(updateTemplate(deps, projectId, first.id, { alias: 'second', name: 'Renamed' })),
    ).toBe('already_exists');
    expect(await findTemplate(deps, projectId, first.id)).toMatchObject({
      alias: 'first',
      name: 'Welcome',
      version: 1,
    });
    expect((await aliasItem(projectId, 'first'))?.templateId).toBe(first.id);
  });

  it('frees the alias when it is cleared and when the template is deleted', async () => {
    const projectId = freshProject();
    const cleared = await createTemplate(deps, projectId, input({ alias: 'cleared' }));
    const updated = await updateTemplate(deps, projectId, cleared.id, { alias: null });
    expect(updated.alias).toBeUndefined();
    expect(await aliasItem(projectId, 'cleared')).toBeUndefined();

    await createTemplate(deps, projectId, input({ alias: 'deleted' }));
    const deleted = await deleteTemplate(deps, projectId, 'deleted');
    expect(await aliasItem(projectId, 'deleted')).toBeUndefined();
    expect(await findTemplate(deps, projectId, deleted.id)).toBeUndefined();
    expect(await codeOf(createTemplate(deps, projectId, input({ alias: 'deleted' })))).toBe('ok');
  });
});

describe('writes over what was read', () => {
  it('refuses a write made from a stale version', async () => {
    const projectId = freshProject();
    const template = await createTemplate(deps, projectId, input());
    await updateTemplate(deps, projectId, template.id, { name: 'First change' });
    const stale = { ...template, name: 'Lost change', version: template.version + 1 };
    expect(await writeTemplate(deps, template, stale)).toBe('changed_meanwhile');
    expect((await findTemplate(deps, projectId, template.id))?.name).toBe('First change');
  });

  it('keeps every one of several concurrent updates to different fields', async () => {
    const projectId = freshProject();
    const template = await createTemplate(deps, projectId, input());
    await Promise.all([
      updateTemplate(deps, projectId, template.id, { subject: 'Subject' }),
      updateTemplate(deps, projectId, template.id, { html: '<p>Hi</p>' }),
    ]);
    expect(await findTemplate(deps, projectId, template.id)).toMatchObject({
      subject: 'Subject',
      html: '<p>Hi</p>',
      version: 3,
    });
  });
});

describe('listing', () => {
  it('lists a project’s templates newest first, without its alias items', async () => {
    const projectId = freshProject();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const ticking = { ...deps, now: () => new Date((clock += 1000)) };
    const created = [];
    for (const alias of ['a', 'b', 'c'])
      created.push(await createTemplate(ticking, projectId, input({ alias })));
    const first = await listTemplates(deps, projectId, { limit: 2 });
    expect(first.templates.map((template) => template.id)).toEqual([created[2]?.id, created[1]?.id]);
    const rest = await listTemplates(deps, projectId, { limit: 2, after: first.nextAfter });
    expect(rest.templates.map((template) => template.id)).toEqual([created[0]?.id]);
    expect(rest.nextAfter).toBeUndefined();
  });
});
