/**
 * The whole cold cost of every Lambda of the stack: a fresh Node process requires the bundle (built
 * with the house options, lib/bundling.ts) and makes its first call against the local stand-ins,
 * next to a floor measured in the same run — the smallest SDK handler doing one DynamoDB GetItem
 * (bench/baseline-entry.ts), bundled the same way. Processes are interleaved (floor, authorizer,
 * sending, …, floor, …) so that load on the machine hits every bundle alike; medians of N.
 *
 * Request-path Lambdas get an event that reaches DynamoDB (the authorizer: one decision for a stored
 * key; each service: a GET list route of its own); the pipelines' Lambdas (queue, stream, schedule)
 * are required only, so their figure is the import alone and carries no target.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LAMBDA_ENTRIES, type LambdaName } from '../lib/bundling.js';
import { SERVICES } from '../lambdas/api/routes.js';
import { authContextFor, proxyEvent } from '../test/support/events.js';
import { BASELINE, type BundleBuild, buildBundle, CHILD_ENV, type ColdRequestTarget, kb } from './bundles.js';
import { median, round } from './stats.js';

/** Whole cold cost (import + first call, medians) over the floor's. */
export const COLD_START_TARGETS = { authorizer: 1.5, requestPath: 3.0 } as const;

/** What the child checks in the first call's result, so a failing call cannot pass as fast. */
export type FirstCall =
  | { readonly kind: 'allow'; readonly event: unknown }
  | { readonly kind: 'item'; readonly event: unknown; readonly keyId: string }
  | { readonly kind: 'status200'; readonly event: unknown }
  | { readonly kind: 'importOnly' };

export interface ColdStartCase {
  readonly name: string;
  readonly requestPath: boolean;
  readonly firstCall: FirstCall;
}

/** A GET list route per service: a DynamoDB Query of the project's partition, answered 200. */
const SERVICE_PROBES: Readonly<Record<(typeof SERVICES)[number], string>> = {
  sending: '/v1/emails',
  account: '/v1/projects',
  domains: '/v1/domains',
  templates: '/v1/templates',
  webhooks: '/v1/webhooks',
  audience: '/v1/contacts',
  suppressions: '/v1/suppressions',
  broadcasts: '/v1/broadcasts',
};

export function coldStartCases(target: ColdRequestTarget): ColdStartCase[] {
  const authorizer = authContextFor({
    projectId: 'proj_bench',
    teamId: 'team_bench',
    permission: 'full_access',
  });
  const services = SERVICES.map((name): ColdStartCase => ({
    name,
    requestPath: true,
    firstCall: {
      kind: 'status200',
      event: proxyEvent({ method: 'GET', resource: SERVICE_PROBES[name], authorizer }),
    },
  }));
  const requestPath = new Set<string>(['authorizer', ...SERVICES]);
  const pipelines = (Object.keys(LAMBDA_ENTRIES) as LambdaName[])
    .filter((name) => !requestPath.has(name))
    .map((name): ColdStartCase => ({ name, requestPath: false, firstCall: { kind: 'importOnly' } }));
  return [
    {
      name: BASELINE,
      requestPath: false,
      firstCall: { kind: 'item', event: { id: target.keyId }, keyId: target.keyId },
    },
    { name: 'authorizer', requestPath: true, firstCall: { kind: 'allow', event: target.authorizerEvent } },
    ...services,
    ...pipelines,
  ];
}

/** The bundles not built yet (the pipelines' Lambdas), with the house options. */
export async function buildMissingBundles(
  root: string,
  outDir: string,
  built: readonly BundleBuild[],
): Promise<BundleBuild[]> {
  const have = new Set(built.map((bundle) => bundle.name));
  const missing = (Object.entries(LAMBDA_ENTRIES) as [LambdaName, string][]).filter(
    ([name]) => !have.has(name),
  );
  const added: BundleBuild[] = [];
  for (const [name, entry] of missing) {
    const bundle = await buildBundle(root, outDir, name, entry);
    // The dashboard Lambda reads its files beside it at import, put there as lib/dashboard-site.ts does.
    if (name === 'dashboard') {
      const dir = dirname(bundle.outfile);
      execFileSync(process.execPath, ['--import', 'tsx', 'bin/build-dashboard.ts', join(dir, 'site')], {
        cwd: root,
        stdio: 'ignore',
      });
      copyFileSync(join(root, 'docs/openapi.json'), join(dir, 'openapi.json'));
    }
    added.push(bundle);
  }
  return [...built, ...added];
}

const COLD_START_SCRIPT = `
const start = process.hrtime.bigint();
const mod = require(process.argv[1]);
const imported = process.hrtime.bigint();
const call = JSON.parse(process.argv[2]);
const report = (ok) => process.stdout.write('\\n' + JSON.stringify({
  importMs: Number(imported - start) / 1e6,
  firstCallMs: Number(process.hrtime.bigint() - imported) / 1e6,
  ok,
}));
if (typeof mod.handler !== 'function') { console.error('no handler export'); process.exit(2); }
if (call.kind === 'importOnly') report(true);
else {
  const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 30000 };
  Promise.resolve(mod.handler(call.event, context)).then((result) => {
    const ok = call.kind === 'allow' ? result?.policyDocument?.Statement?.[0]?.Effect === 'Allow'
      : call.kind === 'item' ? result?.keyId === call.keyId
      : result?.statusCode === 200;
    if (!ok) console.error(JSON.stringify(result).slice(0, 500));
    report(ok);
  }, (error) => { console.error(error); process.exit(3); });
}
`;

