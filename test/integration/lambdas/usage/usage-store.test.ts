/** The usage consumer against DynamoDB Local: counters, forward-only lastUsedAt, a batch counted once. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../../lambdas/usage/access-log.js';
import { recordUsage } from '../../../../lambdas/usage/record-usage.js';
import { DAYS_PER_TRANSACTION, readUsage, type UsageStore } from '../../../../lambdas/usage/usage-store.js';
import { keyUsage } from '../../../../lambdas/account/key-usage.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';

let aws: TestAws;
let store: UsageStore;
beforeAll(async () => {
  aws = await createTestAws();
  store = { documents: aws.documents, dataTable: aws.tables.data, apiKeysTable: aws.tables.apiKeys };
});

let keyCounter = 0;
/** A key item of its own per test, so tests share no counters. */
async function newKey(projectId = 'proj_usage', extra: Record<string, unknown> = {}): Promise<string> {
  keyCounter += 1;
  const keyId =
    `Usage${String(keyCounter).padStart(3, '0')}${Math.random().toString(36).slice(2, 6).padEnd(4, 'x')}`.slice(
      0,
      12,
    );
  await aws.documents.send(
    new PutCommand({
      TableName: aws.tables.apiKeys,
      Item: { keyId, keyHash: 'h', teamId: 'team_u', projectId, permission: 'full_access', ...extra },
    }),
  );
  return keyId;
}

const NOW = new Date('2026-11-24T12:00:00.000Z');

function record(keyId: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: `req-${Math.random()}`,
    keyId,
    projectId: 'proj_usage',
    route: 'POST /v1/emails',
    status: 200,
    outcome: 'allowed',
    errorCode: undefined,
    at: new Date('2026-11-24T10:00:00.000Z'),
    ...overrides,
  };
}

const lastUsedAt = async (keyId: string) =>
  (await aws.documents.send(new GetCommand({ TableName: aws.tables.apiKeys, Key: { keyId } }))).Item
    ?.lastUsedAt;

