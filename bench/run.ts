/**
 * `npm run bench`: the authorizer's decision time, its refusal of malformed keys without DynamoDB,
 * its latency against DynamoDB Local, every Lambda's bundle size and cold import time, and a cold
 * request (import + first call) of the authorizer next to the baseline, and the whole cold cost of
 * every Lambda next to the SDK GetItem floor (bench/cold-start.ts), in one run. Prints tables and
 * writes bench/results.json. Exits 0 whether targets pass or miss; only an error (a bundle that does
 * not build, DynamoDB Local that does not start) fails the run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BASELINE,
  buildBundles,
  type ColdRequestTimes,
  measureColdRequests,
  measureImports,
} from './bundles.js';
import {
  buildMissingBundles,
  type ColdStartTimes,
  coldStartCases,
  judgeColdStarts,
  measureColdStarts,
  printColdStarts,
} from './cold-start.js';
import { measureDecision, measureMalformed } from './decision.js';
import { measureDynamoLocal } from './dynamo-local.js';
import { measureRateLimit, printRateLimit } from './rate-limit.js';
import { printResults } from './report.js';
import { assembleResults } from './results.js';
import { round } from './stats.js';

const SETTINGS = {
  decision: { iterations: 20_000, warmup: 5_000 },
  malformed: { perKind: 300, passes: 5 },
  dynamoLocal: { requests: 500, warmup: 100 },
  rateLimit: { requests: 500, warmup: 100 },
  importRounds: 15,
  coldRequestRounds: 10,
  /** Fresh processes per Lambda for the whole cold cost of every Lambda (bench/cold-start.ts). */
  coldStartRounds: 9,
} as const;

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = fileURLToPath(new URL('./results.json', import.meta.url));
const rateLimitFile = fileURLToPath(new URL('./rate-limit-results.json', import.meta.url));

async function main(): Promise<void> {
  const loadBefore = round(loadavg()[0] ?? 0);
  const outDir = mkdtempSync(join(tmpdir(), 'scopegate-bench-'));
  try {
    // Bundling first: a Lambda that does not build fails the run before the slow parts.
    step('bundling the baseline and every Lambda with LAMBDA_BUNDLING');
    const builds = await buildBundles(root, outDir);
    const allBuilds = await buildMissingBundles(root, outDir, builds);
    step(`authorizer decision in process (${SETTINGS.decision.iterations} iterations each)`);
    const decision = await measureDecision(SETTINGS.decision);
    const malformed = await measureMalformed(SETTINGS.malformed);
    step(
      `authorizer against DynamoDB Local (${SETTINGS.dynamoLocal.requests} requests), then cold requests ` +
        `(${SETTINGS.coldRequestRounds} fresh processes each for the baseline and the authorizer)`,
    );
    let coldRequests = new Map<string, ColdRequestTimes>();
    let coldStarts = new Map<string, ColdStartTimes>();
    let cases: ReturnType<typeof coldStartCases> = [];
    const coldBuilds = builds.filter((bundle) => bundle.name === BASELINE || bundle.name === 'authorizer');
    const dynamoLocal = await measureDynamoLocal({
      ...SETTINGS.dynamoLocal,
      whileRunning: (target) => {
        coldRequests = measureColdRequests(coldBuilds, target, SETTINGS.coldRequestRounds);
        step(`cold start of every Lambda (${SETTINGS.coldStartRounds} interleaved fresh processes each)`);
        cases = coldStartCases(target);
        coldStarts = measureColdStarts(allBuilds, cases, target, SETTINGS.coldStartRounds);
      },
    });
    step(
      `cold imports (${SETTINGS.importRounds} interleaved rounds of ${builds.length} bundles × 2 node processes)`,
    );
    const importTimes = measureImports(builds, SETTINGS.importRounds);

    const results = assembleResults({
      settings: SETTINGS,
      loadBefore,
      decision,
      malformed,
      dynamoLocal,
      builds,
      importTimes,
      coldRequests,
    });
    const coldStart = {
      rounds: SETTINGS.coldStartRounds,
      loadAverage: loadavg().map((value) => round(value)),
      rows: judgeColdStarts(
        cases,
        new Map(allBuilds.map((bundle) => [bundle.name, bundle.bytes])),
        coldStarts,
      ),
    };
    writeFileSync(resultsFile, `${JSON.stringify({ ...results, coldStart }, null, 2)}\n`);
    printResults(results);
    printColdStarts(coldStart.rows, coldStart.rounds, coldStart.loadAverage);
    console.log(`\nwrote ${resultsFile}`);
    step(
      `the frame with a rate-limited key vs without (${SETTINGS.rateLimit.requests} requests each, DynamoDB Local)`,
    );
    printRateLimit(await measureRateLimit(SETTINGS.rateLimit), rateLimitFile);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function step(message: string): void {
  console.log(`… ${message}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