export interface ColdStartTimes {
  readonly importMs: number[];
  readonly firstCallMs: number[];
}

/** `rounds` interleaved rounds of one fresh process per case (after one discarded warm-up round). */
export function measureColdStarts(
  builds: readonly BundleBuild[],
  cases: readonly ColdStartCase[],
  target: ColdRequestTarget,
  rounds: number,
): Map<string, ColdStartTimes> {
  const env = {
    ...CHILD_ENV,
    API_KEYS_TABLE: target.tableName,
    DATA_TABLE: target.dataTable,
    AWS_ENDPOINT_URL_DYNAMODB: target.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AUTHORIZER_CACHE_TTL_SECONDS: '0',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  const outfiles = new Map(builds.map((bundle) => [bundle.name, bundle.outfile]));
  const times = new Map<string, ColdStartTimes>(
    cases.map((c) => [c.name, { importMs: [], firstCallMs: [] }]),
  );
  for (let round = -1; round < rounds; round++) {
    for (const coldCase of cases) {
      const outfile = outfiles.get(coldCase.name);
      if (!outfile) throw new Error(`${coldCase.name}: no bundle`);
      const output = execFileSync(
        process.execPath,
        ['-e', COLD_START_SCRIPT, outfile, JSON.stringify(coldCase.firstCall)],
        {
          env,
          encoding: 'utf8',
          timeout: 30_000,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const parsed = JSON.parse(output.trim().split('\n').at(-1) ?? '') as {
        importMs: number;
        firstCallMs: number;
        ok: boolean;
      };
      if (!parsed.ok) throw new Error(`${coldCase.name}: the first call did not answer as expected`);
      const caseTimes = times.get(coldCase.name);
      if (round < 0 || !caseTimes) continue;
      caseTimes.importMs.push(parsed.importMs);
      caseTimes.firstCallMs.push(parsed.firstCallMs);
    }
  }
  return times;
}

export interface ColdStartRow {
  readonly name: string;
  readonly kb: number;
  readonly importMsMedian: number;
  /** Undefined for a Lambda measured on import alone. */
  readonly firstCallMsMedian: number | undefined;
  /** Median over processes of import + first call. */
  readonly totalMsMedian: number;
  readonly overFloor: number;
  /** The limit on `overFloor`, or undefined where no target applies (the floor, the pipelines). */
  readonly limit: number | undefined;
  readonly pass: boolean | undefined;
}

/** The limit a Lambda's whole cold cost is held to, relative to the floor. */
export function coldStartLimit(coldCase: Pick<ColdStartCase, 'name' | 'requestPath'>): number | undefined {
  if (coldCase.name === 'authorizer') return COLD_START_TARGETS.authorizer;
  return coldCase.requestPath ? COLD_START_TARGETS.requestPath : undefined;
}

/** Pure: medians, ratios to the floor and verdicts. */
export function judgeColdStarts(
  cases: readonly ColdStartCase[],
  bytes: ReadonlyMap<string, number>,
  times: ReadonlyMap<string, ColdStartTimes>,
): ColdStartRow[] {
  const totalOf = (coldCase: ColdStartCase): number => {
    const sample = times.get(coldCase.name);
    if (!sample || sample.importMs.length === 0) throw new Error(`${coldCase.name}: no cold-start samples`);
    const importOnly = coldCase.firstCall.kind === 'importOnly';
    return median(sample.importMs.map((ms, i) => ms + (importOnly ? 0 : (sample.firstCallMs[i] ?? 0))));
  };
  const floorCase = cases.find((coldCase) => coldCase.name === BASELINE);
  if (!floorCase) throw new Error('the floor is not among the cases');
  const floor = totalOf(floorCase);
  return cases.map((coldCase) => {
    const sample = times.get(coldCase.name) ?? { importMs: [], firstCallMs: [] };
    const total = totalOf(coldCase);
    const overFloor = total / floor;
    const limit = coldStartLimit(coldCase);
    return {
      name: coldCase.name,
      kb: kb(bytes.get(coldCase.name) ?? 0),
      importMsMedian: round(median(sample.importMs)),
      firstCallMsMedian:
        coldCase.firstCall.kind === 'importOnly' ? undefined : round(median(sample.firstCallMs)),
      totalMsMedian: round(total),
      overFloor: round(overFloor),
      limit,
      pass: limit === undefined ? undefined : overFloor <= limit,
    };
  });
}

export function printColdStarts(
  rows: readonly ColdStartRow[],
  rounds: number,
  load: readonly number[],
): void {
  console.log(
    `\n6. Cold start of every Lambda: fresh node ${process.version} processes, import + first call against DynamoDB Local` +
      ` (median of ${rounds}, interleaved); 1/5/15-min load average ${load.map((value) => round(value)).join(' / ')}`,
  );
  const header = ['bundle', 'KB', 'import ms', 'first call ms', 'total ms', '× floor', 'target'];
  const lines = rows.map((row) => [
    row.name === BASELINE ? 'floor (SDK GetItem)' : row.name,
    String(row.kb),
    String(row.importMsMedian),
    row.firstCallMsMedian === undefined ? '— (import only)' : String(row.firstCallMsMedian),
    String(row.totalMsMedian),
    String(row.overFloor),
    row.limit === undefined ? '' : `≤ ${row.limit}×  ${row.pass ? 'PASS' : 'FAIL'}`,
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...lines].map((line) => (line[i] ?? '').length)));
  for (const line of [header, ...lines])
    console.log(
      line
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}
