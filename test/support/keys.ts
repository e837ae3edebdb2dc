/** Builds real keys and their ApiKeys items for tests. */
import { type GeneratedApiKey, generateApiKey } from '../../lambdas/keys/api-key.js';

export interface TestKey {
  readonly key: GeneratedApiKey;
  /** The ApiKeys item as lib-dynamodb would return it (SS → Set, L → array). */
  readonly item: Record<string, unknown>;
}

export function testKey(
  overrides: Record<string, unknown> = {},
  environment: 'live' | 'test' = 'live',
): TestKey {
  const key = generateApiKey(environment);
  const now = new Date().toISOString();
  const fields: Record<string, unknown> = {
    keyId: key.keyId,
    keyHash: key.keyHash,
    name: 'test key',
    type: 'general',
    teamId: 'team_test',
    projectId: 'proj_test',
    permission: 'full_access',
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  // An override of `undefined` removes the attribute (e.g. `{ permission: undefined }` → absent).
  const item = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { key, item };
}

export const bearer = (key: GeneratedApiKey): string => `Bearer ${key.key}`;
