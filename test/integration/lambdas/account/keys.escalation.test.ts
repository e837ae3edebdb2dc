/**
 * The escalation matrix against DynamoDB Local: for each axis (scopes, IPs, domains, expiry) and each
 * direction (narrower, wider, removed), on create and on edit, of another key and of the calling key
 * itself — allowed exactly when the result is no more powerful than the caller.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyFieldsInput } from '../../../../lambdas/account/key-input.js';
import {
  actorOf,
  createKey,
  KeyEscalationError,
  type KeyActor,
  KeyNotFoundError,
  type KeyStore,
  rotateKey,
  updateKey,
} from '../../../../lambdas/account/keys.js';
import { createProject } from '../../../../lambdas/account/projects.js';
import { createTeam } from '../../../../lambdas/account/teams.js';
import { createTestAws } from '../../../support/local-aws.js';

let store: KeyStore;
let projectId: string;
let otherProjectId: string;

/** The caller's own restrictions: every axis restricted, so every axis can be widened. */
const CALLER: KeyFieldsInput = {
  name: 'restricted admin',
  permission: 'custom',
  scopes: ['emails:send', 'emails:read', 'templates:read'],
  allowedIps: '10.0.0.0/8',
  allowedDomains: ['example.com'],
  expiresAt: '2099-01-01T00:00:00Z',
};

beforeAll(async () => {
  const aws = await createTestAws();
  store = {
    documents: aws.documents,
    apiKeysTable: aws.tables.apiKeys,
    dataTable: aws.tables.data,
    environment: 'test',
  };
  await createTeam(store, { id: 'team_esc', name: 'esc' });
  projectId = (await createProject(store, { name: 'esc', teamId: 'team_esc' })).id;
  otherProjectId = (await createProject(store, { name: 'esc other', teamId: 'team_esc' })).id;
});

/** A fresh caller (made by the operator's CLI) and its powers, as the API handler reads them. */
async function freshCaller(): Promise<KeyActor> {
  const created = await createKey(store, { ...CALLER, projectId });
  const actor = await actorOf(store, { keyId: created.metadata.id, projectId });
  if (!actor) throw new Error('caller unreadable');
  return actor;
}

type Direction = 'narrower' | 'wider' | 'removed';
const CHANGES: Record<string, Partial<Record<Direction, KeyFieldsInput>>> = {
  scopes: {
    narrower: { scopes: ['emails:send'] },
    wider: { scopes: ['emails:send', 'templates:write'] },
    removed: { permission: 'full_access', scopes: [] },
  },
  allowed_ips: {
    narrower: { allowedIps: '10.1.0.0/16, 10.2.3.4' },
    wider: { allowedIps: '10.0.0.0/7' },
    removed: { allowedIps: '' },
  },
  allowed_domains: {
    narrower: { allowedDomains: ['mail.example.com'] },
    wider: { allowedDomains: ['example.com', 'example.org'] },
    removed: { allowedDomains: null },
  },
  expires_at: {
    narrower: { expiresAt: '2098-01-01T00:00:00Z' },
    wider: { expiresAt: '2099-01-01T00:00:01Z' },
    removed: { expiresAt: null },
  },
};

const MATRIX = Object.entries(CHANGES).flatMap(([axis, directions]) =>
  Object.entries(directions).flatMap(([direction, change]) =>
    (['create', 'edit other', 'edit self'] as const).map(
      (operation) => [axis, direction as Direction, operation, change] as const,
    ),
  ),
);

describe('escalation matrix', () => {
  it.each(MATRIX)('%s %s on %s', async (axis, direction, operation, change) => {
    const caller = await freshCaller();
    const attempt = async () => {
      if (operation === 'create')
        return (await createKey(store, { ...CALLER, ...change, projectId }, caller)).metadata;
      const targetId =
        operation === 'edit self'
          ? caller.keyId
          : (await createKey(store, { ...CALLER, projectId })).metadata.id;
      return updateKey(store, targetId, change, { projectId }, caller);
    };
    if (direction === 'narrower') {
      const result = await attempt();
      expect(result.status).toBe('active');
    } else {
      const refusal = await attempt().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(KeyEscalationError);
      expect((refusal as KeyEscalationError).axis).toBe(axis);
      expect((refusal as KeyEscalationError).message).toContain(axis);
    }
  });

  it('refuses to edit a more powerful key even without widening it (the result is still too powerful)', async () => {
    const caller = await freshCaller();
    const powerful = await createKey(store, { name: 'root', projectId });
    await expect(
      updateKey(store, powerful.metadata.id, { name: 'renamed' }, { projectId }, caller),
    ).rejects.toThrow(KeyEscalationError);
  });

  it('refuses to rotate a more powerful key (its new secret would go to the caller), allows an equal one', async () => {
    const caller = await freshCaller();
    const powerful = await createKey(store, { name: 'root', projectId });
    await expect(rotateKey(store, powerful.metadata.id, {}, { projectId }, caller)).rejects.toThrow(
      KeyEscalationError,
    );
    const equal = await createKey(store, { ...CALLER, projectId });
    const rotated = await rotateKey(store, equal.metadata.id, {}, { projectId }, caller);
    expect(rotated.key).toMatch(new RegExp(`^sk_test_${equal.metadata.id}`));
  });

  it("never reaches another project's key: not found, as if missing", async () => {
    const caller = await freshCaller();
    const theirs = await createKey(store, { ...CALLER, projectId: otherProjectId });
    await expect(updateKey(store, theirs.metadata.id, { name: 'x' }, { projectId }, caller)).rejects.toThrow(
      KeyNotFoundError,
    );
    await expect(rotateKey(store, theirs.metadata.id, {}, { projectId }, caller)).rejects.toThrow(
      KeyNotFoundError,
    );
  });

  it('lets an unrestricted full-access caller give any restriction', async () => {
    const root = await createKey(store, { name: 'root', projectId });
    const caller = await actorOf(store, { keyId: root.metadata.id, projectId });
    if (!caller) throw new Error('unreadable');
    const created = await createKey(store, { ...CALLER, projectId }, caller);
    expect(created.metadata.createdBy).toBe(root.metadata.id);
  });
});