describe('recordUsage', () => {
  it('adds allowed, denied, per-route and per-error counts per UTC day, across batches', async () => {
    const keyId = await newKey();
    const late = new Date('2026-11-24T23:59:59.999Z');
    const nextDay = new Date('2026-11-25T00:00:00.000Z');
    await recordUsage(
      store,
      {
        id: `b-${keyId}-1`,
        records: [
          record(keyId),
          record(keyId, { route: 'GET /v1/emails/{id}', status: 404, errorCode: 'http_404' }),
          // A Deny's record carries no project: it is looked up from the key's item.
          record(keyId, {
            projectId: undefined,
            outcome: 'denied',
            status: 403,
            errorCode: 'ip_not_allowed',
            at: late,
          }),
          record(keyId, { at: nextDay }),
        ],
      },
      NOW,
    );
    await recordUsage(store, { id: `b-${keyId}-2`, records: [record(keyId)] }, NOW);

    const days = await readUsage(store, 'proj_usage', keyId, '2026-11-01', '2026-11-30');
    expect(days).toEqual([
      {
        date: '2026-11-24',
        allowed: 3,
        denied: 1,
        byRoute: { 'POST /v1/emails': 3, 'GET /v1/emails/{id}': 1 },
        byError: { http_404: 1, ip_not_allowed: 1 },
      },
      { date: '2026-11-25', allowed: 1, denied: 0, byRoute: { 'POST /v1/emails': 1 }, byError: {} },
    ]);
    expect(await lastUsedAt(keyId)).toBe(nextDay.toISOString());
  });

  it('counts a batch delivered twice once', async () => {
    const keyId = await newKey();
    const batch = { id: `dup-${keyId}`, records: [record(keyId), record(keyId)] };
    const first = await recordUsage(store, batch, NOW);
    const again = await recordUsage(store, batch, NOW);

    expect(first.applied).toBe(true);
    expect(again.applied).toBe(false);
    const [day] = await readUsage(store, 'proj_usage', keyId, '2026-11-24', '2026-11-24');
    expect(day?.allowed).toBe(2);
  });

  it('counts a batch of more days than one transaction holds, once, in chunks', async () => {
    const keyId = await newKey();
    const start = Date.parse('2026-01-01T12:00:00Z');
    const records = Array.from({ length: DAYS_PER_TRANSACTION + 5 }, (_, day) =>
      record(keyId, { at: new Date(start + day * 86_400_000) }),
    );
    await recordUsage(store, { id: `wide-${keyId}`, records }, NOW);
    await recordUsage(store, { id: `wide-${keyId}`, records }, NOW);

    const days = await readUsage(store, 'proj_usage', keyId, '2026-01-01', '2026-12-31');
    expect(days).toHaveLength(DAYS_PER_TRANSACTION + 5);
    expect(days.every((day) => day.allowed === 1)).toBe(true);
  });

  it('moves lastUsedAt forward only, whatever order batches arrive in', async () => {
    const keyId = await newKey();
    const newer = new Date('2026-11-24T11:00:00.000Z');
    const older = new Date('2026-11-24T09:00:00.000Z');
    await recordUsage(store, { id: `n-${keyId}`, records: [record(keyId, { at: newer })] }, NOW);
    await recordUsage(store, { id: `o-${keyId}`, records: [record(keyId, { at: older })] }, NOW);
    expect(await lastUsedAt(keyId)).toBe(newer.toISOString());
  });

  it('replaces a hand-edited lastUsedAt that is not text', async () => {
    const keyId = await newKey('proj_usage', { lastUsedAt: 5 });
    await recordUsage(store, { id: `t-${keyId}`, records: [record(keyId)] }, NOW);
    expect(await lastUsedAt(keyId)).toBe('2026-11-24T10:00:00.000Z');
  });

  it('counts nothing and creates no item for a key that no longer exists', async () => {
    const summary = await recordUsage(
      store,
      {
        id: 'gone-1',
        records: [record('GoneGoneGone', { projectId: undefined, outcome: 'denied', status: 403 })],
      },
      NOW,
    );
    expect(summary).toMatchObject({ counted: 0, unattributed: 1 });
    expect(await lastUsedAt('GoneGoneGone')).toBeUndefined();
    const item = await aws.documents.send(
      new GetCommand({ TableName: aws.tables.apiKeys, Key: { keyId: 'GoneGoneGone' } }),
    );
    expect(item.Item).toBeUndefined();
  });
});

describe('keyUsage (GET /v1/api-keys/{id}/usage)', () => {
  it('answers every day of the window, oldest first, zeros where there was no traffic', async () => {
    const keyId = await newKey();
    await recordUsage(store, { id: `w-${keyId}`, records: [record(keyId)] }, NOW);
    const usage = await keyUsage(store, 'proj_usage', keyId, 3, new Date('2026-11-25T08:00:00Z'));
    const none = { v1: 0, resend: 0, sendgrid: 0 };
    expect(usage).toEqual({
      data: [
        { date: '2026-11-23', allowed: 0, denied: 0, by_route: {}, by_surface: none, by_error: {} },
        {
          date: '2026-11-24',
          allowed: 1,
          denied: 0,
          by_route: { 'POST /v1/emails': 1 },
          by_surface: { ...none, v1: 1 },
          by_error: {},
        },
        { date: '2026-11-25', allowed: 0, denied: 0, by_route: {}, by_surface: none, by_error: {} },
      ],
      last_used_at: '2026-11-24T10:00:00.000Z',
    });
  });

  it.each([
    ['another project', async () => newKey('proj_someone_else')],
    ['a billing key of the project', async () => newKey('proj_usage', { type: 'billing' })],
    [
      'a billing key whose type a hand edit spaced and capitalised',
      async () => newKey('proj_usage', { type: ' Billing ' }),
    ],
    ['a missing key', () => Promise.resolve('NoSuchKey123')],
    ['a value that is not a key id', () => Promise.resolve('../../etc')],
  ])('answers 404 for %s', async (_name, keyOf) => {
    const keyId = await keyOf();
    await expect(keyUsage(store, 'proj_usage', keyId, 30, NOW)).rejects.toMatchObject({ code: 'not_found' });
  });
});
