/** Segment evaluation against DynamoDB Local: bounded work per request, cursors on the last contact examined. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createContact } from '../../../../lambdas/audience/contacts.js';
import type { Filter } from '../../../../lambdas/audience/filter.js';
import { evaluateSegment } from '../../../../lambdas/audience/segments.js';
import { createTestAws } from '../../../support/local-aws.js';

const PROJECT = 'proj_segments';
const NOBODY: Filter = {
  match: 'all',
  conditions: [{ field: 'email', op: 'eq', value: 'nobody@example.com' }],
};
const EVEN: Filter = { match: 'all', conditions: [{ field: 'properties.even', op: 'eq', value: true }] };

let deps: Parameters<typeof evaluateSegment>[0] & { now: () => Date };
/** The contacts' ids, newest first (the order segments answer in). */
let newestFirst: string[];

beforeAll(async () => {
  const aws = await createTestAws();
  let clock = Date.UTC(2026, 0, 1);
  deps = { documents: aws.documents, dataTable: aws.tables.data, now: () => new Date(clock++) };
  const ids: string[] = [];
  for (let n = 0; n < 30; n++) {
    const contact = await createContact(deps, PROJECT, {
      email: `c${n}@example.com`,
      properties: { even: n % 2 === 0 },
      unsubscribed: false,
    });
    ids.push(contact.id);
  }
  newestFirst = ids.reverse();
});

describe('evaluateSegment', () => {
  it('stops after its budget with no match, positioned on the last contact examined', async () => {
    const first = await evaluateSegment(deps, PROJECT, NOBODY, { limit: 10, budget: 12 });
    expect(first).toEqual({ contacts: [], nextAfter: `CONTACT#${newestFirst[11]}`, examined: 12 });
    const second = await evaluateSegment(deps, PROJECT, NOBODY, {
      limit: 10,
      budget: 12,
      after: first.nextAfter,
    });
    expect(second.nextAfter).toBe(`CONTACT#${newestFirst[23]}`);
    const last = await evaluateSegment(deps, PROJECT, NOBODY, {
      limit: 10,
      budget: 12,
      after: second.nextAfter,
    });
    expect(last).toEqual({ contacts: [], nextAfter: undefined, examined: 6 });
  });

  it('walks every match exactly once across pages, whatever the budget', async () => {
    const expected = newestFirst.filter((_id, index) => index % 2 === 1);
    for (const budget of [1, 3, 7, 1000]) {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await evaluateSegment(deps, PROJECT, EVEN, { limit: 4, budget, after });
        expect(page.examined).toBeLessThanOrEqual(budget);
        seen.push(...page.contacts.map((contact) => contact.id));
        after = page.nextAfter;
        pages++;
      } while (after !== undefined && pages < 100);
      expect(seen).toEqual(expected);
    }
  });

  /** A CPU clock that advances `step` ms each time it is read: deterministic, whatever the machine. */
  const steppingClock = (step: number) => {
    let used = 0;
    return () => (used += step);
  };

  it('stops after its CPU budget, answering the page it has with a cursor on the last contact examined', async () => {
    // Read once at the start (100), then once per contact: the 10th contact reaches 1100 ≥ 100 + 1000.
    const first = await evaluateSegment(deps, PROJECT, EVEN, {
      limit: 20,
      cpuBudgetMs: 1000,
      cpuClock: steppingClock(100),
    });
    expect(first.examined).toBe(10);
    expect(first.contacts.map((contact) => contact.id)).toEqual(
      newestFirst.slice(0, 10).filter((_id, index) => index % 2 === 1),
    );
    expect(first.nextAfter).toBe(`CONTACT#${newestFirst[9]}`);
  });

  it('walks every match exactly once across pages, whatever the CPU budget', async () => {
    const expected = newestFirst.filter((_id, index) => index % 2 === 1);
    for (const cpuBudgetMs of [1, 250, 700, 100_000]) {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await evaluateSegment(deps, PROJECT, EVEN, {
          limit: 4,
          after,
          cpuBudgetMs,
          cpuClock: steppingClock(100),
        });
        expect(page.examined).toBeGreaterThan(0);
        seen.push(...page.contacts.map((contact) => contact.id));
        after = page.nextAfter;
        pages++;
      } while (after !== undefined && pages < 100);
      expect(seen).toEqual(expected);
    }
  });

  it('measures process CPU by default and answers a page within the default budgets', async () => {
    const page = await evaluateSegment(deps, PROJECT, EVEN, { limit: 100 });
    expect(page.contacts).toHaveLength(15);
    expect(page.nextAfter).toBeUndefined();
  });

  it('answers no next page when the limit is reached on the very last contact', async () => {
    const page = await evaluateSegment(deps, PROJECT, EVEN, { limit: 15, budget: 1000 });
    expect(page.contacts).toHaveLength(15);
    expect(page.nextAfter).toBeUndefined();
  });

  it('ignores a position that is not a contact’s (starts from the newest)', async () => {
    const page = await evaluateSegment(deps, PROJECT, EVEN, { limit: 1, after: 'LIST#lst_x' });
    expect(page.contacts.map((contact) => contact.id)).toEqual([newestFirst[1]]);
  });
});
