/**
 * The pasted key's own record (`GET /v1/api-keys/{id}`), read once per key by the header and shared
 * with the pages, which offer only what it allows (key-access.ts). Until it is read, and when it cannot
 * be, it is undefined: the pages then offer no write.
 */
import { signal } from '@preact/signals';
import { answer, type ApiClient, type Schemas } from './api';
import type { RouteId } from '../../lambdas/api/routes';
import { allows } from './key-access';
import { apiKey, keyId } from './session';

const own = signal<{ readonly key: string; readonly record: Schemas['ApiKey'] | undefined } | undefined>(
  undefined,
);

export async function loadOwnKey(client: ApiClient, key: string): Promise<Schemas['ApiKey'] | undefined> {
  const record = await answer(
    client.GET('/v1/api-keys/{id}', { params: { path: { id: keyId(key) } } }),
  ).catch(() => undefined);
  // A key forgotten or replaced while its record was on the way keeps nothing.
  if (apiKey.value === key) own.value = { key, record };
  return record;
}

/** The record of the key in use; undefined while unread, unreadable, or read for another key. */
export function ownKeyRecord(): Schemas['ApiKey'] | undefined {
  const current = own.value;
  return current !== undefined && current.key === apiKey.value ? current.record : undefined;
}

export function keyAllows(routeId: RouteId): boolean {
  return allows(ownKeyRecord(), routeId);
}
