/** One key's failed write does not cost the other keys their notices (DynamoDB replaced by a stub). */
import type { Documents } from '../../../../lambdas/aws/aws-clients.js';
import { ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import { notifyExpiringKeys } from '../../../../lambdas/expiring-keys/expiring-keys.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const SOON = '2026-11-30T12:00:00.000Z';
const key = (keyId: string) => ({ keyId, teamId: 'team_x', projectId: 'proj_x', expiresAt: SOON });

it('lists a key whose write failed and still notifies the others', async () => {
  const written: string[] = [];
  const documents = {
    send: (command: unknown) => {
      if (command instanceof ScanCommand)
        return Promise.resolve({ Items: [key('Failing00001'), key('Working00001')] });
      if (command instanceof TransactWriteCommand) {
        const keyId = String(command.input.TransactItems?.[0]?.Update?.Key?.keyId);
        if (keyId === 'Failing00001') return Promise.reject(new Error('throttled'));
        written.push(keyId);
        return Promise.resolve({});
      }
      return Promise.reject(new Error('unexpected command'));
    },
  } as unknown as Documents;

  const summary = await notifyExpiringKeys({
    store: { documents, apiKeysTable: 'ApiKeys', dataTable: 'Data', environment: 'live' },
    now: NOW,
  });

  expect(summary).toEqual({
    scanned: 2,
    notified: 1,
    unreadable: 0,
    alreadyNotified: 0,
    failed: ['Failing00001'],
  });
  expect(written).toEqual(['Working00001']);
});
