import { describe, expect, it } from 'vitest';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Documents } from '../../../lambdas/aws/aws-clients.js';
import {
  DEFAULT_DOMAIN_LAPSE_INTERVAL_SECONDS,
  domainLapseIntervalSeconds,
  startDomainLapseTimer,
} from '../../../local/domain-lapse-timer.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');

function depsAnswering(send: (command: unknown) => Promise<unknown>) {
  const commands: unknown[] = [];
  const documents = {
    send: (command: unknown) => {
      commands.push(command);
      return send(command);
    },
  } as unknown as Documents;
  const deps = {
    documents,
    dataTable: 'Data',
    ses: new SESv2Client({ region: 'us-east-1' }),
    region: 'us-east-1',
    now: () => NOW,
  };
  return { deps, commands };
}

describe('the local domain lapse timer', () => {
  it('asks for the lapses due at the injected clock', async () => {
    const { deps, commands } = depsAnswering(() => Promise.resolve({ Items: [] }));
    const timer = startDomainLapseTimer({ deps, intervalSeconds: 0, onError: () => undefined });

    await expect(timer.run()).resolves.toEqual({ lapsed: [], dropped: 0, failed: [] });
    expect(JSON.stringify(commands)).toContain(`"${NOW.toISOString()}#~"`);
    await timer.stop();
  });

  it('reports a failed run instead of throwing, and answers undefined', async () => {
    const { deps } = depsAnswering(() => Promise.reject(new Error('DynamoDB Local is down')));
    const errors: unknown[] = [];
    const timer = startDomainLapseTimer({ deps, intervalSeconds: 0, onError: (error) => errors.push(error) });

    await expect(timer.run()).resolves.toBeUndefined();
    expect(errors.map((error) => (error as Error).message)).toEqual(['DynamoDB Local is down']);
    await timer.stop();
  });

  it('reports the domains a run could not lapse', async () => {
    const due = { sk: `${NOW.toISOString()}#dom_x`, projectId: 'proj_x', domainId: 'dom_x' };
    const { deps } = depsAnswering((command) =>
      JSON.stringify(command).includes('DOMAIN_LAPSE')
        ? Promise.resolve({ Items: [due] })
        : Promise.reject(new Error('down')),
    );
    const errors: unknown[] = [];
    const timer = startDomainLapseTimer({ deps, intervalSeconds: 0, onError: (error) => errors.push(error) });

    await expect(timer.run()).resolves.toEqual({ lapsed: [], dropped: 0, failed: ['dom_x'] });
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'domains not lapsed: dom_x; retried next run',
    ]);
    await timer.stop();
  });

  it.each([
    [{}, DEFAULT_DOMAIN_LAPSE_INTERVAL_SECONDS],
    [{ SCOPEGATE_DOMAIN_LAPSE_INTERVAL_SECONDS: '0' }, 0],
    [{ SCOPEGATE_DOMAIN_LAPSE_INTERVAL_SECONDS: '5' }, 5],
  ])('reads the interval from %j', (env, seconds) => {
    expect(domainLapseIntervalSeconds(env)).toBe(seconds);
  });

  it.each(['-1', '1.5', 'soon', '86401'])('refuses the interval %j', (text) => {
    expect(() => domainLapseIntervalSeconds({ SCOPEGATE_DOMAIN_LAPSE_INTERVAL_SECONDS: text })).toThrow(
      /SCOPEGATE_DOMAIN_LAPSE_INTERVAL_SECONDS must be a whole number from 0 to 86400/,
    );
  });
});
