/**
 * Bundles every Lambda exactly as the CDK stack does (LAMBDA_BUNDLING, AWS SDK bundled), plus a
 * baseline that only does one DynamoDB GetCommand, then times a cold `require()` of each bundle in
 * fresh node processes, interleaved so machine noise hits every bundle equally.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { SERVICES } from '../lambdas/api/routes.js';
import { LAMBDA_BUNDLING, LAMBDA_ENTRIES } from '../lib/bundling.js';
import { round } from './stats.js';

export const BASELINE = 'baseline';
const BASELINE_ENTRY = 'bench/baseline-entry.ts';

export interface PackageShare {
  /** npm package name, or the source folder for our own code. */
  readonly name: string;
  readonly bytes: number;
}

export interface BundleBuild {
  readonly name: string;
  readonly entry: string;
  readonly outfile: string;
  readonly bytes: number;
  readonly packages: readonly PackageShare[];
  readonly metafile: Metafile;
}

/**
 * What the child process measures around require(): wall time (hrtime), and the CPU time the process
 * spent, which other work on the machine inflates far less than wall time.
 */
const IMPORT_SCRIPT = `
const cpu = process.cpuUsage();
const start = process.hrtime.bigint();
const mod = require(process.argv[1]);
const ns = process.hrtime.bigint() - start;
const { user, system } = process.cpuUsage(cpu);
if (typeof mod.handler !== 'function') { console.error('no handler export'); process.exit(2); }
process.stdout.write(JSON.stringify({ ms: Number(ns) / 1e6, cpuMs: (user + system) / 1000 }));
`;

/** A Lambda-like environment, built from scratch so no loader (tsx) or NODE_OPTIONS leaks in. */
export const CHILD_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  API_KEYS_TABLE: 'ApiKeys',
  DATA_TABLE: 'Data',
  // Every setting some Lambda requires at cold start (its module throws without it).
  SES_CONFIGURATION_SET: 'scopegate-bench',
  DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/scopegate-bench',
  REST_API_ID: 'benchapi',
  STAGE_NAME: 'prod',
  KEY_ENVIRONMENT: 'live',
  AWS_REGION: 'us-east-1',
};

export async function buildBundles(root: string, outDir: string): Promise<BundleBuild[]> {
  // The request path: the authorizer and the service Lambdas (the pipelines' Lambdas answer no client).
  const requestPath = ['authorizer', ...SERVICES] as const;
  const entries: [string, string][] = [
    [BASELINE, BASELINE_ENTRY],
    ...requestPath.map((name): [string, string] => [name, LAMBDA_ENTRIES[name]]),
  ];
  const builds: BundleBuild[] = [];
  for (const [name, entry] of entries) builds.push(await buildBundle(root, outDir, name, entry));
  return builds;
}

/** One entry point bundled exactly as the CDK stack bundles it (LAMBDA_BUNDLING, AWS SDK bundled). */
export async function buildBundle(
  root: string,
  outDir: string,
  name: string,
  entry: string,
): Promise<BundleBuild> {
  const outfile = join(outDir, name, 'index.js');
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: LAMBDA_BUNDLING.format,
    platform: LAMBDA_BUNDLING.platform,
    target: LAMBDA_BUNDLING.target,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    minify: LAMBDA_BUNDLING.minify,
    // Written to index.js.map; the size reported is index.js alone.
    sourcemap: LAMBDA_BUNDLING.sourcemap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    // bundleAwsSdk: nothing is external but Node's built-ins and the unused credential providers.
    external: [...LAMBDA_BUNDLING.external],
    metafile: true,
    logLevel: 'warning',
  });
  return { name, entry, outfile, bytes: statSync(outfile).size, packages: packageShares(metafile), metafile };
}

export interface ImportTimes {
  /** Wall ms of `node` as the brief measures it: no flags. */
  readonly plain: number[];
  /** CPU ms (user + system, all threads) of the same processes. */
  readonly plainCpu: number[];
  /** Wall ms of `node --enable-source-maps`, as lib/scopegate-function.ts deploys it (NODE_OPTIONS). */
  readonly sourceMaps: number[];
}

/**
 * Cold-require times per bundle over `rounds` interleaved rounds (after one discarded round that
 * only warms the OS file cache): baseline, authorizer, sending, account, baseline, …, each once
 * plain and once with source maps enabled.
 */
export function measureImports(builds: readonly BundleBuild[], rounds: number): Map<string, ImportTimes> {
  const times = new Map<string, ImportTimes>(
    builds.map((bundle) => [bundle.name, { plain: [], plainCpu: [], sourceMaps: [] }]),
  );
  for (let round = -1; round < rounds; round++) {
    for (const bundle of builds) {
      const plain = importOnce(bundle, []);
      const sourceMaps = importOnce(bundle, ['--enable-source-maps']);
      const bundleTimes = times.get(bundle.name);
      if (round < 0 || !bundleTimes) continue;
      bundleTimes.plain.push(plain.ms);
      bundleTimes.plainCpu.push(plain.cpuMs);
      bundleTimes.sourceMaps.push(sourceMaps.ms);
    }
  }
  return times;
}

