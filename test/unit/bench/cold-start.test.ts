/** The cold-start benchmark's verdicts (bench/cold-start.ts): which Lambda is held to which limit. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COLD_START_TARGETS,
  type ColdStartCase,
  coldStartLimit,
  judgeColdStarts,
} from '../../../bench/cold-start.js';
import { BASELINE } from '../../../bench/bundles.js';

const call = { kind: 'status200', event: {} } as const;
const floor: ColdStartCase = {
  name: BASELINE,
  requestPath: false,
  firstCall: { kind: 'item', event: {}, keyId: 'k' },
};
const authorizer: ColdStartCase = {
  name: 'authorizer',
  requestPath: true,
  firstCall: { kind: 'allow', event: {} },
};
const sending: ColdStartCase = { name: 'sending', requestPath: true, firstCall: call };
const deliveries: ColdStartCase = {
  name: 'deliveries',
  requestPath: false,
  firstCall: { kind: 'importOnly' },
};

const times = (importMs: number[], firstCallMs: number[]) => ({ importMs, firstCallMs });

describe('coldStartLimit', () => {
  it.each([
    [authorizer, COLD_START_TARGETS.authorizer],
    [sending, COLD_START_TARGETS.requestPath],
    [deliveries, undefined],
    [floor, undefined],
  ])('holds %o to %s', (coldCase, limit) => {
    expect(coldStartLimit(coldCase)).toBe(limit);
  });
});

describe('judgeColdStarts', () => {
  it('compares the median of import + first call per process with the floor’s, and says PASS or FAIL', () => {
    const rows = judgeColdStarts(
      [floor, authorizer, sending, deliveries],
      new Map([[BASELINE, 1024]]),
      new Map([
        [BASELINE, times([80, 90, 100], [20, 10, 0])], // totals 100, 100, 100
        ['authorizer', times([10, 10, 10], [140, 160, 150])], // totals 150, 170, 160: median 160
        ['sending', times([200, 250, 400], [101, 60, 0])], // totals 301, 310, 400: median 310
        ['deliveries', times([50, 60, 70], [999, 999, 999])], // import only: the call time is not counted
      ]),
    );

    expect(rows.map((row) => [row.name, row.totalMsMedian, row.overFloor, row.pass])).toEqual([
      [BASELINE, 100, 1, undefined],
      ['authorizer', 160, 1.6, false],
      ['sending', 310, 3.1, false],
      ['deliveries', 60, 0.6, undefined],
    ]);
    expect(rows[0]?.kb).toBe(1);
    expect(rows[3]?.firstCallMsMedian).toBeUndefined();
  });

  it('passes a request-path Lambda exactly when its total is within its limit of the floor', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.boolean(),
        (floorMs, lambdaMs, isAuthorizer) => {
          const coldCase = isAuthorizer ? authorizer : sending;
          const [, row] = judgeColdStarts(
            [floor, coldCase],
            new Map(),
            new Map([
              [BASELINE, times([floorMs], [0])],
              [coldCase.name, times([lambdaMs], [0])],
            ]),
          );
          const limit = isAuthorizer ? COLD_START_TARGETS.authorizer : COLD_START_TARGETS.requestPath;
          expect(row?.pass).toBe(lambdaMs / floorMs <= limit);
        },
      ),
    );
  });

  it('refuses to judge without the floor’s samples', () => {
    expect(() =>
      judgeColdStarts([floor, sending], new Map(), new Map([['sending', times([1], [1])]])),
    ).toThrow(/no cold-start samples/);
  });
});
