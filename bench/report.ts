/** The terminal report: one table per measurement, then a PASS/MISS line per target. */
import { type BenchResults, TARGETS } from './results.js';

type Cell = string | number;

export function printResults(results: BenchResults): void {
  const { decision, floor, decisionVariants: variants, malformed, dynamoLocal, targets } = results;
  const opsRow = (name: string, ops: typeof variants.verifyAndPolicy): Cell[] => [
    name,
    ops.iterations,
    ops.p50Us,
    ops.p99Us,
    ops.meanUs,
    ops.opsPerSec,
  ];
  const msRow = (name: string, ms: typeof dynamoLocal.getItemOnly): Cell[] => [
    name,
    ms.requests,
    ms.p50Ms,
    ms.p99Ms,
    ms.meanMs,
  ];
  const load = results.loadAverage1m;
  console.log(
    `\nnode ${results.node}, ${results.cpus} CPUs, 1-min load average ${load.before} → ${load.after}`,
  );

  console.log(
    table(
      '1. Authorizer decision in process (in-memory key item, no-op logger)',
      ['', 'iterations', 'p50 µs', 'p99 µs', 'mean µs', 'ops/s'],
      [
        opsRow('decision: createAuthorizer handler', decision),
        opsRow('floor: parseApiKey + keyHashMatches', floor),
        opsRow('  (verifyKey + toAuthorizerResult only)', variants.verifyAndPolicy),
        opsRow('handler, key with a 10-entry IP allow-list', variants.handlerWithIpAllowList),
        opsRow('handler, rotated key (old secret, two hashes)', variants.handlerWithRotatedKey),
      ],
    ),
  );
  console.log(`decision / floor (p50): ${results.ratio}×`);
  console.log(
    `rotated key (old secret) / floor (p50): ${(variants.handlerWithRotatedKey.p50Us / floor.p50Us).toFixed(2)}×`,
  );

  console.log(
    table(
      '2. Malformed and bad-checksum keys, refused before DynamoDB',
      ['kind', 'keys', 'p50 µs'],
      [
        ...Object.entries(malformed.kinds).map(([kind, stats]): Cell[] => [kind, stats.keys, stats.p50Us]),
        ['all', malformed.keys, malformed.p50Us],
      ],
    ),
  );
  console.log(
    `${malformed.decisions} decisions (incl. a warm-up pass), every one Unauthorized; ` +
      `getKeyItem calls: ${malformed.getKeyItemCalls}; p99 ${malformed.p99Us} µs`,
  );

  console.log(
    table(
      `3. Against DynamoDB Local (started in ${dynamoLocal.startupMs} ms; ${dynamoLocal.warmup} warm-up requests)`,
      ['', 'requests', 'p50 ms', 'p99 ms', 'mean ms'],
      [
        msRow('authorizer (handler + keyItemReader)', dynamoLocal),
        msRow('GetCommand alone', dynamoLocal.getItemOnly),
      ],
    ),
  );

  console.log(
    table(
      `4. Bundles (LAMBDA_BUNDLING, AWS SDK bundled) and cold require(), ${results.settings.importRounds} fresh node processes each`,
      [
        'bundle',
        'KB',
        'import ms (median)',
        '× baseline',
        'CPU ms',
        '× baseline',
        '+source maps ms',
        '× baseline',
      ],
      results.bundles.map((bundle): Cell[] => [
        bundle.name,
        Math.round(bundle.bytes / 102.4) / 10,
        bundle.importMsMedian,
        bundle.ratioToBaseline,
        bundle.cpu.importMsMedian,
        bundle.cpu.ratioToBaseline,
        bundle.withSourceMaps.importMsMedian,
        bundle.withSourceMaps.ratioToBaseline,
      ]),
    ),
  );
  console.log(
    'The target is judged on the wall-time median. CPU ms = user+system time of the same processes (less' +
      ' sensitive to a busy machine); +source maps = node --enable-source-maps, as lib/scopegate-function.ts deploys.',
  );
  if (results.authorizerExtraOverBaseline.length > 0) {
    console.log(
      table(
        'What the authorizer bundle carries beyond the baseline (minified bytes in output)',
        ['package', 'KB', 'baseline KB', 'imported via'],
        results.authorizerExtraOverBaseline.map((extra): Cell[] => [
          extra.name,
          extra.kb,
          extra.baselineKb,
          extra.via,
        ]),
      ),
    );
  }

  const { coldRequest, ratios } = results;
  if (coldRequest.baseline && coldRequest.authorizer) {
    console.log(
      table(
        `5. Cold request: a fresh process imports the bundle, then makes its first call against DynamoDB Local (${results.settings.coldRequestRounds} processes each, medians)`,
        ['bundle', 'import ms', 'first call ms', 'total ms'],
        [
          ['baseline (one GetCommand)', ...coldCells(coldRequest.baseline)],
          ['authorizer (one decision)', ...coldCells(coldRequest.authorizer)],
        ],
      ),
    );
    console.log(
      `authorizer / baseline, import + first call: ${coldRequest.totalRatio}× (the authorizer loads node:https` +
        ' on its first call, so its import time alone flatters it; this is the whole cold cost)',
    );
  }

  const fixed = (value: number, digits = 2) => value.toFixed(digits);
  console.log('\nTargets');
  console.log(
    verdict(
      targets.authorizerImport,
      `authorizer cold import ≤ ${TARGETS.authorizerImportOverBaseline}× the SDK-only baseline`,
      `${fixed(ratios.authorizerImportOverBaseline, 3)}×`,
    ),
  );
  console.log(
    verdict(
      targets.authorizerBundle,
      `authorizer bundle ≤ ${TARGETS.authorizerBundleBytes / 1024} KB`,
      `${ratios.authorizerBundleKb} KB (${fixed(ratios.authorizerBundleKb / (TARGETS.authorizerBundleBytes / 1024))}× the limit)`,
    ),
  );
  console.log(
    verdict(
      targets.decision,
      `decision p50 ≤ ${TARGETS.decisionOverFloor}× the parse+hash floor`,
      `${fixed(ratios.decisionOverFloor)}× (p50 ${decision.p50Us} µs / ${floor.p50Us} µs)`,
    ),
  );
  console.log(
    verdict(
      targets.decisionWithIpAllowList,
      `decision with a 10-entry IP allow-list ≤ ${TARGETS.decisionWithIpAllowListOverFloor}× the floor`,
      `${fixed(ratios.decisionWithIpAllowListOverFloor)}× (p50 ${variants.handlerWithIpAllowList.p50Us} µs)`,
    ),
  );
  console.log(
    verdict(
      targets.malformedNoDynamoCalls,
      'malformed keys decided without DynamoDB',
      `${malformed.getKeyItemCalls} getKeyItem calls over ${malformed.decisions} decisions`,
    ),
  );
  for (const [name, ratio] of Object.entries(ratios.serviceImportOverBaseline)) {
    console.log(
      verdict(
        targets.serviceImports[name] ?? false,
        `${name} cold import ≤ ${TARGETS.serviceImportOverBaseline}× the baseline`,
        `${fixed(ratio)}×`,
      ),
    );
  }
}

function coldCells(cold: {
  importMsMedian: number;
  firstCallMsMedian: number;
  totalMsMedian: number;
}): Cell[] {
  return [cold.importMsMedian, cold.firstCallMsMedian, cold.totalMsMedian];
}

function table(title: string, headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [headers, ...rows].map((row) =>
    row.map((cell) => (typeof cell === 'number' ? format(cell) : cell)),
  );
  const widths = headers.map((_, column) => Math.max(...text.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[], numeric: readonly boolean[]) =>
    row
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const numericColumns = headers.map((_, column) => rows.every((row) => typeof row[column] === 'number'));
  const [head = [], ...body] = text;
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [
    `\n${title}`,
    line(head, numericColumns),
    rule,
    ...body.map((row) => line(row, numericColumns)),
  ].join('\n');
}

function verdict(pass: boolean, label: string, detail: string): string {
  return `${pass ? 'PASS' : 'MISS'}  ${label}: ${detail}`;
}

function format(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}
