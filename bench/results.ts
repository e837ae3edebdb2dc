/** The shape of bench/results.json, assembled from the measurements of one run. */
import { cpus, loadavg } from 'node:os';
import {
  BASELINE,
  type BundleBuild,
  type ColdRequestTimes,
  extraOverBaseline,
  type ImportTimes,
  kb,
} from './bundles.js';
import type { DecisionResults, MalformedResults } from './decision.js';
import type { DynamoLocalResults } from './dynamo-local.js';
import { median, round } from './stats.js';

/** The performance issue's targets; each is printed with its ratio and PASS or MISS. */
export const TARGETS = {
  /** Cold import of the authorizer bundle over the SDK-only baseline bundle (wall-time medians). */
  authorizerImportOverBaseline: 0.1,
  authorizerBundleBytes: 60 * 1024,
  /** Decision p50 over the parse+hash floor p50. */
  decisionOverFloor: 2.0,
  /** The same with a 10-entry IP allow-list. */
  decisionWithIpAllowListOverFloor: 2.5,
  /** Each service Lambda's cold import over the baseline. */
  serviceImportOverBaseline: 1.0,
} as const;

/** The Lambdas that are services (everything but the baseline and the authorizer). */
const isService = (name: string): boolean => name !== BASELINE && name !== 'authorizer';

export interface Measurements {
  readonly settings: Readonly<Record<string, unknown>>;
  readonly loadBefore: number;
  readonly decision: DecisionResults;
  readonly malformed: MalformedResults;
  readonly dynamoLocal: DynamoLocalResults;
  readonly builds: readonly BundleBuild[];
  readonly importTimes: Map<string, ImportTimes>;
  readonly coldRequests: Map<string, ColdRequestTimes>;
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
  const ipAllowListRatio = decision.variants.handlerWithIpAllowList.p50Us / decision.floor.p50Us;
  const serviceRatios = builds
    .filter((bundle) => isService(bundle.name))
    .map((bundle) => ({ name: bundle.name, ratio: median(timesOf(bundle.name).plain) / baselineMs }));
  const cold = (name: string) => {
    const times = measured.coldRequests.get(name);
    if (!times || times.importMs.length === 0) return undefined;
    const totals = times.importMs.map((importMs, index) => importMs + (times.firstCallMs[index] ?? 0));
    return {
      importMsMedian: round(median(times.importMs), 1),
      firstCallMsMedian: round(median(times.firstCallMs), 1),
      totalMsMedian: round(median(totals), 1),
    };
  };
  const coldBaseline = cold(BASELINE);
  const coldAuthorizer = cold('authorizer');
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
    coldRequest: {
      what: 'a fresh process: require() the bundle, then its first call against DynamoDB Local (baseline: one GetCommand; authorizer: one whole decision)',
      baseline: coldBaseline,
      authorizer: coldAuthorizer,
      totalRatio:
        coldBaseline && coldAuthorizer
          ? round(coldAuthorizer.totalMsMedian / coldBaseline.totalMsMedian)
          : undefined,
    },
    ratios: {
      authorizerImportOverBaseline: round(authorizerRatio, 3),
      authorizerBundleKb: kb(authorizer?.bytes ?? 0),
      decisionOverFloor: round(decisionRatio),
      decisionWithIpAllowListOverFloor: round(ipAllowListRatio),
      serviceImportOverBaseline: Object.fromEntries(
        serviceRatios.map(({ name, ratio }) => [name, round(ratio)]),
      ),
    },
    targets: {
      authorizerImport: authorizerRatio <= TARGETS.authorizerImportOverBaseline,
      authorizerBundle: (authorizer?.bytes ?? Number.POSITIVE_INFINITY) <= TARGETS.authorizerBundleBytes,
      decision: decisionRatio <= TARGETS.decisionOverFloor,
      decisionWithIpAllowList: ipAllowListRatio <= TARGETS.decisionWithIpAllowListOverFloor,
      malformedNoDynamoCalls: malformed.getKeyItemCalls === 0 && malformed.rejectedAsUnauthorized > 0,
      serviceImports: Object.fromEntries(
        serviceRatios.map(({ name, ratio }) => [name, ratio <= TARGETS.serviceImportOverBaseline]),
      ),
    },
  };
}
