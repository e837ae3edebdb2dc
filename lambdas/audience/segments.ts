/**
 * Segments: a saved filter (`SEGMENT#<id>`), evaluated when read. `GET /v1/segments/{id}/contacts`
 * reads the project's contacts newest first, a Query page at a time, and keeps the ones the filter
 * matches until it has `limit` of them, has examined SEGMENT_SCAN_BUDGET contacts or has spent
 * SEGMENT_CPU_BUDGET_MS of CPU; the cursor names the last contact examined, so the next request
 * continues right after it (docs/architecture.md, "Bounded work per request").
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { ApiError } from '../api/errors.js';
import { isIdOf, newId } from '../shared/ids.js';
import { queryProjectPage } from '../aws/query-page.js';
import { projectPartition } from '../aws/tables.js';
import { SEGMENT_ID_PREFIX } from './contact-rules.js';
import { type ContactRecord, contactFromItem } from './contacts.js';
import { type CreateSegmentInput, filterOf, type SegmentJson, type UpdateSegmentInput } from './contracts.js';
import { conditionProblem, type Filter, matches } from './filter.js';
import {
  type AudienceDependencies,
  type AudienceStore,
  CONTACT_PREFIX,
  SEGMENT_PREFIX,
  segmentKey,
} from './item-keys.js';

export interface SegmentRecord {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly filter: Filter;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * Contacts one request examines at most (measured in bench/segments.ts: well inside the Lambda's
 * timeout); a segment over more contacts is answered over several pages.
 */
export const SEGMENT_SCAN_BUDGET = 5000;
/**
 * CPU one evaluation spends at most. Filters with many `contains` conditions over large property
 * maps cost far more per contact than the scan budget assumes; past this the page is answered as it
 * stands, with a cursor, so one request never holds a shared stage's CPU for seconds.
 */
export const SEGMENT_CPU_BUDGET_MS = 1000;
/** This process's CPU time (user + system) in milliseconds: the default CPU clock. */
export const processCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** Contacts read per Query while evaluating. */
const SEGMENT_QUERY_PAGE = 1000;

