/** The audit log as the API lists it: the project's `AUDIT#` items, newest first across its shards. */
import { AUDIT_PREFIX, auditPartitions } from '../http/audit-log.js';
import { queryShardedPage } from '../aws/sharded-query.js';
import { SURFACES, type Surface } from '../api/routes.js';
import type { AuditEntryJson } from './usage-audit-contracts.js';
import type { KeyUsageStore } from './key-usage.js';

export async function listAuditEntries(
  store: Pick<KeyUsageStore, 'documents' | 'dataTable'>,
  projectId: string,
  page: { limit: number; after: string | undefined },
): Promise<{ entries: AuditEntryJson[]; nextAfter: string | undefined }> {
  const { items, nextAfter } = await queryShardedPage(store, {
    partitions: auditPartitions(projectId),
    prefix: AUDIT_PREFIX,
    limit: page.limit,
    after: page.after,
  });
  return { entries: items.map(auditEntryJson), nextAfter };
}

const isSurface = (value: unknown): value is Surface => SURFACES.some((surface) => surface === value);

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function auditEntryJson(item: Record<string, unknown>): AuditEntryJson {
  return {
    id: text(item.id),
    created_at: text(item.createdAt),
    key_id: text(item.keyId),
    action: text(item.action),
    // Entries written before surfaces existed were all /v1 calls.
    surface: isSurface(item.surface) ? item.surface : 'v1',
    resource_id: typeof item.resourceId === 'string' ? item.resourceId : null,
    source_ip: text(item.sourceIp),
    status: typeof item.status === 'number' ? item.status : 0,
    request_id: text(item.requestId),
  };
}
