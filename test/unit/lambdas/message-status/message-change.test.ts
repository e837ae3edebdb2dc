import { describe, expect, it } from 'vitest';
import { messageChange } from '../../../../lambdas/message-status/message-change.js';

const delivered = {
  status: 'delivered',
  before: ['queued', 'sent'],
  type: 'email.delivered',
  position: '2026-01-01T00:00:02.000Z#b',
};

describe('messageChange', () => {
  it.each([
    [
      'moves status and last event forward together',
      { status: 'sent', lastEventKey: '2026-01-01T00:00:01.000Z#a' },
      { status: 'delivered', lastEvent: true },
    ],
    [
      'sets the first last event',
      { status: 'sent', lastEventKey: undefined },
      { status: 'delivered', lastEvent: true },
    ],
    [
      'keeps a status already further along, still taking a later last event',
      { status: 'bounced', lastEventKey: '2026-01-01T00:00:01.000Z#a' },
      { status: undefined, lastEvent: true },
    ],
    [
      'moves the status only, for an event older than the last one',
      { status: 'sent', lastEventKey: '2026-01-01T00:00:03.000Z#c' },
      { status: 'delivered', lastEvent: false },
    ],
    [
      'changes nothing for the same event again',
      { status: 'delivered', lastEventKey: delivered.position },
      undefined,
    ],
  ] as const)('%s', (_, seen, expected) => {
    expect(messageChange(seen, delivered)).toEqual(expected);
  });

  it('moves no status for an event without one (an open)', () => {
    expect(
      messageChange(
        { status: 'delivered', lastEventKey: '2026-01-01T00:00:01.000Z#a' },
        { status: undefined, before: [], type: 'email.opened', position: '2026-01-01T00:00:05.000Z#o' },
      ),
    ).toEqual({ status: undefined, lastEvent: true });
  });
});
