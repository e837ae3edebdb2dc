/**
 * Project events, stored as they will be delivered (`{"id":"evt_…","type","created_at","data"}`)
 * under the project's partition (`EVENT#<id>`, time-ordered ids). A later issue delivers them to
 * the project's webhooks; producers only write them, in the same transaction as the change they
 * report, so an event exists exactly when its change does.
 */
import { newId } from './ids.js';
import { projectPartition } from '../aws/tables.js';

export const EVENT_ID_PREFIX = 'evt';
export const EVENT_SORT_PREFIX = 'EVENT#';

export interface ProjectEvent {
  readonly id: string;
  readonly type: string;
  readonly created_at: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The Data table item of a new event of `projectId`. */
export function eventItem(
  projectId: string,
  type: string,
  data: Readonly<Record<string, unknown>>,
  now: Date,
): Record<string, unknown> & ProjectEvent {
  const id = newId(EVENT_ID_PREFIX, now);
  return {
    pk: projectPartition(projectId),
    sk: `${EVENT_SORT_PREFIX}${id}`,
    id,
    type,
    created_at: now.toISOString(),
    data,
  };
}
