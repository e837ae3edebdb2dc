/**
 * A sender's settlements, committed as groups (group commit): a settlement waits only for the
 * transaction already running for its broadcast, then goes with everything that arrived meanwhile.
 * Before each commit it lingers `lingerMs` (100 ms) for more to join. So a recipient is settled
 * within about a linger and two transactions of its SES answer, whatever the batch it came in, and
 * a sender that dies leaves unsettled only the sends it had in flight and the last linger's; while
 * the broadcast's counters are written at most once per linger per sender (10 a second: a
 * broadcast at 1,000 emails/s from 20 senders writes its item 200 times a second, not 1,000), and
 * never by two transactions of one sender at once (they would conflict on the broadcast's item).
 *
 * Each commit is tried three times: a settlement is conditional on its claim, so one that did
 * commit is not counted twice by the next try.
 */
import { describeError } from '../keys/redaction.js';
import type { BroadcastRef } from '../shared/broadcast-recipients.js';
import type { BroadcastStore } from './broadcast-store.js';
import { type Settlement, settleRecipients } from './recipient-store.js';

/** Settlements per transaction at most: up to 3 items each and the counters, within DynamoDB's 100. */
export const MAX_SETTLEMENTS_PER_COMMIT = 25;
const ATTEMPTS = 3;
export const SETTLE_LINGER_MS = 100;

export interface SettlerDependencies extends BroadcastStore {
  readonly now: () => Date;
  /** After each commit, before its settlements resolve: completes the broadcast if it is done. */
  readonly afterCommit: (ref: BroadcastRef) => Promise<void>;
  readonly log: { warn(message: string, ...extra: Record<string, unknown>[]): void };
  /** @default SETTLE_LINGER_MS — how long a commit waits for more settlements to join it. */
  readonly lingerMs?: number;
}

export interface Settler {
  /** Resolves once the settlement is committed (or refused by its condition: settled before). */
  settle(ref: BroadcastRef, settlement: Settlement): Promise<void>;
}

interface Waiting {
  readonly settlement: Settlement;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface Group {
  readonly ref: BroadcastRef;
  readonly waiting: Waiting[];
}

export function createSettler(deps: SettlerDependencies): Settler {
  /** The broadcasts with a commit running, and what waits for the next one. */
  const groups = new Map<string, Group>();

  async function commit(ref: BroadcastRef, list: readonly Settlement[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await settleRecipients(deps, ref, list, deps.now());
        return;
      } catch (error) {
        if (attempt >= ATTEMPTS) throw error;
        deps.log.warn('settling broadcast recipients failed; trying again', { error: describeError(error) });
      }
    }
  }

  async function run(key: string, group: Group): Promise<void> {
    const linger = deps.lingerMs ?? SETTLE_LINGER_MS;
    while (group.waiting.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, linger));
      const batch = group.waiting.splice(0, MAX_SETTLEMENTS_PER_COMMIT);
      let failure: { error: unknown } | undefined;
      try {
        await commit(
          group.ref,
          batch.map((waiting) => waiting.settlement),
        );
        // A completion that fails fails its batch too: their messages come back and check again.
        await deps.afterCommit(group.ref);
      } catch (error) {
        failure = { error };
      }
      for (const waiting of batch) {
        if (failure) waiting.reject(failure.error);
        else waiting.resolve();
      }
    }
    groups.delete(key);
  }

  return {
    settle(ref, settlement) {
      return new Promise<void>((resolve, reject) => {
        const key = `${ref.projectId}/${ref.broadcastId}`;
        const running = groups.get(key);
        if (running) {
          running.waiting.push({ settlement, resolve, reject });
          return;
        }
        const group: Group = { ref, waiting: [{ settlement, resolve, reject }] };
        groups.set(key, group);
        void run(key, group);
      });
    },
  };
}
