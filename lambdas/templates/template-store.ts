/**
 * Templates in the Data table, under their project's partition: the template (`TEMPLATE#<id>`) and,
 * when it has an alias, an alias item (`TEMPLATE_ALIAS#<alias>` → the id). Both are written in one
 * transaction, the alias item only if it does not exist yet, so an alias is unique in its project.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, type TransactWriteCommandInput, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isTransactionConflict } from '../aws/conflicts.js';
import { ApiError } from '../api/errors.js';
import { type ProjectPage, queryProjectPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';
import type { VariableDeclaration } from './render.js';
import { readReference } from './template-rules.js';

export interface TemplateRecord {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly alias?: string | undefined;
  readonly subject?: string | undefined;
  readonly html?: string | undefined;
  readonly text?: string | undefined;
  readonly from?: string | undefined;
  readonly replyTo?: readonly string[] | undefined;
  readonly variables: readonly VariableDeclaration[];
  /** Counts writes: a change is written only over the version it was made from. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface TemplateStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

const TEMPLATE_PREFIX = 'TEMPLATE#';
const templateKey = (projectId: string, id: string) => ({
  pk: projectPartition(projectId),
  sk: `${TEMPLATE_PREFIX}${id}`,
});
const aliasKey = (projectId: string, alias: string) => ({
  pk: projectPartition(projectId),
  sk: `TEMPLATE_ALIAS#${alias}`,
});

/** A template of this project by id or alias; undefined when there is none (or the value names none). */
export async function findTemplate(
  store: TemplateStore,
  projectId: string,
  reference: string,
): Promise<TemplateRecord | undefined> {
  const read = readReference(reference);
  if (!read) return undefined;
  if (read.kind === 'id') return readTemplate(store, projectId, read.id);
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      Key: aliasKey(projectId, read.alias),
      ConsistentRead: true,
    }),
  );
  if (typeof Item?.templateId !== 'string') return undefined;
  const template = await readTemplate(store, projectId, Item.templateId);
  // Alias and template change in one transaction; this only guards against a hand edit.
  return template?.alias === read.alias ? template : undefined;
}

/** A missing template and another project's template are the same 404. */
export async function getTemplate(
  store: TemplateStore,
  projectId: string,
  reference: string,
): Promise<TemplateRecord> {
  const template = await findTemplate(store, projectId, reference);
  if (!template) throw new ApiError('not_found', { message: 'Template not found.' });
  return template;
}

async function readTemplate(
  store: TemplateStore,
  projectId: string,
  id: string,
): Promise<TemplateRecord | undefined> {
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: templateKey(projectId, id), ConsistentRead: true }),
  );
  return Item ? toRecord(Item) : undefined;
}

/** A template's position in its project's list: what `listTemplates` reads from for Resend's `after`/`before`. */
export const templateListPosition = (id: string): string => `${TEMPLATE_PREFIX}${id}`;

/** Newest first (ids sort by creation time), or oldest first from a position when asked. */
export async function listTemplates(
  store: TemplateStore,
  projectId: string,
  page: ProjectPage,
): Promise<{ templates: TemplateRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, TEMPLATE_PREFIX, page);
  return { templates: items.map(toRecord), nextAfter };
}

export type WriteOutcome = 'written' | 'changed_meanwhile';

/**
 * Writes a new template (`previous` undefined) or replaces `previous` with `next`, moving the alias
 * item when the alias changes; `next` undefined deletes `previous` and frees its alias. Every write
 * is conditional on what it read: `changed_meanwhile` means another request wrote first, and the
 * caller may read again and retry. A taken alias is a 409 `already_exists`.
 */
export async function writeTemplate(
  store: TemplateStore,
  previous: TemplateRecord | undefined,
  next: TemplateRecord | undefined,
): Promise<WriteOutcome> {
  const items = transactionItems(store.dataTable, previous, next);
  if (items.length === 0) return 'written';
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      const failed = items.flatMap((item, index) =>
        codes[index] === 'ConditionalCheckFailed' ? [item] : [],
      );
      const takenAlias = failed.find((item) => item.Put?.Item?.templateId !== undefined);
      if (takenAlias && next?.alias) {
        throw new ApiError('already_exists', {
          message: `A template with the alias ${next.alias} already exists in this project.`,
          errors: [{ path: 'alias', message: `alias ${next.alias} is already taken in this project.` }],
        });
      }
      if (failed.length > 0) return 'changed_meanwhile';
      // Two transactions touched the same items at once: nothing was written, so try again.
      if (!isTransactionConflict(codes) || attempt >= 3) throw error;
    }
  }
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function transactionItems(
  table: string,
  previous: TemplateRecord | undefined,
  next: TemplateRecord | undefined,
): TransactItem[] {
  const items: TransactItem[] = [];
  const template = previous ?? next;
  if (!template) return items;
  if (next) {
    items.push({
      Put: {
        TableName: table,
        Item: { ...templateKey(next.projectId, next.id), ...next },
        ...(previous
          ? {
              ConditionExpression: 'version = :version',
              ExpressionAttributeValues: { ':version': previous.version },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    });
  } else if (previous) {
    items.push({
      Delete: {
        TableName: table,
        Key: templateKey(previous.projectId, previous.id),
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': previous.version },
      },
    });
  }
  if (previous?.alias && previous.alias !== next?.alias) {
    items.push({
      Delete: {
        TableName: table,
        Key: aliasKey(previous.projectId, previous.alias),
        ConditionExpression: 'templateId = :id',
        ExpressionAttributeValues: { ':id': previous.id },
      },
    });
  }
  if (next?.alias && next.alias !== previous?.alias) {
    items.push({
      Put: {
        TableName: table,
        Item: { ...aliasKey(next.projectId, next.alias), templateId: next.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  return items;
}

function toRecord(item: Record<string, unknown>): TemplateRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as TemplateRecord;
}
