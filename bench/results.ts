/** The shape of bench/results.json, assembled from the measurements of one run. */
import { cpus, loadavg } from 'node:os';
import { BASELINE, type BundleBuild, extraOverBaseline, type ImportTimes, kb } from './bundles.js';
import type { DecisionResults, MalformedResults } from './decision.js';
import type { DynamoLocalResults } from './dynamo-local.js';
import { median, round } from './stats.js';

export const TARGETS = { decisionOverFloor: 5, authorizerImportOverBaseline: 1.3 } as const;

export interface Measurements {
  readonly settings: Readonly<Record<string, unknown>>;
  readonly loadBefore: number;
  readonly decision: DecisionResults;
  readonly malformed: MalformedResults;
  readonly dynamoLocal: DynamoLocalResults;
  readonly builds: readonly BundleBuild[];
  readonly importTimes: Map<string, ImportTimes>;
}

export type BenchResults = ReturnType<typeof assembleResults>;

export function assembleResults(measured: Measurements) {
  const { decision, malformed, builds, importTimes } = measured;
  const baseline = builds.find((bundle) => bundle.name === BASELINE);
  if (!baseline) throw new Error('the baseline bundle is missing');
  const timesOf = (name: string): ImportTimes =>
    importTimes.get(name) ?? { plain: [], plainCpu: [], sourceMaps: [] };
  const baselineMs = median(timesOf(BASELINE).plain);
  const baselineCpuMs = median(timesOf(BASELINE).plainCpu);
  const baselineSourceMapsMs = median(timesOf(BASELINE).sourceMaps);
  const bundles = builds.map((bundle) => {
    const times = timesOf(bundle.name);
    const importMsMedian = median(times.plain);
    const sourceMapsMedian = median(times.sourceMaps);
    return {
      name: bundle.name,
      entry: bundle.entry,
      bytes: bundle.bytes,
      importMsMedian: round(importMsMedian, 1),
      importMsMin: round(Math.min(...times.plain), 1),
      ratioToBaseline: round(importMsMedian / baselineMs),
      /** min / baseline min: less sensitive to other work on the machine than the medians. */
      ratioToBaselineOfMins: round(Math.min(...times.plain) / Math.min(...timesOf(BASELINE).plain)),
      sizeRatioToBaseline: round(bundle.bytes / baseline.bytes),
      /** CPU time of the same processes: the least noisy view when the machine is busy. */
      cpu: {
        importMsMedian: round(median(times.plainCpu), 1),
        ratioToBaseline: round(median(times.plainCpu) / baselineCpuMs),
      },
      /** With NODE_OPTIONS=--enable-source-maps, as the house Lambda construct deploys it. */
      withSourceMaps: {
        importMsMedian: round(sourceMapsMedian, 1),
        ratioToBaseline: round(sourceMapsMedian / baselineSourceMapsMs),
      },
      topPackages: bundle.packages.slice(0, 8).map((share) => ({ name: share.name, kb: kb(share.bytes) })),
    };
  });
  const authorizer = builds.find((bundle) => bundle.name === 'authorizer');
  // Targets are judged on unrounded ratios; the report shows them rounded.
  const authorizerRatio = median(timesOf('authorizer').plain) / baselineMs;
  const decisionRatio = decision.decision.p50Us / decision.floor.p50Us;
  return {
    measuredAt: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage1m: { before: measured.loadBefore, after: round(loadavg()[0] ?? 0) },
    settings: measured.settings,
    decision: decision.decision,
    floor: decision.floor,
    ratio: decision.ratio,
    decisionVariants: decision.variants,
    malformed,
    dynamoLocal: measured.dynamoLocal,
    bundles,
    authorizerExtraOverBaseline: (authorizer ? extraOverBaseline(authorizer, baseline) : []).map((extra) => ({
      name: extra.name,
      kb: kb(extra.bytes),
      baselineKb: kb(extra.baselineBytes),
      via: extra.via.join(' → '),
    })),
    targets: {
      decisionWithin5xFloor: decisionRatio <= TARGETS.decisionOverFloor,
      malformedNoDynamoCalls: malformed.getKeyItemCalls === 0 && malformed.rejectedAsUnauthorized > 0,
      authorizerImportWithin1_3xBaseline: authorizerRatio <= TARGETS.authorizerImportOverBaseline,
    },
  };
}
