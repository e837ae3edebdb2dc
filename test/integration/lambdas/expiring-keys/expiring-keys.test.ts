/**
 * The `api_key.expiring` job against DynamoDB Local: one event per threshold and expiry, written to
 * the project's outbox in the same transaction as the key's marker. Each test has tables of its own:
 * the job scans the whole ApiKeys table, so a shared one would let tests see each other's keys.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  notifyExpiringKeys,
  type ExpiringKeysStore,
} from '../../../../lambdas/expiring-keys/expiring-keys.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { outboxEvents } from '../../../support/outbox.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-11-24T12:00:00.000Z');
const at = (msFromNow: number) => new Date(NOW.getTime() + msFromNow);
const PROJECT = 'proj_expiring';

let aws: TestAws;
let store: ExpiringKeysStore;
beforeEach(async () => {
  aws = await createTestAws();
  store = {
    documents: aws.documents,
    apiKeysTable: aws.tables.apiKeys,
    dataTable: aws.tables.data,
    environment: 'test',
  };
});

async function putKey(keyId: string, extra: Record<string, unknown>): Promise<void> {
  await aws.documents.send(
    new PutCommand({
      TableName: aws.tables.apiKeys,
      Item: {
        keyId,
        keyHash: 'a'.repeat(64),
        name: 'ci deploys',
        teamId: 'team_x',
        projectId: PROJECT,
        permission: 'full_access',
        ...extra,
      },
    }),
  );
}

const outbox = (projectId = PROJECT) => outboxEvents(aws, projectId);

describe('notifyExpiringKeys', () => {
  it('a key expiring in 6 days gets one 7d event; a second run emits nothing', async () => {
    const expiresAt = at(6 * DAY).toISOString();
    await putKey('Expiring0001', { expiresAt });
    const first = await notifyExpiringKeys({ store, now: NOW });
    const second = await notifyExpiringKeys({ store, now: at(HOUR) });

    expect(first).toMatchObject({ scanned: 1, notified: 1 });
    expect(second).toMatchObject({ scanned: 1, notified: 0 });
    const events = await outbox();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'api_key.expiring',
      data: {
        id: 'Expiring0001',
        prefix: 'sk_test_Expiring0001',
        name: 'ci deploys',
        expires_at: expiresAt,
        days_left: 6,
      },
    });
    expect(JSON.stringify(events)).not.toContain('a'.repeat(64));
    const key = await aws.documents.send(
      new GetCommand({ TableName: aws.tables.apiKeys, Key: { keyId: 'Expiring0001' } }),
    );
    expect(key.Item?.expiringNotified).toEqual(new Set([`7d@${expiresAt}`]));
  });

  it('23 hours before expiry: the 1d event (the 7d one having gone out)', async () => {
    await putKey('Expiring0002', { expiresAt: at(7 * DAY - HOUR).toISOString() });
    await notifyExpiringKeys({ store, now: NOW });
    await notifyExpiringKeys({ store, now: at(6 * DAY) });
    await notifyExpiringKeys({ store, now: at(6 * DAY + 2 * HOUR) });

    const events = await outbox();
    expect(events.map((event) => event.data.days_left)).toEqual([7, 1]);
  });

  it('a key first seen 23 hours before expiry gets one event, marking both thresholds', async () => {
    await putKey('Expiring0003', { expiresAt: at(23 * HOUR).toISOString() });
    await notifyExpiringKeys({ store, now: NOW });
    await notifyExpiringKeys({ store, now: at(HOUR) });

    expect((await outbox()).map((event) => event.data.days_left)).toEqual([1]);
  });

  it('revoked, billing, never-expiring, expired and unreadable keys get nothing', async () => {
    const soon = at(6 * DAY).toISOString();
    await putKey('Revoked00001', { expiresAt: soon, revokedAt: NOW.toISOString() });
    await putKey('Billing00001', { expiresAt: soon, type: 'billing', permission: 'custom' });
    await putKey('Forever00001', {});
    await putKey('Expired00001', { expiresAt: at(-HOUR).toISOString() });
    await putKey('BadExpiry001', { expiresAt: 'next tuesday' });
    await putKey('BadType00001', { expiresAt: soon, type: 'root' });
    // A marker that is not a string set could never take the job's ADD.
    await putKey('BadMarker001', { expiresAt: soon, expiringNotified: 'oops' });

    const summary = await notifyExpiringKeys({ store, now: NOW });

    expect(summary).toMatchObject({ scanned: 7, notified: 0, unreadable: 2, failed: [] });
    expect(await outbox()).toEqual([]);
  });

  it('a changed expiresAt notifies again', async () => {
    await putKey('Extended0001', { expiresAt: at(6 * DAY).toISOString() });
    await notifyExpiringKeys({ store, now: NOW });
    const extended = at(6 * DAY + 12 * HOUR).toISOString();
    await aws.documents.send(
      new UpdateCommand({
        TableName: aws.tables.apiKeys,
        Key: { keyId: 'Extended0001' },
        UpdateExpression: 'SET expiresAt = :at',
        ExpressionAttributeValues: { ':at': extended },
      }),
    );
    await notifyExpiringKeys({ store, now: at(HOUR) });

    const events = await outbox();
    expect(events.map((event) => event.data.expires_at)).toEqual([at(6 * DAY).toISOString(), extended]);
  });

  it('concurrent runs emit once', async () => {
    await putKey('Racing000001', { expiresAt: at(6 * DAY).toISOString() });
    const runs = await Promise.allSettled(
      Array.from({ length: 4 }, () => notifyExpiringKeys({ store, now: NOW })),
    );

    // A run that lost on a transaction conflict lists the key as failed (the next run retries it).
    expect(runs.every((run) => run.status === 'fulfilled')).toBe(true);
    expect(await outbox()).toHaveLength(1);
  });

  it("each event goes to its own key's project", async () => {
    await putKey('ProjectA0001', { expiresAt: at(6 * DAY).toISOString(), projectId: 'proj_a' });
    await putKey('ProjectB0001', { expiresAt: at(6 * DAY).toISOString(), projectId: 'proj_b' });
    await notifyExpiringKeys({ store, now: NOW });

    expect((await outbox('proj_a')).map((event) => event.data.id)).toEqual(['ProjectA0001']);
    expect((await outbox('proj_b')).map((event) => event.data.id)).toEqual(['ProjectB0001']);
  });
});
