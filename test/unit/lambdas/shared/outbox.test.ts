import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eventItem,
  outboxKey,
  outboxKeys,
  outboxPartitions,
  projectOfOutboxPartition,
} from '../../../../lambdas/shared/outbox.js';

describe('the sharded outbox', () => {
  it("puts an event in one of its project's outbox shards, named by its id", () => {
    const item = eventItem('proj_a', 'email.sent', {}, new Date('2026-12-07T12:00:00.000Z'));
    expect(item.pk).toMatch(/^PROJECT#proj_a#EVENTS#\d{2}$/);
    expect({ pk: item.pk, sk: item.sk }).toEqual(outboxKey('proj_a', item.id));
    expect(outboxPartitions('proj_a')).toContain(item.pk);
  });

  it('reads the project back from a sharded or an older partition key, and from nothing else', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^proj_[a-z0-9]{1,12}$/), fc.string(), (projectId, eventId) => {
        return outboxKeys(projectId, eventId).every(({ pk }) => projectOfOutboxPartition(pk) === projectId);
      }),
    );
    expect(projectOfOutboxPartition('PROJECT#p#BROADCAST#bc_1#03')).toBeUndefined();
    expect(projectOfOutboxPartition('PROJECT#p#EMAILS#03')).toBeUndefined();
    expect(projectOfOutboxPartition('TEAM#t')).toBeUndefined();
  });
});