export async function createSegment(
  deps: AudienceDependencies,
  projectId: string,
  input: CreateSegmentInput,
): Promise<SegmentRecord> {
  const now = deps.now();
  const segment: SegmentRecord = {
    id: newId(SEGMENT_ID_PREFIX, now),
    projectId,
    name: input.name,
    filter: filterOf(input.filter),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.documents.send(
    new PutCommand({
      TableName: deps.dataTable,
      Item: segmentItem(segment),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return segment;
}

export async function getSegment(
  store: AudienceStore,
  projectId: string,
  id: string,
): Promise<SegmentRecord> {
  if (!isIdOf(SEGMENT_ID_PREFIX, id)) throw segmentNotFound();
  const { Item } = await store.documents.send(
    new GetCommand({ TableName: store.dataTable, Key: segmentKey(projectId, id), ConsistentRead: true }),
  );
  if (!Item) throw segmentNotFound();
  return segmentFromItem(Item);
}

export async function listSegments(
  store: AudienceStore,
  projectId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ segments: SegmentRecord[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryProjectPage(store, projectId, SEGMENT_PREFIX, page);
  return { segments: items.map(segmentFromItem), nextAfter };
}

export async function updateSegment(
  deps: AudienceDependencies,
  projectId: string,
  id: string,
  input: UpdateSegmentInput | undefined,
): Promise<SegmentRecord> {
  const current = await getSegment(deps, projectId, id);
  if (!input || Object.keys(input).length === 0) return current;
  const next: SegmentRecord = {
    ...current,
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.filter === undefined ? {} : { filter: filterOf(input.filter) }),
    updatedAt: deps.now().toISOString(),
  };
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.dataTable,
        Key: segmentKey(projectId, id),
        UpdateExpression: 'SET #name = :name, filterJson = :filter, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: {
          ':name': next.name,
          ':filter': JSON.stringify(next.filter),
          ':now': next.updatedAt,
        },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw segmentNotFound();
    throw error;
  }
  return next;
}

export async function deleteSegment(store: AudienceStore, projectId: string, id: string): Promise<void> {
  if (!isIdOf(SEGMENT_ID_PREFIX, id)) throw segmentNotFound();
  try {
    await store.documents.send(
      new DeleteCommand({
        TableName: store.dataTable,
        Key: segmentKey(projectId, id),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw segmentNotFound();
    throw error;
  }
}

export interface SegmentPage {
  readonly contacts: ContactRecord[];
  readonly nextAfter: string | undefined;
  /** How many contacts this page examined (for the benchmark and the logs). */
  readonly examined: number;
}

export interface SegmentPageRequest {
  readonly limit: number;
  readonly after?: string | undefined;
  /** @default SEGMENT_SCAN_BUDGET — contacts examined at most. */
  readonly budget?: number;
  /** @default SEGMENT_CPU_BUDGET_MS — CPU spent at most, as `cpuClock` measures it. */
  readonly cpuBudgetMs?: number;
  /** @default processCpuMs — replaced in tests by a clock that advances as they choose. */
  readonly cpuClock?: () => number;
}

/** The contacts a filter matches, from just after `after`, within one request's budgets. */
export async function evaluateSegment(
  store: AudienceStore,
  projectId: string,
  filter: Filter,
  page: SegmentPageRequest,
): Promise<SegmentPage> {
  const budget = page.budget ?? SEGMENT_SCAN_BUDGET;
  const cpuClock = page.cpuClock ?? processCpuMs;
  const cpuUntil = cpuClock() + (page.cpuBudgetMs ?? SEGMENT_CPU_BUDGET_MS);
  const partition = projectPartition(projectId);
  // A position outside the contacts' sort keys is not one this route issued.
  const after = page.after?.startsWith(CONTACT_PREFIX) ? page.after : undefined;
  let startKey: Record<string, unknown> | undefined = after ? { pk: partition, sk: after } : undefined;
  const contacts: ContactRecord[] = [];
  let examined = 0;
  let lastExamined: string | undefined;
  for (;;) {
    const result = await store.documents.send(
      new QueryCommand({
        TableName: store.dataTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': CONTACT_PREFIX },
        ScanIndexForward: false,
        Limit: Math.min(SEGMENT_QUERY_PAGE, budget - examined),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = result.Items ?? [];
    for (const [index, item] of items.entries()) {
      examined++;
      lastExamined = String(item.sk);
      const contact = contactFromItem(item);
      if (matches(filter, contact)) contacts.push(contact);
      // Out of results or out of CPU: answer what this page has, with a cursor if any contact is left.
      if (contacts.length === page.limit || cpuClock() >= cpuUntil) {
        const more = index < items.length - 1 || result.LastEvaluatedKey !== undefined;
        return { contacts, nextAfter: more ? lastExamined : undefined, examined };
      }
    }
    startKey = result.LastEvaluatedKey;
    if (!startKey) return { contacts, nextAfter: undefined, examined };
    if (examined >= budget) return { contacts, nextAfter: lastExamined, examined };
  }
}

export function segmentJson(segment: SegmentRecord): SegmentJson {
  return {
    object: 'segment',
    id: segment.id,
    name: segment.name,
    filter: {
      match: segment.filter.match,
      conditions: segment.filter.conditions.map((condition) => ({
        field: condition.field,
        op: condition.op,
        ...(condition.value === undefined
          ? {}
          : { value: typeof condition.value === 'object' ? [...condition.value] : condition.value }),
      })),
    },
    created_at: segment.createdAt,
    updated_at: segment.updatedAt,
  };
}

function segmentItem(segment: SegmentRecord): Record<string, unknown> {
  const { filter, ...rest } = segment;
  return { ...segmentKey(segment.projectId, segment.id), ...rest, filterJson: JSON.stringify(filter) };
}

function segmentFromItem(item: Record<string, unknown>): SegmentRecord {
  return {
    id: String(item.id),
    projectId: String(item.projectId),
    name: String(item.name),
    filter: readFilter(item.filterJson),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

/** A stored filter that cannot be read matches no contact (fail closed), never every contact. */
function readFilter(json: unknown): Filter {
  const none: Filter = { match: 'any', conditions: [] };
  if (typeof json !== 'string') return none;
  try {
    const parsed = JSON.parse(json) as Partial<Filter>;
    const readable =
      (parsed.match === 'all' || parsed.match === 'any') &&
      Array.isArray(parsed.conditions) &&
      parsed.conditions.every(
        (condition) =>
          typeof condition.field === 'string' &&
          typeof condition.op === 'string' &&
          conditionProblem(condition) === undefined,
      );
    return readable ? (parsed as Filter) : none;
  } catch {
    return none;
  }
}

function segmentNotFound(): ApiError {
  return new ApiError('not_found', { message: 'Segment not found.' });
}