function importOnce(bundle: BundleBuild, flags: readonly string[]): { ms: number; cpuMs: number } {
  const output = execFileSync(process.execPath, [...flags, '-e', IMPORT_SCRIPT, bundle.outfile], {
    env: CHILD_ENV,
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const parsed: unknown = JSON.parse(output);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('ms' in parsed && typeof parsed.ms === 'number') ||
    !('cpuMs' in parsed && typeof parsed.cpuMs === 'number')
  ) {
    throw new Error(`${bundle.name}: the import child printed ${output}`);
  }
  return { ms: parsed.ms, cpuMs: parsed.cpuMs };
}

/** Bytes in the minified output per npm package (or per source folder), largest first. */
export function packageShares(metafile: Metafile): PackageShare[] {
  const shares = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = packageOf(path);
      shares.set(name, (shares.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...shares].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

export interface ExtraPackage {
  readonly name: string;
  readonly bytes: number;
  readonly baselineBytes: number;
  /** The shortest import chain from the entry point into the package. */
  readonly via: readonly string[];
}

/** Packages (and our own folders) that a bundle carries beyond the baseline, largest first. */
export function extraOverBaseline(
  bundle: BundleBuild,
  baseline: BundleBuild,
  minBytes = 1024,
): ExtraPackage[] {
  const baselineBytes = new Map(baseline.packages.map((share) => [share.name, share.bytes]));
  return bundle.packages
    .map((share) => ({ ...share, baselineBytes: baselineBytes.get(share.name) ?? 0 }))
    .filter((share) => share.bytes - share.baselineBytes >= minBytes)
    .map((share) => ({ ...share, via: importChain(bundle.metafile, bundle.entry, share.name) }));
}

function packageOf(path: string): string {
  const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match?.[1]) return match[1];
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(0, -1).join('/') : path;
}

/** Breadth-first search over the metafile's import graph; the chain is shown file by file in our code. */
function importChain(metafile: Metafile, entry: string, target: string): string[] {
  const previous = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (packageOf(path) === target) return chainTo(previous, path);
    for (const imported of metafile.inputs[path]?.imports ?? []) {
      if (imported.external || previous.has(imported.path)) continue;
      previous.set(imported.path, path);
      queue.push(imported.path);
    }
  }
  return [];
}

function chainTo(previous: Map<string, string | undefined>, last: string): string[] {
  const chain: string[] = [];
  for (let path: string | undefined = last; path !== undefined; path = previous.get(path)) {
    const step = path.includes('node_modules/') ? packageOf(path) : path;
    if (chain[0] !== step) chain.unshift(step);
  }
  return chain;
}

export function kb(bytes: number): number {
  return round(bytes / 1024, 1);
}

/** Where a cold child process finds its key: DynamoDB Local, a table, and a stored live key. */
export interface ColdRequestTarget {
  readonly endpoint: string;
  readonly tableName: string;
  /** The Data table (empty): what the services' first calls query. */
  readonly dataTable: string;
  readonly keyId: string;
  /** The authorizer's event for that key (an Allow is expected). */
  readonly authorizerEvent: unknown;
}

export interface ColdRequestTimes {
  /** require() of the bundle. */
  readonly importMs: number[];
  /** The first call after it: the first GetItem on a new connection, plus what the code loads lazily. */
  readonly firstCallMs: number[];
}

/**
 * What a cold request really costs: a fresh process requires the bundle and makes its first call
 * against DynamoDB Local (the baseline: one GetCommand; the authorizer: one whole decision). Import
 * time alone would flatter code that defers loading (the authorizer loads node:https on its first
 * call), so both are reported.
 */
const COLD_REQUEST_SCRIPT = `
const start = process.hrtime.bigint();
const mod = require(process.argv[1]);
const imported = process.hrtime.bigint();
Promise.resolve(mod.handler(JSON.parse(process.argv[2]))).then((result) => {
  const done = process.hrtime.bigint();
  const allowed = result && result.policyDocument && result.policyDocument.Statement[0].Effect === 'Allow';
  const found = result && result.keyId === process.argv[3];
  process.stdout.write('\\n' + JSON.stringify({ importMs: Number(imported - start) / 1e6, firstCallMs: Number(done - imported) / 1e6, ok: Boolean(allowed || found) }));
}, (error) => { console.error(error); process.exit(3); });
`;

export function measureColdRequests(
  builds: readonly BundleBuild[],
  target: ColdRequestTarget,
  rounds: number,
): Map<string, ColdRequestTimes> {
  const env = {
    ...CHILD_ENV,
    API_KEYS_TABLE: target.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: target.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AUTHORIZER_CACHE_TTL_SECONDS: '0',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  const times = new Map<string, ColdRequestTimes>(
    builds.map((bundle) => [bundle.name, { importMs: [], firstCallMs: [] }]),
  );
  for (let round = -1; round < rounds; round++) {
    for (const bundle of builds) {
      const input = bundle.name === BASELINE ? { id: target.keyId } : target.authorizerEvent;
      const output = execFileSync(
        process.execPath,
        ['-e', COLD_REQUEST_SCRIPT, bundle.outfile, JSON.stringify(input), target.keyId],
        { env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const parsed = JSON.parse(output.trim().split('\n').at(-1) ?? '') as {
        importMs: number;
        firstCallMs: number;
        ok: boolean;
      };
      if (!parsed.ok) throw new Error(`${bundle.name}: the cold request did not find or allow the key`);
      const bundleTimes = times.get(bundle.name);
      if (round < 0 || !bundleTimes) continue;
      bundleTimes.importMs.push(parsed.importMs);
      bundleTimes.firstCallMs.push(parsed.firstCallMs);
    }
  }
  return times;
}
