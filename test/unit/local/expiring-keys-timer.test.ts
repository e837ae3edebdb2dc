import type { Documents } from '../../../lambdas/aws/aws-clients.js';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXPIRING_KEYS_INTERVAL_SECONDS,
  expiringKeysIntervalSeconds,
  startExpiringKeysTimer,
} from '../../../local/expiring-keys-timer.js';

function storeAnswering(send: () => Promise<unknown>) {
  let calls = 0;
  const documents = {
    send: () => {
      calls += 1;
      return send();
    },
  } as unknown as Documents;
  return {
    store: { documents, apiKeysTable: 'ApiKeys', dataTable: 'Data', environment: 'test' as const },
    calls: () => calls,
  };
}

describe('the local expiring-keys timer', () => {
  it('reports a failed run instead of throwing, and answers undefined', async () => {
    const { store } = storeAnswering(() => Promise.reject(new Error('DynamoDB Local is down')));
    const errors: unknown[] = [];
    const timer = startExpiringKeysTimer({
      store,
      intervalSeconds: 0,
      onError: (error) => errors.push(error),
    });

    await expect(timer.run()).resolves.toBeUndefined();
    expect(errors.map((error) => (error as Error).message)).toEqual(['DynamoDB Local is down']);
    await timer.stop();
  });

  it('never overlaps runs: a run asked for during another joins it', async () => {
    let release: (value: unknown) => void = () => undefined;
    const { store, calls } = storeAnswering(() => new Promise((resolve) => (release = resolve)));
    const timer = startExpiringKeysTimer({ store, intervalSeconds: 0, onError: () => undefined });

    const first = timer.run();
    const second = timer.run();
    release({ Items: [] });

    expect(await first).toEqual({ scanned: 0, notified: 0, unreadable: 0, alreadyNotified: 0, failed: [] });
    expect(await second).toBe(await first);
    expect(calls()).toBe(1);
    await timer.stop();
  });
});

describe('SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS', () => {
  it.each([
    [undefined, DEFAULT_EXPIRING_KEYS_INTERVAL_SECONDS],
    ['', DEFAULT_EXPIRING_KEYS_INTERVAL_SECONDS],
    ['0', 0],
    ['5', 5],
    ['86400', 86_400],
  ])('%j → %d', (value, seconds) => {
    expect(expiringKeysIntervalSeconds({ SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS: value })).toBe(seconds);
  });

  it.each(['-1', '1.5', 'hourly', '86401'])('refuses %j', (value) => {
    expect(() => expiringKeysIntervalSeconds({ SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS: value })).toThrow(
      /SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS must be a whole number/,
    );
  });
});
